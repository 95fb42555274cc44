"""Word documents (.docx) with python-docx: body paragraphs and tables in document order.

Headings ("Heading 1"…) name sections, the "Title" paragraph (or the document's title
property) is the title, and a table row reads as its cells joined by " | ". Page headers and
footers live outside the body, so they are never indexed.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
from docx.table import Table

from qa.formats import DerivedText, LoadedText, Sections, check_zip, clean_inline
from qa.formats.text import title_from_file_name
from qa.models import Metadata

_HEADING = re.compile(r"heading (\d)", re.IGNORECASE)


def load(data: bytes, path: Path) -> LoadedText:
    check_zip(data, path.name, "a Word document")
    document = docx.Document(io.BytesIO(data))
    properties = document.core_properties
    title = clean_inline(properties.title or "")
    style_names = {style.style_id: style.name or "" for style in document.styles}
    built, sections = DerivedText(), Sections()
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = []
                for cell in row.cells:
                    text = clean_inline(cell.text)
                    if text and (not cells or cells[-1] != text):  # a merged cell repeats
                        cells.append(text)
                built.add(" | ".join(cells), section=sections.path)
            continue
        text = clean_inline(block.text)
        style = style_names.get(block._p.style or "", "")  # ``block.style`` looks it up anew each time: slow
        heading = _HEADING.match(style)
        if style.lower() == "title":
            title = title or text
            built.add(text, paragraph=False)
        elif heading and text:
            sections.enter(int(heading.group(1)), text)
            built.add(text, paragraph=False)
        else:
            built.add(text, section=sections.path)
    # No date: a document's created/modified stamps say when a file was saved, not published.
    metadata = Metadata(author=clean_inline(properties.author or "") or None)
    return built.result(path.name, title or title_from_file_name(path, ""), metadata)

