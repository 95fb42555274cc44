"""Quote verification: every quote and passage of an answer is checked against its source's
text as it is now, so a stale index can never put words in a source's mouth."""

from __future__ import annotations

from pathlib import Path

from qa.formats.text import decode
from qa.ingest import file_state
from qa.models import Answer
from qa.sources import SourceError
from qa.store import SourceRow, Store

# Sources' texts kept in memory for checking quotes, by (row, name, state): a PDF's or a web
# page's from the index (megabytes, read again at each question before), a plain text's from its file.
TEXT_CACHE = 16


class QuoteChecker:
    """Finds the citations of an answer whose words are no longer in their source."""

    def __init__(self, folder: Path, store: Store) -> None:
        self.folder = folder
        self.store = store
        self._texts: dict[tuple[int, str, object], str] = {}

    def forget(self) -> None:
        """Drop the texts kept: the files were read again though their states looked unchanged."""
        self._texts.clear()

    def stale_citations(self, answer: Answer) -> set[int]:
        """The citations whose passage or quotes are not, at their offsets, in the source now."""
        stale = set()
        texts = {}
        for citation in answer.citations:
            row = self.store.source(key=citation.source)
            text = self.current_text(row) if row else None
            texts[citation.n] = text
            if text is None or text[citation.start:citation.end] != citation.passage:
                stale.add(citation.n)
        for quote in answer.quotes:
            text = texts.get(quote.citation)
            if text is None or text[quote.start:quote.end] != quote.text:
                stale.add(quote.citation)
        return stale

    def current_text(self, row: SourceRow) -> str | None:
        """The text a source's offsets index, if its file is still the one indexed."""
        path = self.folder / row.name
        try:
            state = file_state(path)
        except SourceError:
            return None
        if state != row.state:
            return None
        key = (row.id, row.name, state)
        if key not in self._texts:
            text = self.store.stored_text(row.id)
            if text is None:
                try:  # a plain UTF-8 text: its text is the file's, as text mode reads it
                    text = decode(path.read_bytes(), row.name)[0]
                except (SourceError, OSError):
                    return None
            if len(self._texts) >= TEXT_CACHE:
                self._texts.clear()
            self._texts[key] = text
        return self._texts[key]
