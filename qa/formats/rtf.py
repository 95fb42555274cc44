"""RTF (WordPad, TextEdit, Word's "Rich Text"): the text of the document body, paragraph by paragraph.

A small reader of our own, one pass over RTF's tokens (the classic algorithm striprtf also
follows): groups that are not text (font and colour tables, style sheet, pictures, field
instructions, any ``{\\*\\...}`` group) are skipped; ``\\'e9`` is decoded with the document's
code page, ``\\u8220?`` as Unicode; ``\\par`` ends a paragraph, ``\\line`` breaks a line, a
table row reads as its cells joined by " | ". A paragraph with an outline level (Word writes
one for headings) names a section. The title and author come from the ``\\info`` group.

Why not striprtf: its hyperlink pattern backtracks, so a 34 KB line of nested fields took
16 s (a hostile file could take hours), and it leaves a link's address in the text
(`see the survey("https://…")`). rtfparse only tokenizes; its one renderer extracts HTML
wrapped in RTF by Outlook.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from qa.formats import DerivedText, LoadedText, Sections, SourceError, clean_inline
from qa.formats.text import title_from_file_name
from qa.models import Metadata

_TOKEN = re.compile(rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|[\r\n]+|([^\\{}\r\n]+)",
                    re.DOTALL)
# Groups whose words are not the document's text.
_DESTINATIONS = frozenset(
    b"fonttbl colortbl stylesheet listtable listoverridetable rsidtbl generator pict object objdata "
    b"fldinst themedata colorschememapping datastore latentstyles xmlnstbl mmathPr header footer "
    b"headerl headerr headerf footerl footerr footerf footnote annotation atnauthor atnid bkmkstart "
    b"bkmkend revtbl pgdsctbl filetbl nonshppict shppict shpinst sp sn sv blipuid pn pntext pntxta "
    b"pntxtb listtext template docvar userprops operator company category keywords comment doccomm "
    b"subject manager hlinkbase xe tc txe field_instruction".split())
_INFO_FIELDS = frozenset({b"title", b"author"})
_CHARACTERS = {b"tab": " ", b"emdash": "\u2014", b"endash": "\u2013", b"lquote": "\u2018", b"rquote": "\u2019",
               b"ldblquote": "\u201c", b"rdblquote": "\u201d", b"bullet": "\u2022", b"emspace": " ",
               b"enspace": " ", b"qmspace": " "}
_ESCAPED = {b"~": "\u00a0", b"-": "", b"_": "-", b"{": "{", b"}": "}", b"\\": "\\"}
_PARAGRAPH_ENDS = frozenset({b"par", b"sect", b"page", b"row"})
MAX_GROUP_DEPTH = 1000


def load(data: bytes, path: Path) -> LoadedText:
    if not data.lstrip().startswith(b"{\\rtf"):
        raise SourceError(f"{path.name} cannot be read as RTF; it does not start with {{\\rtf.")
    reader = _Reader(path.name)
    reader.read(data)
    built, sections = DerivedText(), Sections()
    for text, level in reader.paragraphs:
        if level is not None:
            sections.enter(level, text)
            built.add(text, paragraph=False)
        else:
            built.add(text, section=sections.path)
    title = clean_inline(reader.info.get(b"title", ""))
    metadata = Metadata(author=clean_inline(reader.info.get(b"author", "")) or None)
    return built.result(path.name, title or title_from_file_name(path, ""), metadata)


class _Reader:
    """RTF tokens → paragraphs of text, each with its outline level (None: body text)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.paragraphs: list[tuple[str, int | None]] = []
        self.info: dict[bytes, str] = {}
        self._line: list[str] = []
        self._pending = bytearray()  # \'xx bytes, decoded together (a code page may need two)
        self._codec = codecs.lookup("cp1252")
        self._level: int | None = None

    def read(self, data: bytes) -> None:
        stack: list[tuple[int, bytes | None]] = []
        skip_per_unicode, skipping = 1, 0
        target: bytes | None = b""  # b"": the body; None: a group that is not text; b"title"...: \info
        position, end = 0, len(data)
        while position < end:
            match = _TOKEN.match(data, position)
            if match is None:  # a lone byte the pattern cannot take (a stray \ at the end)
                position += 1
                continue
            position = match.end()
            word, argument, hex_byte, symbol, brace, text = match.groups()
            if hex_byte is not None:
                if skipping:
                    skipping -= 1
                elif target is not None:
                    self._pending.append(int(hex_byte, 16))
                continue
            self._flush_bytes(target)
            if text is not None:
                if skipping:
                    text, skipping = text[skipping:], max(0, skipping - len(text))
                if target is not None:
                    self._emit(text.decode("latin-1").encode("latin-1").decode(self._codec.name, "replace"), target)
            elif brace == b"{":
                skipping = 0
                if len(stack) >= MAX_GROUP_DEPTH:
                    raise SourceError(f"{self.name} nests its groups over {MAX_GROUP_DEPTH} deep; it may be damaged.")
                stack.append((skip_per_unicode, target))
            elif brace == b"}":
                skipping = 0
                if stack:
                    skip_per_unicode, target = stack.pop()
            elif symbol is not None:
                skipping = 0
                if symbol == b"*":
                    target = None
                elif symbol in (b"\n", b"\r") and target == b"":  # a backslash ending a line is \par
                    self._end_paragraph()
                elif target is not None and symbol in _ESCAPED:
                    self._emit(_ESCAPED[symbol], target)
            elif word is not None:
                skipping = 0
                number = int(argument) if argument else None
                if word == b"bin" and number:  # raw bytes follow
                    position += max(0, number)
                elif word in _DESTINATIONS:
                    target = None
                elif word == b"info":
                    target = b"info"
                elif target == b"info" and word in _INFO_FIELDS:
                    target = word
                elif word == b"ansicpg" and number:
                    self._use_code_page(number)
                elif word == b"uc" and number is not None:
                    skip_per_unicode = max(0, number)
                elif target is None or target == b"info":
                    continue
                elif word == b"u" and number is not None:
                    self._emit(chr(number + 0x10000 if number < 0 else number), target)
                    skipping = skip_per_unicode
                elif word in _PARAGRAPH_ENDS and target == b"":
                    self._end_paragraph()
                elif word == b"cell" and target == b"":
                    self._emit(" | ", target)
                elif word == b"line":
                    self._emit("\n", target)
                elif word in _CHARACTERS:
                    self._emit(_CHARACTERS[word], target)
                elif word == b"pard":
                    self._level = None
                elif word == b"outlinelevel" and number is not None and 0 <= number < 9:
                    self._level = number + 1
        self._flush_bytes(target)
        self._end_paragraph()

    def _use_code_page(self, number: int) -> None:
        try:
            self._codec = codecs.lookup(f"cp{number}")
        except LookupError:
            pass  # a code page Python lacks: keep cp1252, as RTF's default

    def _flush_bytes(self, target: bytes | None) -> None:
        if self._pending:
            if target is not None:
                self._emit(bytes(self._pending).decode(self._codec.name, "replace"), target)
            self._pending.clear()

    def _emit(self, text: str, target: bytes) -> None:
        if target == b"":
            self._line.append(text)
        elif target in _INFO_FIELDS:
            self.info[target] = self.info.get(target, "") + text

    def _end_paragraph(self) -> None:
        lines = [clean_inline(line) for line in "".join(self._line).split("\n")]
        text = "\n".join(line for line in lines if line).strip(" |")
        if text:
            self.paragraphs.append((text, self._level))
        self._line = []
