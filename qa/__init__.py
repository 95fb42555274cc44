"""qa: ask questions of a folder of sources; answers are verbatim quotes with citations.

The names below load on first use (PEP 562), so importing a light module such as `qa.display`
does not pull in the whole engine (NLTK, NumPy): the terminal UI draws its first frame first.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qa.library import Library, LibraryError
    from qa.models import AddResult, Answer, Chunk, Citation, Quote, Source
    from qa.settings import Settings

_HOMES = {
    "Library": "qa.library", "LibraryError": "qa.library", "Settings": "qa.settings",
    **{name: "qa.models" for name in ("AddResult", "Answer", "Chunk", "Citation", "Quote", "Source")},
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'qa' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
