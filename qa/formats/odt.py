"""OpenDocument text (.odt, LibreOffice's and Google Docs' format) from its content.xml, with lxml.

The body's headings (``text:h``, with their outline level) name sections; its paragraphs,
list items and table rows (cells joined by " | ") are the passages, in document order. The
title is the document's title property, or else its "Title" paragraph. Tracked deletions,
comments, footnotes and text frames are left out: none is the running text a reader quotes.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

from qa.formats import DerivedText, LoadedText, Sections, SourceError, check_zip, clean_inline
from qa.formats.text import title_from_file_name
from qa.models import Metadata

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}


def _tag(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


_H, _P, _ROW, _CELL = _tag("text", "h"), _tag("text", "p"), _tag("table", "table-row"), _tag("table", "table-cell")
_SPACE, _TAB, _BREAK = _tag("text", "s"), _tag("text", "tab"), _tag("text", "line-break")
_LEFT_OUT = frozenset({_tag("text", "tracked-changes"), _tag("office", "annotation"), _tag("text", "note"),
                       _tag("draw", "frame"), _tag("text", "table-of-content"), _tag("office", "forms")})
_CLOSING = tuple(".,;:!?)")
# Not entities, not the network: a document is untrusted.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


def load(data: bytes, path: Path) -> LoadedText:
    check_zip(data, path.name, "an OpenDocument text")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "content.xml" not in names:
            raise SourceError(f"{path.name} cannot be read as an OpenDocument text; it has no content.xml.")
        content = etree.fromstring(archive.read("content.xml"), _PARSER)
        meta = etree.fromstring(archive.read("meta.xml"), _PARSER) if "meta.xml" in names else None
    body = content.find("office:body/office:text", _NS)
    if body is None:
        raise SourceError(f"{path.name} is not an OpenDocument text (a spreadsheet or a presentation?).")
    title_styles = _styles_named(content, "Title")
    title = _meta(meta, "dc:title") or ""
    built, sections = DerivedText(), Sections()
    for block in _blocks(body):
        if block.tag == _ROW:
            cells = [clean_inline(_text(p)) for cell in block.iter(_CELL) for p in cell.iter(_P, _H)]
            built.add(" | ".join(cell for cell in cells if cell), section=sections.path)
            continue
        text = clean_inline(_text(block))
        if block.tag == _H:
            level = block.get(_tag("text", "outline-level"), "1")
            sections.enter(int(level) if level.isdigit() else 1, text)
            built.add(text, paragraph=False)
        elif block.get(_tag("text", "style-name")) in title_styles or (text == title and not built.paragraphs):
            title = title or text
            built.add(text, paragraph=False)
        else:
            built.add(text, section=sections.path)
    metadata = Metadata(author=_meta(meta, "dc:creator") or _meta(meta, "meta:initial-creator"))
    return built.result(path.name, title or title_from_file_name(path, ""), metadata)


def _blocks(element: etree._Element):  # noqa: ANN202 - a generator of elements
    """Headings, paragraphs and table rows in document order; no paragraph inside another."""
    for child in element:
        if child.tag in _LEFT_OUT or not isinstance(child.tag, str):
            continue
        if child.tag in (_H, _P, _ROW):
            yield child
        else:
            yield from _blocks(child)


def _text(element: etree._Element) -> str:
    """A paragraph's words: spaces, tabs and line breaks as the document spells them."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _SPACE:
            count = child.get(_tag("text", "c"), "1")
            parts.append(" " * min(int(count) if count.isdigit() else 1, 100))
        elif child.tag in (_TAB, _BREAK):
            parts.append(" ")
        elif child.tag not in _LEFT_OUT and isinstance(child.tag, str):
            parts.append(_text(child))
        elif (child.tail or "")[:1] in _CLOSING and parts[-1].endswith(" "):
            parts[-1] = parts[-1].rstrip()  # "nets [note]." reads "nets.", not "nets ."
        parts.append(child.tail or "")
    return "".join(parts)


def _styles_named(content: etree._Element, name: str) -> set[str]:
    """``name`` and the automatic styles (P1, P2...) the document derives from it."""
    styles = {name}
    for style in content.iterfind("office:automatic-styles/style:style", _NS):
        if style.get(_tag("style", "parent-style-name")) == name:
            styles.add(style.get(_tag("style", "name"), ""))
    return styles


def _meta(meta: etree._Element | None, name: str) -> str | None:
    found = meta.find(f"office:meta/{name}", _NS) if meta is not None else None
    return clean_inline(found.text or "") or None if found is not None else None
