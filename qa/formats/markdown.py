"""Markdown: parsed with markdown-it-py, quoted as clean text without its markup.

Every paragraph, list item, block quote paragraph, table row and code block is a paragraph of
its own; headings are not paragraphs but name the section of those below them. A paragraph
keeps its line breaks, so a passage's line numbers in the original file can be counted.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from qa.formats import DerivedText, LoadedText, Sections
from qa.formats.text import decode, title_from_file_name

_PARSER = MarkdownIt("commonmark").enable("table")


def load(data: bytes, path: Path) -> LoadedText:
    text, warning, _ = decode(data, path.name)
    tokens = _PARSER.parse(text)
    built, sections = DerivedText(), Sections()
    title = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        lines = (token.map[0] + 1, token.map[1]) if token.map else None
        if token.type == "heading_open":
            heading = " ".join(plain(tokens[i + 1]).split())
            if title is None and token.tag == "h1" and not built.paragraphs:
                title = heading
            sections.enter(int(token.tag[1]), heading)
            built.add(heading, paragraph=False)
            i += 3
        elif token.type == "paragraph_open":
            built.add(plain(tokens[i + 1]), section=sections.path, lines=lines)
            i += 3
        elif token.type == "tr_open":
            end = next(j for j in range(i, len(tokens)) if tokens[j].type == "tr_close")
            cells = [" ".join(plain(t).split()) for t in tokens[i:end] if t.type == "inline"]
            in_header = any(t.type == "thead_open" for t in tokens[max(0, i - 2):i])
            built.add(" | ".join(c for c in cells if c), paragraph=not in_header,
                      section=sections.path, lines=lines)
            i = end + 1
        elif token.type in ("fence", "code_block"):
            if token.type == "fence" and lines:
                lines = (lines[0] + 1, max(lines[0] + 1, lines[1] - 1))
            built.add(token.content.rstrip(), section=sections.path, lines=lines)
            i += 1
        else:
            i += 1
    return built.result(path.name, title or title_from_file_name(path, text), warning=warning)


def plain(inline: Token) -> str:
    """An inline token's text without markup; line breaks kept, each line trimmed."""
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(plain(child))
    return "\n".join(line.strip() for line in "".join(parts).split("\n") if line.strip())
