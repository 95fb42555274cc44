"""What a person sets once and keeps in every library: for now, the theme.

Kept in the platform's config folder (``~/.config/qa/tui.json`` on Linux), written atomically.
A missing or unreadable file is no preference, never an error.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from platformdirs import user_config_path


def preferences_path() -> Path:
    return user_config_path("qa") / "tui.json"


def load_theme(path: Path) -> str | None:
    try:
        theme = json.loads(path.read_text(encoding="utf-8")).get("theme")
    except (OSError, ValueError, AttributeError):
        return None
    return theme if isinstance(theme, str) else None


def save_theme(path: Path, theme: str) -> None:
    """Remember ``theme``; raises OSError when the folder cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tui-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump({"theme": theme}, file)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
