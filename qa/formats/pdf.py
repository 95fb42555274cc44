"""PDF with pypdfium2 (PDFium, the engine of Chrome's PDF viewer): text lines → paragraphs.

PDFium gives each page's text in reading order, one line per visual line, and flags the
hyphen of a word broken at a line end. From there:

- running headers, footers and page numbers (the top and bottom lines that repeat from page
  to page, digits aside) are dropped;
- lines in a larger type than the body are headings: not paragraphs, but sections when the
  PDF has no outline (bookmarks), which otherwise name the sections;
- lines join into a paragraph until a wider gap, an indented first line, a list item, or a
  short line that ends a sentence; a paragraph carries the page it starts on;
- a word broken at a line end is joined ("gov-ernment" → "government"), keeping the hyphen
  only when the document writes the word with one elsewhere ("well-known").
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from qa.formats import DerivedText, LoadedText, Sections, SourceError, clean_inline, with_terms_joined
from qa.formats.text import title_from_file_name
from qa.models import Metadata

_BROKEN_WORD = "\ufffe"  # what PDFium puts where a word was hyphenated across lines
# A running header or footer whose numbers change is a short label, not a sentence.
FURNITURE_MAX_WORDS = 8
_PAGE_NUMBER = re.compile(r"^[\W_]*(page\s*)?([#ivxlcdm]+)(\s*(of|/)\s*#)?[\W_]*$", re.IGNORECASE)
_TERMINAL = tuple('.!?:"”)')
_LIST_ITEM = re.compile(r"^([•◦▪‣∙●○■□–—]|\(?\d{1,3}[.)]|\([a-z]\))\s")
_JUNK_TITLE = re.compile(r"^(microsoft (word|powerpoint) - |untitled)|\.\w{2,4}$", re.IGNORECASE)
HEADING_SIZE_RATIO = 1.15
PARAGRAPH_GAP = 0.4  # extra space between paragraphs, in line heights


@dataclass
class Line:
    page: int  # 1-based
    text: str
    left: float
    right: float
    top: float
    bottom: float
    size: float
    heading_level: int = 0


def load(data: bytes, path: Path, ocr: bool = False) -> LoadedText:
    """``ocr``: pages without a text layer (scans) are read by Tesseract (`qa.formats.ocr`)."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise SourceError(f"{path.name} is encrypted with a password, so its text cannot be read.") from None
        raise SourceError(f"{path.name} cannot be read as a PDF; it may be damaged.") from None
    try:
        pages = [_page_lines(document, index) for index in range(len(document))]
        if ocr:
            from qa.formats import ocr as tesseract

            pages = [lines or tesseract.page_lines(document, index, path.name) for index, lines in enumerate(pages)]
        lines = [line for page_lines in pages for line in page_lines]
        if not lines:
            raise SourceError(_no_text(path.name, ocr, len(pages)))
        outline = _outline(document)
        info = document.get_metadata_dict(skip_empty=True)
    finally:
        document.close()
    _mark_headings(lines)
    title = clean_inline(info.get("Title", ""))
    if not title or _JUNK_TITLE.search(title):
        # the largest type on the first page, even when it also runs as a header on every page
        first_page = [line for line in lines if line.page == lines[0].page and line.heading_level]
        largest = min(first_page, key=lambda line: line.heading_level, default=None)
        title = clean_inline(largest.text) if largest else title_from_file_name(path, "")
    built = _build(_without_furniture(lines), outline)
    return with_terms_joined(built.result(path.name, title, Metadata(author=clean_inline(info.get("Author", "")) or None)))


def _no_text(name: str, ocr: bool, pages: int) -> str:
    if ocr or not pages:
        return f"{name} has no text, neither in a text layer nor on its page images."
    from qa.formats.ocr import INSTALL_HINT, tesseract

    missing = "" if tesseract() else f", once it is installed ({INSTALL_HINT})"
    return f"{name} has no text layer (it looks like a scan); qa add --ocr reads it with Tesseract{missing}."


def _page_lines(document: pdfium.PdfDocument, index: int) -> list[Line]:
    page = document[index]
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        count = textpage.count_chars()
        lines = []
        position = 0
        for raw in re.split(r"(\r\n|\n|\r)", text):
            start, position = position, position + len(raw)
            stripped = raw.strip()
            if not stripped or raw in ("\r\n", "\n", "\r"):
                continue
            first = start + len(raw) - len(raw.lstrip())
            last = start + len(raw.rstrip()) - 1
            first_char = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage.raw, first)
            last_char = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage.raw, last)
            if not (0 <= first_char < count and 0 <= last_char < count):
                continue
            left, bottom, _, top = textpage.get_charbox(first_char, loose=True)
            _, last_bottom, right, last_top = textpage.get_charbox(last_char, loose=True)
            size = pdfium_c.FPDFText_GetFontSize(textpage.raw, first_char)
            lines.append(Line(page=index + 1, text=stripped, left=left, right=right,
                              top=max(top, last_top), bottom=min(bottom, last_bottom), size=round(size, 1)))
        return lines
    finally:
        textpage.close()
        page.close()


def _furniture_key(line: Line) -> str:
    return re.sub(r"\d+", "#", " ".join(line.text.lower().split()))


def _without_furniture(lines: list[Line]) -> list[Line]:
    """Drop running headers, footers and page numbers: top or bottom lines repeating across pages."""
    by_page: dict[int, list[Line]] = {}
    for line in lines:
        by_page.setdefault(line.page, []).append(line)
    margins: dict[int, str] = {}
    for page_lines in by_page.values():
        ordered = sorted(page_lines, key=lambda line: -line.top)
        margins.update((id(line), _furniture_key(line)) for line in ordered[:2] + ordered[-2:])
    page_keys = {(line.page, margins[id(line)]) for line in lines if id(line) in margins}
    pages_by_key = Counter(key for _, key in page_keys)
    needed = 2 if len(by_page) <= 4 else 3
    return [
        line for line in lines
        if id(line) not in margins
        or (pages_by_key[margins[id(line)]] < needed or not _may_vary_by_digits(line, margins[id(line)]))
        and not _PAGE_NUMBER.match(margins[id(line)])
    ]


def _may_vary_by_digits(line: Line, key: str) -> bool:
    """Whether a margin line that repeats from page to page is furniture: the same words each
    time, or a short label whose numbers change ("Annual Report 2024 · 17"). A sentence whose
    numbers change ("The petrel count on page 7 was 7.") is text: on a page of two or four
    lines every line is in the margins, and dropping them lost whole documents."""
    if "#" not in key:
        return True
    words = line.text.split()
    return len(words) <= FURNITURE_MAX_WORDS and not line.text.rstrip().endswith((".", "!", "?"))


def _mark_headings(lines: list[Line]) -> None:
    """Lines set larger than the body text are headings; bigger type, higher level."""
    sizes = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0]
    headings = [line for line in lines if line.size >= body * HEADING_SIZE_RATIO and len(line.text.split()) <= 20]
    levels = {size: level for level, size in enumerate(sorted({line.size for line in headings}, reverse=True), 1)}
    for line in headings:
        line.heading_level = levels[line.size]


def _outline(document: pdfium.PdfDocument) -> list[tuple[int, float, str]]:
    """Bookmarks as (1-based page, y of the target, heading path), in document order."""
    marks = []
    sections = Sections()
    for bookmark in document.get_toc(max_depth=6):
        title = clean_inline(bookmark.get_title() or "")
        destination = bookmark.get_dest()
        if not title or destination is None or destination.get_index() is None:
            continue
        mode, view = destination.get_view()
        y = view[1] if mode == pdfium_c.PDFDEST_VIEW_XYZ and len(view) > 1 else float("inf")
        sections.enter(bookmark.level, title)
        marks.append((destination.get_index() + 1, y, sections.path or title))
    return sorted(marks, key=lambda mark: (mark[0], -mark[1]))


def _section_at(outline: list[tuple[int, float, str]], line: Line) -> str | None:
    """The path of the last bookmark at or above ``line`` (bookmarks sorted by page, then down the page)."""
    at = bisect.bisect_right([(page, -y) for page, y, _ in outline], (line.page, -(line.top + 2)))
    return outline[at - 1][2] if at else None


def _build(lines: list[Line], outline: list[tuple[int, float, str]]) -> DerivedText:
    gaps = [(previous.bottom - line.top, line.size) for previous, line in zip(lines, lines[1:])
            if previous.page == line.page and previous.size == line.size and previous.top > line.top]
    usual_gap = statistics.median(gap for gap, _ in gaps) if gaps else 0.0
    rights = [line.right for line in lines]
    layout = _Layout(
        gap=usual_gap,
        spaced=any(gap > usual_gap + PARAGRAPH_GAP * size for gap, size in gaps),
        full_right=statistics.quantiles(rights, n=10)[-1] if len(rights) > 1 else max(rights, default=0.0),
    )
    hyphenated = {word.lower() for line in lines for word in re.findall(r"\w+-\w+", line.text)}
    built, sections = DerivedText(), Sections()
    paragraph: list[Line] = []

    def flush() -> None:
        if paragraph:
            section = _section_at(outline, paragraph[0]) if outline else sections.path
            built.add(_join(paragraph, hyphenated), section=section, page=paragraph[0].page)
            paragraph.clear()

    for line in lines:
        if line.heading_level:
            flush()
            heading = clean_inline(line.text)
            if not outline:
                sections.enter(line.heading_level, heading)
            built.add(heading, paragraph=False)
            continue
        if paragraph and layout.starts_paragraph(paragraph[-1], line):
            flush()
        paragraph.append(line)
    flush()
    return built


@dataclass(frozen=True)
class _Layout:
    """How the document's paragraphs are set: the usual gap between lines, whether paragraphs
    are spaced apart (then a short line alone does not end one), and the right margin."""

    gap: float
    spaced: bool
    full_right: float

    def starts_paragraph(self, previous: Line, line: Line) -> bool:
        ends_sentence = previous.text.endswith(_TERMINAL)
        if line.page != previous.page or line.top > previous.top:  # a new page or column
            return ends_sentence
        if previous.bottom - line.top > self.gap + PARAGRAPH_GAP * line.size:
            return True
        if line.left > previous.left + line.size or _LIST_ITEM.match(line.text):  # indented; a list item
            return True
        short = previous.right < self.full_right - 0.15 * (self.full_right - previous.left)
        return not self.spaced and ends_sentence and short


def _join(lines: list[Line], hyphenated: set[str]) -> str:
    text = lines[0].text
    for line in lines[1:]:
        if re.search(r"[^\W\d_]-$", text) and line.text[:1].islower():
            text = text[:-1] + _BROKEN_WORD + line.text
        else:
            text += " " + line.text

    def rejoin(match: re.Match[str]) -> str:
        with_hyphen = f"{match.group(1)}-{match.group(2)}"
        return with_hyphen if with_hyphen.lower() in hyphenated else match.group(1) + match.group(2)

    return clean_inline(re.sub(rf"(\w+){_BROKEN_WORD}(\w+)", rejoin, text).replace(_BROKEN_WORD, ""))

