"""EPUB books with ebooklib: chapters in spine order, chapter titles as sections.

Each chapter is XHTML; its block elements (paragraphs, list items, headings, table rows…)
are read in document order, the innermost block being the paragraph. A chapter's title comes
from the book's table of contents, or else from its first heading.
"""

from __future__ import annotations

import io
from pathlib import Path

import lxml.html
from ebooklib import ITEM_DOCUMENT, epub
from lxml.etree import _Element

from qa.formats import DerivedText, LoadedText, Sections, check_markup, check_zip, clean_inline
from qa.formats.text import title_from_file_name
from qa.models import Metadata

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = frozenset({"p", "li", "dt", "dd", "pre", "blockquote", "div", "section", "figcaption",
                     "tr", "aside", "td", "th", *_HEADINGS})
_SKIPPED = frozenset({"script", "style", "nav", "head"})


def load(data: bytes, path: Path) -> LoadedText:
    check_zip(data, path.name, "an EPUB book")
    book = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": False})
    chapter_titles = _toc_titles(book.toc)
    built = DerivedText()
    parsed = 0  # a spine may list one chapter many times: a 21 KB book read as 2 GB
    for idref, _linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or isinstance(item, epub.EpubNav) or item.get_type() != ITEM_DOCUMENT:
            continue
        content = item.get_content()
        if not content.strip():
            continue
        parsed += len(content)
        check_markup(parsed, path.name)
        root = lxml.html.fromstring(content)
        _add_chapter(root, chapter_titles.get(item.get_name()), built)
    title = _first(book, "title")
    metadata = Metadata(author=_first(book, "creator"), date=_first(book, "date"))
    return built.result(path.name, title or title_from_file_name(path, ""), metadata)


def _add_chapter(root: _Element, chapter: str | None, built: DerivedText) -> None:
    sections = Sections()
    if chapter:
        sections.enter(0, chapter)
        built.add(chapter, paragraph=False)
    blocks = [e for e in root.iter() if isinstance(e.tag, str) and e.tag in _BLOCKS]
    # ids are stable here: every block proxy stays alive in ``blocks`` while the set is used
    containers = {id(a) for e in blocks for a in e.iterancestors() if a.tag in _BLOCKS}
    for element in blocks:
        ancestors = {a.tag for a in element.iterancestors()}
        if ancestors & _SKIPPED or "tr" in ancestors or element.tag in ("td", "th") or (
                id(element) in containers and element.tag != "tr"):
            continue
        if element.tag == "tr":
            cells = [clean_inline(cell.text_content()) for cell in element if cell.tag in ("td", "th")]
            built.add(" | ".join(cell for cell in cells if cell), section=sections.path)
            continue
        text = clean_inline(element.text_content())
        if element.tag in _HEADINGS:
            if text and text != chapter:
                if chapter is None:
                    chapter = text
                    sections.enter(0, text)
                else:
                    sections.enter(_HEADINGS[element.tag], text)
                built.add(text, paragraph=False)
        else:
            built.add(text, section=sections.path)


def _toc_titles(toc: object) -> dict[str, str]:
    """Chapter file → its title in the table of contents (the first entry pointing into it)."""
    titles: dict[str, str] = {}
    # ebooklib gives one `Link` instead of a list for an NCX whose navMap is empty.
    for entry in toc if isinstance(toc, list) else [toc]:
        if isinstance(entry, tuple):
            section, children = entry
            if getattr(section, "href", None):
                titles.setdefault(section.href.split("#")[0], clean_inline(section.title or ""))
            for name, title in _toc_titles(children).items():
                titles.setdefault(name, title)
        elif getattr(entry, "href", None) and entry.title:
            titles.setdefault(entry.href.split("#")[0], clean_inline(entry.title))
    return {name: title for name, title in titles.items() if title}


def _first(book: epub.EpubBook, field: str) -> str | None:
    values = book.get_metadata("DC", field)
    return clean_inline(str(values[0][0])) or None if values and values[0][0] else None
