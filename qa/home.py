"""Which folder is the library when the user names none.

`./sources` when it exists (the repository's own articles, or a project folder); otherwise a
per-user library in the platform's data folder, created on first use with the two bundled
articles, so `qa` answers from anywhere after `pip install`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from platformdirs import user_data_path

from qa.errors import LibraryError

LOCAL = Path("sources")


def user_library() -> Path:
    """The per-user library: ``~/.local/share/qa/sources`` on Linux (``$XDG_DATA_HOME`` honoured)."""
    return user_data_path("qa", appauthor=False) / "sources"


def default_folder(explicit: Path | None, created: Callable[[Path], None] = lambda folder: None) -> Path:
    """The library folder: ``explicit`` (``--sources`` or ``QA_SOURCES``), ``./sources``, or the user's.

    ``created`` is told the user's library when this call made it, so the user hears where it is once.
    """
    if explicit is not None:
        return explicit
    if LOCAL.is_dir():
        return LOCAL
    folder = user_library()
    if not folder.exists() and _create_with_bundled_articles(folder):
        created(folder)
    return folder


def sources_folder(folder: Path | None, default: Path | None, create: bool) -> Path:
    """The folder a library opens: ``folder``, else the default one (``default``: the setting);
    ``create`` makes it when missing."""
    folder = folder if folder is not None else default_folder(default)
    if not folder.exists():
        if not create:
            raise LibraryError(f"The sources folder {folder} does not exist.")
        folder.mkdir(parents=True)
    elif not folder.is_dir():
        raise LibraryError(f"{folder} is not a folder.")
    return folder


def _create_with_bundled_articles(folder: Path) -> bool:
    """Fill a sibling temporary folder, then rename it into place: a reader never sees it half made,
    and when two first runs race, the second's rename fails harmlessly and its copy is dropped.

    True when this call made the folder (False: another run did, meanwhile).
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".sources-"))
    try:
        for article in resources.files("qa.bundled").iterdir():
            if article.name.endswith(".txt"):
                (staging / article.name).write_bytes(article.read_bytes())
        os.rename(staging, folder)
        return True
    except OSError:
        if not folder.is_dir():
            raise
        return False
    finally:
        shutil.rmtree(staging, ignore_errors=True)
