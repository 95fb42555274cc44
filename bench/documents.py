"""Documents of every supported format, made in code: for the format tests and `bench.formats`.

Nothing here is downloaded. The PDF writer is hand-written (Helvetica, one text line per
`Tj`) so a test controls exactly what is on each page: running headers, page numbers,
hyphenated line ends, an outline.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from pathlib import Path

WORDS = (
    "river water temperature trout spawning gravel season survey fisheries biologist "
    "upstream current habitat insects oxygen shallow pools summer winter report station "
    "measurements government conservation volunteers anglers permit license flow drought "
    "catchment sediment vegetation shade banks restoration monitoring population decline"
).split()


def sentences(count: int, seed: int = 1) -> list[str]:
    """Plausible-looking sentences, the same for the same seed."""
    chooser = random.Random(seed)
    made = []
    for _ in range(count):
        words = chooser.choices(WORDS, k=chooser.randint(8, 20))
        made.append(" ".join(words).capitalize() + ".")
    return made


def paragraphs(count: int, seed: int = 1) -> list[str]:
    chooser = random.Random(seed)
    pool = sentences(count * 5, seed)
    out, i = [], 0
    for _ in range(count):
        n = chooser.randint(2, 5)
        out.append(" ".join(pool[i:i + n]))
        i += n
    return out


# -- PDF -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfLine:
    x: float
    y: float
    text: str
    size: float = 11


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_bytes(pages: list[list[PdfLine]], outline: list[tuple[str, int, float]] = (),
              title: str | None = None, encrypted: bool = False) -> bytes:
    """A PDF of ``pages`` of text lines; ``outline`` is (title, page index, y) bookmarks."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")
    page_tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    page_ids = []
    for lines in pages:
        stream = b"".join(
            b"BT /F1 %g Tf %g %g Td " % (line.size, line.x, line.y) + _pdf_string(line.text) + b" Tj ET\n"
            for line in lines
        )
        packed = zlib.compress(stream)
        content = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed
                      + b"\nendstream")
        page_ids.append(add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (page_tree, content, font)
        ))
    objects[page_tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % i for i in page_ids), len(page_ids))
    outlines = b""
    if outline:
        root = add(b"")
        first = len(objects) + 1
        ids = list(range(first, first + len(outline)))
        for n, (name, page, y) in enumerate(outline):
            links = b"".join([
                b" /Prev %d 0 R" % ids[n - 1] if n else b"",
                b" /Next %d 0 R" % ids[n + 1] if n + 1 < len(ids) else b"",
            ])
            add(b"<< /Title " + _pdf_string(name) + b" /Parent %d 0 R /Dest [%d 0 R /XYZ 0 %g 0]%s >>"
                % (root, page_ids[page], y, links))
        objects[root - 1] = b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (
            ids[0], ids[-1], len(ids))
        outlines = b" /Outlines %d 0 R" % root
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R%s >>" % (page_tree, outlines)
    trailer_extra = b""
    if title:
        trailer_extra += b" /Info %d 0 R" % add(b"<< /Title " + _pdf_string(title) + b" >>")
    if encrypted:
        # A standard security handler whose user password is not empty: readers must ask for it.
        trailer_extra += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (
            add(b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <%s> /U <%s> >>"
                % (b"ab" * 32, b"cd" * 32)), b"01" * 16, b"01" * 16)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, trailer_extra, xref)
    return bytes(out)


def _hyphenated_wrap(text: str, width: int) -> list[str]:
    """Wrap like a typesetter: a long word that does not fit is split with a hyphen."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= width:
            line = candidate
            continue
        room = width - len(line) - 2
        if line and len(word) >= 8 and room >= 4 and word.isalpha():
            lines.append(f"{line} {word[:room]}-")
            line = word[room:]
        else:
            lines.append(line)
            line = word
    return lines + [line] if line else lines


def report_pdf(sections: list[tuple[str, list[str]]], header: str = "Fisheries Annual Report",
               title: str | None = None, with_outline: bool = True, encrypted: bool = False) -> bytes:
    """A typeset report: a heading per section, wrapped paragraphs, header and page number."""
    pages: list[list[PdfLine]] = []
    outline: list[tuple[str, int, float]] = []
    top, bottom, leading = 720, 80, 14

    def new_page() -> None:
        pages.append([PdfLine(72, 760, header, 9), PdfLine(300, 40, str(len(pages) + 1), 9)])

    new_page()
    y = top
    for heading, body in sections:
        if y < bottom + 60:
            new_page()
            y = top
        pages[-1].append(PdfLine(72, y, heading, 15))
        outline.append((heading, len(pages) - 1, y + 15))
        y -= 26
        for paragraph in body:
            for line in _hyphenated_wrap(paragraph, 88):
                if y < bottom:
                    new_page()
                    y = top
                pages[-1].append(PdfLine(72, y, line))
                y -= leading
            y -= 8
    return pdf_bytes(pages, outline if with_outline else [], title=title, encrypted=encrypted)


def blank_pdf(page_count: int = 2) -> bytes:
    """A PDF with pages and no text layer, as a scanner makes (minus the image)."""
    return pdf_bytes([[] for _ in range(page_count)])


# -- DOCX, EPUB, HTML, Markdown ----------------------------------------------------------------


def write_docx(path: Path, sections: list[tuple[str, list[str]]], title: str,
               table: list[list[str]] | None = None) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = "A. Biologist"
    document.add_heading(title, level=0)
    for heading, body in sections:
        document.add_heading(heading, level=1)
        for paragraph in body:
            document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    document.save(str(path))


def write_epub(path: Path, chapters: list[tuple[str, list[str]]], title: str) -> None:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("qa-test-book")
    book.set_title(title)
    book.set_language("en")
    book.add_author("A. Writer")
    items = []
    for n, (name, body) in enumerate(chapters, start=1):
        chapter = epub.EpubHtml(title=name, file_name=f"chapter{n}.xhtml", lang="en")
        chapter.content = f"<h1>{name}</h1>" + "".join(f"<p>{p}</p>" for p in body)
        book.add_item(chapter)
        items.append(chapter)
    book.toc = items
    book.spine = ["nav", *items]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    epub.write_epub(str(path), book)


def news_page(headline: str, body: list[str], subheading: str | None = None,
              more: list[str] = ()) -> str:
    """A saved news page with the furniture such pages carry around the article."""
    article = "".join(f"<p>{p}</p>" for p in body)
    if subheading:
        article += f"<h2>{subheading}</h2>" + "".join(f"<p>{p}</p>" for p in more)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{headline} | Daily Bugle</title>
<meta name="author" content="Jane Reporter">
<meta property="article:published_time" content="2024-03-03T09:00:00Z">
</head><body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience.
<button>Accept all cookies</button></div>
<nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport</a></li></ul></nav>
<main><article>
<h1>{headline}</h1>
<p class="byline">By Jane Reporter</p>
{article}
<div class="share-bar">Share this article: <a href="#">Facebook</a> <a href="#">Twitter</a></div>
</article>
<aside class="ad advertisement">Advertisement: Buy the new SuperPhone today!</aside>
<section class="related"><h3>Related articles</h3><ul><li><a href="/a">Storm season ahead</a></li>
<li><a href="/b">Rivers run dry</a></li></ul></section>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>FirstPoster: This is outrageous, I never read such rubbish.</p></div></section>
</main>
<footer><p>Copyright 2024 Daily Bugle. All rights reserved.</p></footer>
</body></html>
"""


FIELD_GUIDE_MD = """\
# Field guide

*Published 3 March 2024*

Trout are sensitive fish that live in cold, clean rivers.

## Water temperature

Brown trout feed best when the water is between 10 and 16 degrees.
Above 20 degrees they **stop feeding** and seek shade.

> "Consistency matters more than the peak," said the river keeper.

- Measure at dawn.
- Measure again at noon.

## Equipment

| Item | Use |
| --- | --- |
| Thermometer | water readings |
| Net | sampling insects |

Use `waders` and a [map](https://example.org/map) of the pools.
"""


# -- reStructuredText, ODT, CSV, PowerPoint, e-mail, RTF -----------------------------------------


def report_rst(sections: list[tuple[str, list[str]]], title: str) -> str:
    parts = [f"{'=' * len(title)}\n{title}\n{'=' * len(title)}\n"]
    for heading, body in sections:
        parts.append(f"{heading}\n{'-' * len(heading)}\n")
        parts += [f"{paragraph} See :ref:`{heading.lower()}` and ``notes``.\n" for paragraph in body]
    return "\n".join(parts)


def report_odt(sections: list[tuple[str, list[str]]], title: str) -> bytes:
    from docutils.core import publish_string

    return publish_string(report_rst(sections, title), writer="odt",
                          settings_overrides={"report_level": 5, "warning_stream": False})


def report_csv(sections: list[tuple[str, list[str]]]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "number", "finding"])
    writer.writerows([heading, n, paragraph] for heading, body in sections for n, paragraph in enumerate(body, 1))
    return out.getvalue()


def write_pptx(path: Path, sections: list[tuple[str, list[str]]], title: str) -> None:
    from pptx import Presentation

    deck = Presentation()
    deck.core_properties.title = title
    for heading, body in sections:
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = heading
        frame = slide.placeholders[1].text_frame
        frame.text = body[0]
        for paragraph in body[1:]:
            frame.add_paragraph().text = paragraph
    deck.save(str(path))


def report_mbox(sections: list[tuple[str, list[str]]]) -> bytes:
    """A message per section, as a mail client keeps them in an mbox file."""
    from email.message import EmailMessage

    messages = []
    for n, (heading, body) in enumerate(sections, 1):
        mail = EmailMessage()
        mail["Subject"], mail["From"] = heading, f"field-{n}@example.org"
        mail["Date"] = "Thu, 05 Mar 2026 09:30:00 +0000"
        mail.set_content("\n\n".join(body) + "\n")
        messages.append(b"From MAILER-DAEMON Thu Mar  5 09:30:00 2026\n" + bytes(mail).replace(b"\r\n", b"\n"))
    return b"\n".join(messages)


def report_rtf(sections: list[tuple[str, list[str]]], title: str) -> str:
    """As WordPad writes it: tables of fonts and colours, then paragraphs; Word's outline levels for headings."""
    parts = [r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fnil\fcharset0 Calibri;}}{\colortbl ;\red255\green0\blue0;}",
             rf"{{\info{{\title {title}}}}}\viewkind4\uc1"]
    for heading, body in sections:
        parts.append(rf"\pard\outlinelevel0\b\fs32 {heading}\b0\fs22\par")
        parts += ["\\pard\\sa200 " + paragraph.replace(" the ", " {\\i the} ") + "\\par" for paragraph in body]
    return "\n".join(parts) + "\n}"
