"""qa: ask questions of a folder of sources; answers are verbatim quotes with citations.

The names below load on first use (PEP 562), so that `qa --help` or a module of the package
does not import the whole engine (NumPy, pydantic's models...) first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_HOMES = {
    "Library": "qa.library", "LibraryError": "qa.library", "Settings": "qa.settings",
    "AddResult": "qa.models", "Answer": "qa.models", "Chunk": "qa.models", "Citation": "qa.models",
    "Quote": "qa.models", "Source": "qa.models",
}

__all__ = sorted(_HOMES)

if TYPE_CHECKING:
    from qa.library import Library, LibraryError
    from qa.models import AddResult, Answer, Chunk, Citation, Quote, Source
    from qa.settings import Settings


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'qa' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value
