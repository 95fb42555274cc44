"""Web pages: the article found by trafilatura, without navigation, banners, ads or comments.

trafilatura returns the main content as a small XML tree (``head``, ``p``, ``list/item``,
``quote``, ``table/row/cell``); each block becomes a paragraph, headings name sections.
The page's title, author and date come from its metadata.
"""

from __future__ import annotations

import logging
from pathlib import Path

import trafilatura
from lxml.etree import _Element
from trafilatura.settings import use_config

from qa.formats import manual
from qa.formats import DerivedText, LoadedText, Sections, SourceError, clean_inline
from qa.formats.text import decode, title_from_file_name
from qa.models import Metadata

# trafilatura and its helpers log what they discard; unconfigured, Python would print that on stderr.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

_CONFIG = use_config()
# A short news item is still an article; the default 250 characters sends it to a cruder fallback.
_CONFIG["DEFAULT"]["MIN_EXTRACTED_SIZE"] = "10"
# Our own size limit applies; no timer signals, which only work on the main thread.
_CONFIG["DEFAULT"]["MAX_FILE_SIZE"] = str(10**12)
_CONFIG["DEFAULT"]["EXTRACTION_TIMEOUT"] = "0"


def load(data: bytes, path: Path) -> LoadedText:
    html, warning, _ = decode(data, path.name)
    root = manual.parse(html)
    if root is not None and manual.is_manual(root):
        built = DerivedText()
        title = manual.read(root, built)
        # A page that is all navigation (a chapter's table of contents) is read as before.
        if built.paragraphs:
            return built.result(path.name, title or title_from_file_name(path, ""), warning=warning)
    document = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, config=_CONFIG,
    )
    if document is None or document.body is None:
        raise SourceError(f"{path.name} has no article text to index.")
    title = clean_inline(document.title or "")
    built, sections = DerivedText(), Sections()
    for element in document.body:
        _add_block(element, built, sections)
    metadata = Metadata(author=clean_inline(document.author or "") or None, date=document.date or None)
    return built.result(path.name, title or title_from_file_name(path, ""), metadata, warning)


def _add_block(element: _Element, built: DerivedText, sections: Sections) -> None:
    tag = element.tag
    if tag == "head":
        heading = clean_inline("".join(element.itertext()))
        rend = str(element.get("rend", "h2"))
        sections.enter(int(rend[1]) if rend[1:].isdigit() else 2, heading)
        built.add(heading, paragraph=False)
    elif tag == "list":
        for item in element.iterchildren("item"):
            own = [item.text or ""] + [
                "".join(child.itertext()) + (child.tail or "") if child.tag != "list" else child.tail or ""
                for child in item
            ]
            built.add(clean_inline("".join(own)), section=sections.path)
            for nested in item.iterchildren("list"):
                _add_block(nested, built, sections)
    elif tag == "table":
        for row in element.iter("row"):
            cells = [clean_inline("".join(cell.itertext())) for cell in row.iterchildren("cell")]
            built.add(" | ".join(cell for cell in cells if cell), section=sections.path)
    elif tag == "quote" and len(element):
        for child in element:
            _add_block(child, built, sections)
    else:
        built.add(clean_inline("".join(element.itertext())), section=sections.path)
