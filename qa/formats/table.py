"""CSV and TSV tables: each row a passage that names its columns, "name: Ada · year: 1843".

The dialect (delimiter, quoting) is sniffed from the start of the file; a first row that
reads as column names (``csv.Sniffer.has_header``) names the cells of every row after it.
The rendered rows are the source's text, so quotes stay exact slices of it; a row's number
(as a spreadsheet shows it, the header being row 1) is its locator.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from qa.formats import DerivedText, LoadedText, SourceError, clean_inline
from qa.formats.text import decode, title_from_file_name

CELL_SEPARATOR = " · "
# A row is a passage, and each passage costs an index entry: a million rows is a database,
# not a document to quote.
MAX_ROWS = 500_000
# csv.Sniffer's patterns backtrack: 64 KB of a damaged table took 5 s to sniff; 8 KB is many rows.
_SNIFF_CHARS = 8_192


def load(data: bytes, path: Path) -> LoadedText:
    text, warning, _ = decode(data, path.name)
    dialect = _dialect(text[:_SNIFF_CHARS], tab=path.suffix.lower() == ".tsv")
    rows = csv.reader(io.StringIO(text, newline=""), dialect)
    header: list[str] | None = None
    built = DerivedText()
    try:
        for number, row in enumerate(rows, start=1):
            if number > MAX_ROWS:
                raise SourceError(f"{path.name} has over {MAX_ROWS:,} rows, more than one source may hold.")
            cells = [clean_inline(cell) for cell in row]
            if number == 1 and _has_header(text[:_SNIFF_CHARS], cells):
                header = cells
                continue
            built.add(_render(cells, header), page=number)
    except csv.Error:
        # a cell over csv's 131,072 characters, or a NUL byte: a blob, not a table
        raise SourceError(f"{path.name} cannot be read as a table; a row is malformed.") from None
    return built.result(path.name, title_from_file_name(path, ""), warning=warning)


def _dialect(sample: str, *, tab: bool) -> type[csv.Dialect] | csv.Dialect:
    if tab:
        return csv.excel_tab
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:  # one column, or too few rows to tell: commas, as a spreadsheet writes
        return csv.excel


def _has_header(sample: str, cells: list[str]) -> bool:
    if len([cell for cell in cells if cell]) < 2 or len(set(cells)) < len(cells):
        return False
    try:
        return csv.Sniffer().has_header(sample) if "\n" in sample.strip() else False
    except csv.Error:
        return False


def _render(cells: list[str], header: list[str] | None) -> str:
    if header is None:
        return CELL_SEPARATOR.join(cell for cell in cells if cell)
    named = []
    for index, cell in enumerate(cells):
        if not cell:
            continue
        name = header[index] if index < len(header) else ""
        named.append(f"{name}: {cell}" if name else cell)
    return CELL_SEPARATOR.join(named)
