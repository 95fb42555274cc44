"""qa: ask questions of a folder of sources; answers are verbatim quotes with citations."""

from qa.library import Library, LibraryError
from qa.models import AddResult, Answer, Chunk, Citation, Quote, Source
from qa.settings import Settings

__all__ = [
    "AddResult", "Answer", "Chunk", "Citation", "Library", "LibraryError", "Quote", "Settings",
    "Source",
]
