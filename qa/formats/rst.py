"""reStructuredText with docutils: the parsed document's text, without its markup.

The file is parsed into docutils' tree (no transforms, no writer) and each block becomes a
paragraph: paragraphs, list items, literal blocks, table rows (cells joined by " | "), and a
definition, field or option with its term on the line above its first paragraph. Section
titles name sections; the one top-level title, when there is one, is the document's title.
Markup never reaches the text: roles (Sphinx's ``:class:`Foo``` too) give their words, a
reference its words without the address, and directives docutils does not know (Sphinx's
``toctree``, ``versionadded``...) are left out. Each passage keeps its lines in the file.

Sources are untrusted: ``include``, ``raw`` and the directives that read files or URLs are
switched off, and docutils' reports go nowhere.
"""

from __future__ import annotations

import io
import types
from pathlib import Path

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser, directives, roles, states
from docutils.parsers.rst.directives.body import CodeBlock
from docutils.utils import new_document

from qa.formats import DerivedText, LoadedText, Sections, SourceError, clean_inline
from qa.formats.text import decode, title_from_file_name

# Sphinx's names for docutils' code directive; other directives docutils lacks are skipped.
for _name in ("code-block", "sourcecode"):
    directives.register_directive(_name, CodeBlock)

# docutils parses a simple table in time that grows with the square of its rows (16,000 rows,
# 160 KB: 5 s); the largest .rst files of Python's documentation are a few hundred KB.
MAX_BYTES = 5_000_000
_SKIPPED = (nodes.comment, nodes.system_message, nodes.target, nodes.substitution_definition, nodes.raw,
            nodes.image, nodes.pending, nodes.label, nodes.title)
_TERMS = (nodes.term, nodes.field_name, nodes.option_group)


def _interpreted(inliner: states.Inliner, rawsource: str, text: str, role: str, lineno: int):  # noqa: ANN202
    """An unknown role (Sphinx's ``:class:``, ``:ref:``...) reads as its words, never as markup."""
    role_fn, _ = roles.role(role, inliner.language, lineno, inliner.reporter)
    if role_fn:
        return states.Inliner.interpreted(inliner, rawsource, text, role, lineno)
    words = text.split("<")[0].strip() if text.rstrip().endswith(">") and "<" in text else text
    return [nodes.literal(rawsource, words.lstrip("~!"))], []


def _inliner() -> states.Inliner:
    # Set on the instance: docutils builds its patterns from the class's own attributes, which a
    # subclass would not have.
    inliner = states.Inliner()
    inliner.interpreted = types.MethodType(_interpreted, inliner)
    return inliner


def load(data: bytes, path: Path) -> LoadedText:
    if len(data) > MAX_BYTES:
        raise SourceError(f"{path.name} is {len(data) / 1e6:.0f} MB of reStructuredText, over the "
                          f"{MAX_BYTES / 1e6:.0f} MB one source may hold.")
    source, warning, _ = decode(data, path.name)
    settings = get_default_settings(Parser)
    settings.report_level = settings.halt_level = 5  # never stop, never print
    settings.warning_stream = io.StringIO()
    settings.file_insertion_enabled = False  # no `include`, no `csv-table :file:`/`:url:`
    settings.raw_enabled = False
    settings.line_length_limit = 100_000
    document = new_document(path.name, settings)
    Parser(inliner=_inliner()).parse(source, document)
    top = [child for child in document.children if isinstance(child, nodes.section)]
    title = clean_inline(top[0][0].astext()) if len(top) == 1 and top[0].children else ""
    built = DerivedText()
    _read(document, built, Sections(), depth=0, title=title)
    return built.result(path.name, title or title_from_file_name(path, ""), warning=warning)


def _read(node: nodes.Element, built: DerivedText, sections: Sections, depth: int, title: str) -> None:
    for child in node.children:
        if isinstance(child, nodes.section):
            heading = clean_inline(child[0].astext()) if child.children else ""
            if heading != title or depth > 0:
                sections.enter(depth, heading)
            built.add(heading, paragraph=False)
            _read(child, built, sections, depth + 1, title)
            sections.enter(depth, "")  # the section's end closes its heading
        elif isinstance(child, _SKIPPED) or not isinstance(child, nodes.Element):
            continue
        elif isinstance(child, (nodes.paragraph, nodes.literal_block, nodes.doctest_block, nodes.line_block,
                                nodes.rubric)):
            _add(built, child, sections)
        elif isinstance(child, nodes.row):
            cells = [clean_inline(entry.astext()) for entry in child.children]
            built.add(" | ".join(cell for cell in cells if cell), section=sections.path, lines=_lines(child))
        elif isinstance(child, (nodes.definition_list_item, nodes.field, nodes.option_list_item)):
            _add_defined(child, built, sections)
        else:
            _read(child, built, sections, depth, title)


def _add(built: DerivedText, node: nodes.Element, sections: Sections, term: nodes.Element | None = None) -> None:
    text = node.astext() if isinstance(node, (nodes.literal_block, nodes.doctest_block)) \
        else "\n".join(clean_inline(line) for line in node.astext().splitlines())
    lines = _lines(node)
    if term is not None:
        text = f"{clean_inline(term.astext())}\n{text}"
        lines = (term.line, lines[1]) if lines and term.line else None
    built.add(text.strip("\n"), section=sections.path, lines=lines)


def _add_defined(item: nodes.Element, built: DerivedText, sections: Sections) -> None:
    """A definition, field or option: its term on its own line above the first paragraph."""
    term = next((child for child in item.children if isinstance(child, _TERMS)), None)
    body = next((child for child in item.children if not isinstance(child, (*_TERMS, nodes.classifier))), None)
    first = next(iter(body.findall(nodes.paragraph)), None) if body is not None else None
    if first is None:
        if term is not None:
            _add(built, term, sections)
        return
    _add(built, first, sections, term)
    first.parent.remove(first)
    _read(body, built, sections, depth=0, title="")  # what follows its first paragraph


def _lines(node: nodes.Element) -> tuple[int, int] | None:
    """The node's first and last line in the file (docutils counts from 1), where it knows them."""
    if not node.line or not node.rawsource:
        return None
    return node.line, node.line + node.rawsource.rstrip("\n").count("\n")
