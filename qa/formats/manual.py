"""Documentation pages (Sphinx, DocBook, texinfo, Doxygen, pandoc...): read block by block.

trafilatura is made for news articles: on a manual it drops definition terms (`<dt>`), code
and option lists, keeps navigation bars and glues inline elements together. A documentation
page is read here instead, from its DOM: navigation, sidebars, tables of contents and permalink
marks are dropped; headings name sections; a definition term is kept with the first paragraph
of its definition (one paragraph, the term on its own line), so "What does ffi_prep_cif do?"
finds the term and its definition together.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import html as lxml_html
from lxml.etree import ParserError, _Element

from qa.formats import DerivedText, Sections, clean_inline

# Elements that are never a page's content.
_DROPPED_TAGS = ("script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside",
                 "form", "button", "iframe", "object", "input", "select", "textarea")
# Navigation, sidebars, tables of contents and permalink marks, by class, id or role.
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navheader|navfooter|navigation|nav-panel|menu|mainmenu|submenu|searchmenu"
    r"|sidebar|sphinxsidebar|sphinxsidebarwrapper|related|breadcrumbs?|footer|topbar|banner|cookies?"
    r"|skip|toc|tagline|searchbox|headerlink|copiable-anchor|contentinfo|complementary|search)(?:$|[\s_-])",
    re.IGNORECASE,
)
_MAIN = ("//*[@role='main']", "//main", "//div[contains(concat(' ', @class, ' '), ' body ')]",
         "//article", "//div[@id='content']", "//body")
_GENERATOR = re.compile(r"sphinx|docbook|makeinfo|texinfo|doxygen|pandoc|mkdocs|javadoc|docutils|asciidoc",
                        re.IGNORECASE)
# The marks documentation generators leave even where no meta tag names them: Sphinx's
# permalinks, DocBook's navigation header, texinfo's navigation panel.
_GENERATOR_MARKS = ("//*[contains(concat(' ', @class, ' '), ' headerlink ') or contains(concat(' ', @class, ' '), "
                    "' navheader ') or contains(concat(' ', @class, ' '), ' nav-panel ')]")
_HEADING = re.compile(r"h[1-6]")
_CONTAINERS = frozenset("div section article main body blockquote ul ol dl li dd table thead tbody tfoot "
                        "tr figure details center fieldset address".split())
_LEAVES = frozenset("p pre dt td th caption figcaption summary".split()) | {f"h{n}" for n in range(1, 7)}
_BLOCKS = _CONTAINERS | _LEAVES | {"hr"}
_PERMALINK = re.compile(r"\s*[¶§#]\s*$")


def is_manual(root: _Element) -> bool:
    """Whether a page reads as documentation: a generator that makes manuals (named, or known
    by its marks), or definition lists or preformatted blocks, which news pages hardly have."""
    generator = " ".join(root.xpath("//meta[@name='generator']/@content"))
    return bool(_GENERATOR.search(generator)) or bool(root.xpath("//dl|//pre")) or bool(root.xpath(_GENERATOR_MARKS))


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")


def parse(data: str) -> _Element | None:
    """The page's tree; None for what lxml cannot parse (trafilatura then tries)."""
    try:
        # lxml refuses a str that declares its own encoding (XHTML from DocBook does).
        return lxml_html.document_fromstring(_XML_DECLARATION.sub("", data, count=1))
    except (ParserError, ValueError):
        return None


@dataclass(frozen=True)
class Block:
    text: str
    heading: int = 0  # 1-6 for a heading


def read(root: _Element, built: DerivedText) -> str | None:
    """Add the page's blocks to ``built``; return its title (its first h1, else <title>)."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            element.drop_tree()  # comments and processing instructions
        elif element.tag in _DROPPED_TAGS or _is_furniture(element):
            if element.getparent() is not None:
                element.drop_tree()
    for line_break in root.iter("br"):
        line_break.tail = "\n" + (line_break.tail or "")  # "-a<br>--data-only" is two words
    main = next((found[0] for path in _MAIN if (found := root.xpath(path))), root)
    sections, title = Sections(), None
    for block in _blocks(main):
        if block.heading:
            title = title or (block.text if block.heading == 1 else None)
            sections.enter(block.heading, block.text)
            built.add(block.text, paragraph=False)
        else:
            built.add(block.text, section=sections.path)
    page_title = clean_inline(" ".join(root.xpath("//title//text()")))
    return title or page_title or None


def _is_furniture(element: _Element) -> bool:
    marks = " ".join(filter(None, (element.get("class"), element.get("id"), element.get("role"))))
    if marks and _FURNITURE.search(marks):
        return True
    return element.tag == "table" and "navigation" in (element.get("summary") or "").lower()


def _text(element: _Element) -> str:
    return _PERMALINK.sub("", clean_inline("".join(element.itertext())))


def _preformatted(element: _Element) -> str:
    lines = "".join(element.itertext()).replace("\r", "").split("\n")
    return "\n".join(clean_inline(line) and line.rstrip() for line in lines).strip("\n")


def _blocks(element: _Element) -> Iterator[Block]:
    """The element's blocks in reading order."""
    tag = element.tag
    if _HEADING.fullmatch(tag):
        if text := _text(element):
            yield Block(text, heading=int(tag[1]))
    elif tag == "pre":
        if text := _preformatted(element):
            yield Block(text)
    elif tag == "tr":
        cells = [_text(cell) for cell in element if cell.tag in ("td", "th")]
        if row := " | ".join(cell for cell in cells if cell):
            yield Block(row)
    elif tag == "dl":
        yield from _definitions(element)
    elif tag in _LEAVES or not any(child.tag in _BLOCKS for child in element):
        if text := _text(element):
            yield Block(text)
    else:
        yield from _mixed(element)


def _mixed(element: _Element) -> Iterator[Block]:
    """A container's children, with runs of loose inline text between blocks as paragraphs."""
    loose: list[str] = [element.text or ""]
    for child in element:
        if child.tag in _BLOCKS:
            if text := clean_inline("".join(loose)):
                yield Block(text)
            loose = []
            yield from _blocks(child)
        else:
            loose.append("".join(child.itertext()))
        loose.append(child.tail or "")
    if text := clean_inline("".join(loose)):
        yield Block(text)


def _definitions(element: _Element) -> Iterator[Block]:
    """A definition list: each term, on its own line, heads its definition's first paragraph."""
    terms: list[str] = []
    for child in element:
        if child.tag == "dt":
            if term := _text(child):
                terms.append(term)
        elif child.tag == "dd":
            blocks = [block for block in _blocks(child) if not block.heading]
            head = "\n".join(terms)
            terms = []
            if blocks and head:
                yield Block(f"{head}\n{blocks[0].text}")
                yield from blocks[1:]
            elif head:
                yield Block(head)
            else:
                yield from blocks
        else:
            yield from _blocks(child)
    if terms:
        yield Block("\n".join(terms))
