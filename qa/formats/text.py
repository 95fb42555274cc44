"""Plain text: decode the bytes, find a headline and the body paragraphs, offsets kept.

A UTF-8 file is quoted as Python reads it in text mode (universal newlines), so citations
are offsets into the file's own text and nothing here rewrites it.
"""

from __future__ import annotations

import bisect
import codecs
import re
from pathlib import Path

from qa.formats import LoadedText, Sections, SourceError
from qa.models import Paragraph, Span

_FURNITURE = re.compile(
    r"^\W*(scroll to top|back to top|advertisement|skip to (main )?content|share this( article)?"
    r"|read more|related articles?|sign up for our newsletter)\W*$",
    re.IGNORECASE,
)
_SITE_SECTION = re.compile(r"\s+\|\s+[^|]*$")
_TERMINAL = (".", "!", "?", ":", '"', "\u201d", "'", "\u2019", ")")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
BINARY_CONTROL_SHARE = 0.1
_BINARY_SIGNS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")  # controls other than whitespace; undecodable


def decode(data: bytes, name: str) -> tuple[str, str | None, bool]:
    """Bytes → (text, warning, derived): UTF-8 as text mode reads it; UTF-16/32 by their BOM;
    otherwise cp1252 or Latin-1 with a warning. ``derived`` says the text is not the UTF-8 file."""
    warning = None
    derived = True
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding:
        text = data.decode(encoding, errors="replace")
    elif b"\x00" in data[:8192]:
        raise SourceError(f"{name} looks like a binary file, not text.")
    else:
        try:
            text = data.decode("utf-8")
            derived = False
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
                warning = f"{name} is not UTF-8; read it as Windows-1252 (cp1252)."
            except UnicodeDecodeError:
                text = data.decode("latin-1")
                warning = f"{name} is not UTF-8; read it as Latin-1."
    sample = text[:65536]
    controls = len(_BINARY_SIGNS.findall(sample))
    if sample and controls > BINARY_CONTROL_SHARE * len(sample):
        raise SourceError(f"{name} looks like a binary file, not text.")
    return text.replace("\r\n", "\n").replace("\r", "\n"), warning, derived


def load(data: bytes, path: Path) -> LoadedText:
    text, warning, derived = decode(data, path.name)
    return parse(text, path, warning, derived)


def parse(text: str, path: Path, warning: str | None = None, derived: bool = False) -> LoadedText:
    blocks = [span for span in _paragraph_spans(text) if not _FURNITURE.match(text[span.start:span.end])]
    if not blocks:
        raise SourceError(f"{path.name} is empty.")
    headline = _headline(text[blocks[0].start:blocks[0].end])
    if headline is not None and len(blocks) > 1:
        title, body = headline, blocks[1:]
    else:
        title, body = title_from_file_name(path, text), blocks
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    paragraphs = []
    sections = Sections()
    for number, span in enumerate(body):
        below = body[number + 1] if number + 1 < len(body) else None
        heading, span = _heading(text, span, below)
        if heading is not None:
            level, heading = heading
            sections.enter(level, heading)
            if span is None:
                continue
        paragraphs.append(Paragraph(
            start=span.start, end=span.end, section=sections.path,
            lines=(bisect.bisect_right(line_starts, span.start), bisect.bisect_right(line_starts, span.end - 1))))
    if not paragraphs:
        raise SourceError(f"{path.name} has no text to index.")
    return LoadedText(text=text, title=_manual_title(title, text, paragraphs), paragraphs=paragraphs,
                      derived=derived, warning=warning)


# A heading line: a few words, no closing punctuation.
HEADING_MAX_WORDS = 8
_UNDERLINE = re.compile(r"^\s*([=\-~^*#+])\1{2,}\s*$")
_CODE_SIGNS = re.compile(r"[\[\]{}|=<>/\\@]|\s-")
_COLUMN_GAP = re.compile(r"\S(\t| {3,})\S")
_MAN_HEADER = re.compile(r"^(\S+)\(\w+\)\s.*\s\1\(\w+\)$")


def _is_heading_line(line: str) -> bool:
    """A few words with no closing punctuation; not an option ("-f, --force"), a command
    ("$ make"), a list item or a line laid out in columns ("-i     prompt before...")."""
    line = line.strip()
    return bool(line) and len(line.split()) <= HEADING_MAX_WORDS and not line.endswith(_TERMINAL + (",", ";")) \
        and line[0] not in "-$>*•+|[(" and not _COLUMN_GAP.search(line) and not _CODE_SIGNS.search(line) \
        and any(c.isalpha() for c in line)


def _indent(text: str, start: int) -> str:
    """The white space between the line's start and ``start``."""
    return text[text.rfind("\n", 0, start) + 1:start]


def _heading(text: str, span: Span, below: Span | None) -> tuple[tuple[int, str] | None, Span | None]:
    """A heading at the top of a block, and what is left of the block below it.

    Plain-text manuals mark sections three ways: a line of its own over a block indented no
    less ("Installing"), a line over the more indented rest of its block (a man page's
    "OPTIONS"), or a line underlined with ``===`` or ``---``. The heading names the section
    of what follows; it is not a paragraph. A lone line indented more than what follows it is
    an example ("tar cfv etc.tar /etc"), not a heading.
    """
    block = text[span.start:span.end]
    first, _, rest = block.partition("\n")
    if not _is_heading_line(first):
        return None, span
    indent = _indent(text, span.start)
    heading = " ".join(first.split())
    underline, _, below_underline = rest.partition("\n")
    if rest and _UNDERLINE.match(underline):
        level = 1 if underline.strip()[0] in "=#*" else 2
        rest = below_underline
    elif rest:
        body_indent = len(rest) - len(rest.lstrip(" \t"))
        if body_indent <= len(indent.expandtabs()):
            return None, span
        level = 1 if not indent else 2
    else:
        if below is None or len(_indent(text, below.start).expandtabs()) < len(indent.expandtabs()):
            return None, span
        level = 1 if not indent else 2
    remaining = rest.strip()
    if not remaining:
        return (level, heading), None
    start = span.end - len(rest) + (len(rest) - len(rest.lstrip()))
    return (level, heading), Span(start=start, end=start + len(remaining))


def _manual_title(title: str, text: str, paragraphs: list[Paragraph]) -> str:
    """A man page's title is its NAME line ("rm - remove files or directories"), not its
    running header "RM(1)  User Commands  RM(1)"; any title reads on one line."""
    title = " ".join(title.split())
    if _MAN_HEADER.match(title):
        for paragraph in paragraphs:
            if paragraph.section == "NAME":
                return " ".join(text[paragraph.start:paragraph.end].split())
    return title


def _headline(line: str) -> str | None:
    """The first paragraph as a title, when it reads like a headline."""
    if "\n" in line or len(line) > 200 or len(line.split()) > 25 or line.endswith("."):
        return None
    return _SITE_SECTION.sub("", line).strip() or None


def title_from_file_name(path: Path, text: str) -> str:
    """``kenya-pledges-600-more-officers-to-haiti.txt`` → "Kenya pledges 600 more officers to Haiti".

    A word keeps the capitals the text gives it, so place and person names read right.
    """
    capitalised = {word.lower(): word for word in re.findall(r"\b[A-Z][\w'’]*", text)}
    lowered = set(re.findall(r"\b[a-z][\w'’]*", text))
    words = [w for w in re.split(r"[-_\s]+", path.stem) if w]
    shown = [
        capitalised[w.lower()] if w.lower() in capitalised and w.lower() not in lowered else w
        for w in words
    ]
    if not shown:
        return path.stem
    return shown[0][:1].upper() + shown[0][1:] + "".join(" " + w for w in shown[1:])


def _paragraph_spans(text: str) -> list[Span]:
    """Blank-line separated blocks; a block whose lines each end a sentence is one per line."""
    spans: list[Span] = []
    for block in re.finditer(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*", text):
        lines = [line for line in re.finditer(r"[^\n]+", block.group()) if line.group().strip()]
        one_per_line = len(lines) > 1 and (
            all(line.group().rstrip().endswith(_TERMINAL) for line in lines[:-1])
            or max(len(line.group()) for line in lines) > 200
        )
        pieces = [(block.start() + m.start(), block.start() + m.end()) for m in lines] if one_per_line \
            else [(block.start(), block.end())]
        for start, end in pieces:
            piece = text[start:end]
            start += re.match(r"[\s\ufeff]*", piece).end()
            end -= len(piece) - len(piece.rstrip())
            if start < end:
                spans.append(Span(start=start, end=end))
    return spans
