"""Markdown: parsed with markdown-it-py, quoted as clean text without its markup.

Every paragraph, list item, block quote paragraph, table row and code block is a paragraph of
its own; headings are not paragraphs but name the section of those below them. A paragraph
keeps its line breaks, so a passage's line numbers in the original file can be counted.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from qa.formats import DerivedText, LoadedText, Sections
from qa.formats.text import decode, title_from_file_name

_PARSER = MarkdownIt("commonmark").enable("table")


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_TITLE = re.compile(r"^title:[ \t]*['\"]?(.*?)['\"]?[ \t]*$", re.MULTILINE | re.IGNORECASE)


def without_front_matter(text: str) -> tuple[str, str | None]:
    """The text with its YAML front matter (``---`` ... ``---`` at the very top, as Jekyll,
    Hugo and pandoc write it) blanked line for line, so line numbers still hold, and the
    title it gives. Parsed as Markdown, its ``section: 1`` over ``---`` is a heading."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return text, None
    title = _FRONT_MATTER_TITLE.search(match.group(1))
    blanked = "\n" * match.group().count("\n")
    return blanked + text[match.end():], (" ".join(title.group(1).split()) or None) if title else None


def load(data: bytes, path: Path) -> LoadedText:
    text, warning, _ = decode(data, path.name)
    text, title = without_front_matter(text)
    tokens = _PARSER.parse(text)
    built, sections = DerivedText(), Sections()
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
        elif token.type == "html_block":
            # Raw HTML in Markdown: a man page converted with its text in <pre>, a <details>.
            built.add(_html_text(token.content), section=sections.path, lines=lines)
            i += 1
        else:
            i += 1
    return built.result(path.name, title or title_from_file_name(path, text), warning=warning)


_TAG = re.compile(r"<[^>]*>")


def _html_text(block: str) -> str:
    """The text of a raw HTML block, its line breaks kept, each line trimmed."""
    text = html.unescape(_TAG.sub("", block))
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


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
