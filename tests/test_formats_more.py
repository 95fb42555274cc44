"""The formats beyond PDF, Word, EPUB, HTML, Markdown and text, each from a real file made here:
a question gets a clean quote (a verbatim slice of the stored text, no markup) and a citation
that says where it is (section, slide, row, message, lines)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa import Library, Settings
from qa.models import Answer
from qa.sources import SourceError, load


def ask(folder: Path, question: str) -> Answer:
    """The answer from a library of ``folder``, checked against the contract quoting rests on."""
    library = Library.open(folder, Settings())
    answer = library.ask(question)
    assert answer.answered, answer.text
    for quote in answer.quotes:
        citation = answer.citations[quote.citation - 1]
        text = library.text(citation.source)
        assert text[citation.start:citation.end] == citation.passage
        assert text[quote.start:quote.end] == quote.text and quote.text in citation.passage
    return answer


def passages(path: Path) -> list[str]:
    loaded = load(path)
    return [loaded.text[p.start:p.end] for p in loaded.paragraphs]


# -- reStructuredText ------------------------------------------------------------------------------

RST = """\
=====================
Wombat keeping guide
=====================

:Author: A. Keeper

Feeding
=======

Wombats graze at night. Adult wombats eat about **three kilograms** of
native grasses a week, see :ref:`diet <diet-table>` and the
`RSPCA notes <https://example.org/wombats>`_ for details.

.. note:: Fresh water must always be available.

.. code-block:: python

   feed(wombat, grams=400)

.. versionadded:: 2.1
   Night feeding.

.. include:: /etc/passwd

.. raw:: html

   <script>alert(1)</script>

Burrows
-------

--depth METRES   How deep the burrow may be dug before the keeper is told.

Burrow
    A tunnel system that a wombat digs with its :class:`~claws.Front` claws.

.. |kg| replace:: kilograms
.. _diet-table:

=======  ==========
Food     Share
=======  ==========
Grass    80 percent
Roots    20 percent
=======  ==========
"""


def test_rst_is_read_without_its_markup_with_sections_and_lines(tmp_path: Path):
    path = tmp_path / "wombats.rst"
    path.write_text(RST)
    loaded = load(path)
    text = loaded.text
    assert loaded.title == "Wombat keeping guide"
    for markup in ("**", ":ref:", "`_", ":class:", "..", "<https", "versionadded", "root:", "<script"):
        assert markup not in text
    grazing = next(p for p in loaded.paragraphs if text[p.start:p.end].startswith("Wombats graze"))
    assert text[grazing.start:grazing.end] == (
        "Wombats graze at night. Adult wombats eat about three kilograms of\n"
        "native grasses a week, see diet and the\nRSPCA notes for details.")
    assert grazing.section == "Feeding" and grazing.lines == (10, 12)
    assert "Fresh water must always be available." in passages(path)
    assert "feed(wombat, grams=400)" in passages(path)
    assert "Burrow\nA tunnel system that a wombat digs with its claws.Front claws." in passages(path)
    assert "Grass | 80 percent" in passages(path)
    option = next(p for p in loaded.paragraphs if text[p.start:p.end].startswith("--depth"))
    assert option.section == "Feeding › Burrows"


def test_rst_answers_with_a_clean_quote_and_its_section(tmp_path: Path):
    (tmp_path / "wombats.rst").write_text(RST)
    answer = ask(tmp_path, "How much grass do adult wombats eat a week?")
    assert "Adult wombats eat about three kilograms of\nnative grasses a week" in answer.quotes[0].text
    assert answer.citations[0].place == "Wombat keeping guide › Feeding, paragraph 2 (lines 10–12)"


# -- CSV and TSV -----------------------------------------------------------------------------------

CSV = """\
name,born,known for
Ada Lovelace,1815,"the first published algorithm, for the Analytical Engine"
Alan Turing,1912,the Turing machine
Grace Hopper,1906,"the first compiler,
A-0"
Edsger Dijkstra,1930,the shortest path algorithm
"""


def test_csv_rows_name_their_columns_and_are_cited_by_row(tmp_path: Path):
    (tmp_path / "pioneers.csv").write_text(CSV)
    assert passages(tmp_path / "pioneers.csv")[2] == "name: Grace Hopper · born: 1906 · known for: the first compiler, A-0"
    answer = ask(tmp_path, "When was Grace Hopper born?")
    assert answer.quotes[0].text == "name: Grace Hopper · born: 1906 · known for: the first compiler, A-0"
    assert answer.citations[0].place == "Pioneers, row 4"  # the header is row 1
    assert answer.citations[0].page == 4


def test_tsv_and_semicolon_csv_are_sniffed(tmp_path: Path):
    (tmp_path / "ships.tsv").write_text("ship\tlaunched\tport\nEndeavour\t1764\tWhitby\nBeagle\t1820\tWoolwich\n")
    (tmp_path / "rivers.csv").write_text("river;length km;sea\nDanube;2850;Black Sea\nRhine;1230;North Sea\n")
    assert passages(tmp_path / "ships.tsv") == ["ship: Endeavour · launched: 1764 · port: Whitby",
                                                "ship: Beagle · launched: 1820 · port: Woolwich"]
    assert passages(tmp_path / "rivers.csv")[1] == "river: Rhine · length km: 1230 · sea: North Sea"


def test_a_csv_without_a_header_keeps_its_cells(tmp_path: Path):
    (tmp_path / "list.csv").write_text("1,apples,2\n2,pears,5\n3,plums,7\n")
    assert passages(tmp_path / "list.csv") == ["1 · apples · 2", "2 · pears · 5", "3 · plums · 7"]


def test_a_csv_with_a_huge_cell_is_refused_in_one_sentence(tmp_path: Path):
    path = tmp_path / "blob.csv"
    path.write_text('a,b\n1,"' + "x" * 200_000 + '"\n')
    with pytest.raises(SourceError, match="cannot be read as a table"):
        load(path)


# -- OpenDocument text -----------------------------------------------------------------------------

REPORT_RST = """\
.. title:: River report

Water temperature
=================

Brown trout stop feeding when the river is warmer than 20 degrees.
Mayflies  hatch in May, as they do every year [#]_.

* Caddis flies hatch later.

=====  =====
Fish   Count
=====  =====
Trout  12
=====  =====

.. [#] Counted at the weir.

Methods
=======

Fish were counted with nets.
"""


def test_odt_written_by_docutils_answers_with_its_section(tmp_path: Path):
    from docutils.core import publish_string

    (tmp_path / "river.odt").write_bytes(
        publish_string(REPORT_RST, writer="odt", settings_overrides={"report_level": 5, "warning_stream": False}))
    loaded = load(tmp_path / "river.odt")
    assert loaded.title == "River report"
    assert passages(tmp_path / "river.odt") == [
        "Brown trout stop feeding when the river is warmer than 20 degrees. Mayflies hatch in May, as they do every year.",
        "Caddis flies hatch later.", "Fish | Count", "Trout | 12", "Fish were counted with nets."]
    answer = ask(tmp_path, "When do brown trout stop feeding?")
    assert answer.quotes[0].text == "Brown trout stop feeding when the river is warmer than 20 degrees."
    assert answer.citations[0].place == "River report › Water temperature, paragraph 1"


def test_an_odt_spreadsheet_or_a_zip_without_content_is_refused_in_one_sentence(tmp_path: Path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "empty.odt", "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    with pytest.raises(SourceError, match="has no content.xml"):
        load(tmp_path / "empty.odt")


# -- PowerPoint ------------------------------------------------------------------------------------


def write_deck(path: Path) -> None:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    cover = deck.slides.add_slide(deck.slide_layouts[0])
    cover.shapes.title.text = "Quarterly river survey"
    cover.placeholders[1].text = "Fisheries team, spring 2026"
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Water temperature"
    body = slide.placeholders[1].text_frame
    body.text = "Brown trout stop feeding when the river is warmer than 20 degrees."
    body.add_paragraph().text = "Mayflies hatch in May."
    slide.notes_slide.notes_text_frame.text = "Mention the heatwave of July."
    counts = deck.slides.add_slide(deck.slide_layouts[5])
    counts.shapes.title.text = "Counts"
    table = counts.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(4), Inches(1)).table
    for r, row in enumerate([["Fish", "Count"], ["Trout", "12"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    deck.save(str(path))


def test_pptx_is_cited_by_slide_with_its_title_as_the_section(tmp_path: Path):
    write_deck(tmp_path / "survey.pptx")
    loaded = load(tmp_path / "survey.pptx")
    assert loaded.title == "Quarterly river survey"
    assert [(p.page, p.section, loaded.text[p.start:p.end]) for p in loaded.paragraphs] == [
        (1, "Quarterly river survey", "Fisheries team, spring 2026"),
        (2, "Water temperature", "Brown trout stop feeding when the river is warmer than 20 degrees."),
        (2, "Water temperature", "Mayflies hatch in May."),
        (2, "Water temperature › Notes", "Mention the heatwave of July."),
        (3, "Counts", "Fish | Count"), (3, "Counts", "Trout | 12")]
    answer = ask(tmp_path, "When do brown trout stop feeding?")
    assert answer.quotes[0].text == "Brown trout stop feeding when the river is warmer than 20 degrees."
    assert answer.citations[0].place == "Quarterly river survey › Water temperature, slide 2"


def test_a_pptx_that_is_not_a_zip_is_refused_in_one_sentence(tmp_path: Path):
    (tmp_path / "deck.pptx").write_bytes(b"PK\x03\x04 not a deck")
    with pytest.raises(SourceError, match="cannot be read as a PowerPoint deck; it is not a valid zip"):
        load(tmp_path / "deck.pptx")


# -- E-mail ----------------------------------------------------------------------------------------


def message(subject: str, sender: str, date: tuple[int, int, int], body: str, html: str | None = None) -> bytes:
    """A message as a mail client writes it, made by the standard library's `email`."""
    from datetime import datetime, timezone
    from email.message import EmailMessage
    from email.utils import format_datetime

    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = subject, sender, "team@example.org"
    mail["Date"] = format_datetime(datetime(*date, 9, 30, tzinfo=timezone.utc))
    if body:
        mail.set_content(body)
    if html:
        mail.add_alternative(html, subtype="html") if body else mail.set_content(html, subtype="html")
    mail.add_attachment(b"%PDF-1.4 attached report", maintype="application", subtype="pdf", filename="r.pdf")
    return bytes(mail)


def test_eml_text_part_is_read_with_its_subject_as_the_title(tmp_path: Path):
    (tmp_path / "weir.eml").write_bytes(message(  # a subject in encoded words: =?utf-8?q?...?=
        "Weir repairs — März", "Ana Ruiz <ana@example.org>", (2026, 3, 4),
        "Hello all,\n\nThe weir at Millbrook will be repaired in the first week of April,\n"
        "when the river is low.\n\nAna\n", html="<p>HTML version, not indexed.</p>"))
    assert b"=?utf-8?" in (tmp_path / "weir.eml").read_bytes()
    loaded = load(tmp_path / "weir.eml")
    assert loaded.title == "Weir repairs — März"
    assert loaded.metadata.author == "Ana Ruiz <ana@example.org>" and "4 Mar 2026" in loaded.metadata.date
    assert "HTML version" not in loaded.text and "PDF" not in loaded.text
    answer = ask(tmp_path, "When will the weir at Millbrook be repaired?")
    assert answer.quotes[0].text == ("The weir at Millbrook will be repaired in the first week of April,\n"
                                     "when the river is low.")
    assert answer.citations[0].place == "Weir repairs — März, paragraph 2"


def test_eml_with_only_html_is_read_through_the_web_reader(tmp_path: Path):
    (tmp_path / "news.eml").write_bytes(message(
        "Newsletter", "news@example.org", (2026, 5, 1), "",
        html="<html><body><h2>Otters</h2><p>Otters were seen below the weir on 12 May.</p></body></html>"))
    assert passages(tmp_path / "news.eml") == ["Otters were seen below the weir on 12 May."]


def test_mbox_messages_are_sections_cited_by_number(tmp_path: Path):
    messages = [
        message("Survey dates", "Ana Ruiz <ana@example.org>", (2026, 3, 4), "We survey the upper river in June.\n"),
        message("Re: Survey dates", "bo@example.org", (2026, 3, 5),
                "From now on the lower river is surveyed in September.\n\n> We survey the upper river in June.\n"),
    ]
    mbox = b"".join(b"From MAILER-DAEMON Thu Mar  5 09:30:00 2026\n"
                    + raw.replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From ") + b"\n" for raw in messages)
    (tmp_path / "list.mbox").write_bytes(mbox)
    loaded = load(tmp_path / "list.mbox")
    assert [(p.page, p.section) for p in loaded.paragraphs] == [
        (1, "Survey dates · Ana Ruiz · 2026-03-04"), (2, "Re: Survey dates · bo@example.org · 2026-03-05"),
        (2, "Re: Survey dates · bo@example.org · 2026-03-05")]
    answer = ask(tmp_path, "When is the lower river surveyed?")
    assert answer.quotes[0].text == "From now on the lower river is surveyed in September."  # ">From" undone
    assert answer.citations[0].place == "List › Re: Survey dates · bo@example.org · 2026-03-05, message 2"


def test_a_file_that_is_no_mail_is_refused_in_one_sentence(tmp_path: Path):
    (tmp_path / "notes.eml").write_text("just some words\n\nand more\n")
    (tmp_path / "notes.mbox").write_text("just some words\n")
    with pytest.raises(SourceError, match="no message headers"):
        load(tmp_path / "notes.eml")
    with pytest.raises(SourceError, match="no line starts a message"):
        load(tmp_path / "notes.mbox")


# -- RTF -------------------------------------------------------------------------------------------

# As WordPad and Word write it: tables of fonts, colours and styles, document properties, a
# heading with an outline level, escaped and Unicode characters, a hyperlink field, a table,
# a picture.
RTF = r"""{\rtf1\ansi\ansicpg1252\deff0\nouicompat\deflang2057{\fonttbl{\f0\fnil\fcharset0 Calibri;}}
{\colortbl ;\red255\green0\blue0;}
{\stylesheet{\s0 Normal;}{\s1\outlinelevel0 heading 1;}}
{\info{\title River report}{\author A. Biologist}}
{\*\generator Riched20 10.0.19041}\viewkind4\uc1
\pard\s1\outlinelevel0\sa200\b\f0\fs32 Water temperature\b0\fs22\par
\pard\sa200 Brown trout stop feeding when the river is warmer than 20 degrees, caf\'e9 owners say \u8220?really\u8221?.\par
It is {\i the} most \cf1 important\cf0  finding{\*\bkmkstart x}{\*\bkmkend x}.\line A second line.\par
{\field{\*\fldinst{HYPERLINK "https://example.org"}}{\fldrslt{\ul see the survey}}}\par
\trowd\cellx2000\cellx4000 Fish\cell Count\cell\row
\trowd\cellx2000\cellx4000 Trout\cell 12\cell\row
\pard{\pict\pngblip\picw10\pich10 89504e470d0a1a0a0000000d49484452}\par
}
"""


def test_rtf_is_read_without_its_control_words(tmp_path: Path):
    (tmp_path / "river.rtf").write_text(RTF)
    loaded = load(tmp_path / "river.rtf")
    assert loaded.title == "River report" and loaded.metadata.author == "A. Biologist"
    assert passages(tmp_path / "river.rtf") == [
        "Brown trout stop feeding when the river is warmer than 20 degrees, café owners say “really”.",
        "It is the most important finding.\nA second line.", "see the survey", "Fish | Count", "Trout | 12"]
    assert {p.section for p in loaded.paragraphs} == {"Water temperature"}
    answer = ask(tmp_path, "When do brown trout stop feeding?")
    assert answer.quotes[0].text.startswith("Brown trout stop feeding when the river is warmer than 20 degrees")
    assert answer.citations[0].place == "River report › Water temperature, paragraph 1"


def test_hostile_rtf_is_refused_or_read_at_once(tmp_path: Path):
    # striprtf took 16 s over 1,000 of these (its hyperlink pattern backtracks); nesting is capped
    (tmp_path / "fields.rtf").write_text("{\\rtf1 " + '{\\field{\\*\\fldinst{ HYPERLINK "x" ' * 4000 + "}")
    with pytest.raises(SourceError, match="nests its groups over 1000 deep"):
        load(tmp_path / "fields.rtf")
    (tmp_path / "flat.rtf").write_text("{\\rtf1 " + '{\\field{\\*\\fldinst{ HYPERLINK "x"}}{\\fldrslt link}} ' * 20_000 + "}")
    assert passages(tmp_path / "flat.rtf") == [" ".join(["link"] * 20_000)]
    (tmp_path / "plain.rtf").write_text("not rtf at all")
    with pytest.raises(SourceError, match="does not start with"):
        load(tmp_path / "plain.rtf")


# -- Scanned PDFs, read by Tesseract ---------------------------------------------------------------


def scanned(pdf: bytes, dpi: int = 150) -> bytes:
    """``pdf``'s pages as images only, as a scanner makes them: no text layer."""
    import io

    import pypdfium2 as pdfium

    source, scan = pdfium.PdfDocument(pdf), pdfium.PdfDocument.new()
    for index in range(len(source)):
        page = source[index]
        width, height = page.get_size()
        image = pdfium.PdfImage.new(scan)
        image.set_bitmap(page.render(scale=dpi / 72, grayscale=True))
        image.set_matrix(pdfium.PdfMatrix().scale(width, height))
        new = scan.new_page(width, height)
        new.insert_obj(image)
        new.gen_content()
    out = io.BytesIO()
    scan.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> Path:
    from bench.documents import paragraphs, report_pdf

    path = tmp_path_factory.mktemp("scan") / "river-scan.pdf"
    path.write_bytes(scanned(report_pdf([("Water temperature", [
        "Brown trout stop feeding when the river is warmer than 20 degrees.", *paragraphs(2, seed=2)])])))
    return path


def test_a_scan_without_ocr_says_how_to_read_it(scan: Path, tmp_path: Path, monkeypatch):
    with pytest.raises(SourceError, match=r"has no text layer \(it looks like a scan\); qa add --ocr reads it"):
        load(scan)
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract here
    with pytest.raises(SourceError, match=r"once it is installed \(sudo apt install tesseract-ocr\)\.$"):
        load(scan)
    with pytest.raises(SourceError, match=r"reading it needs Tesseract, which is not installed "
                                          r"\(sudo apt install tesseract-ocr\)\.$"):
        load(scan, ocr=True)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed (sudo apt install tesseract-ocr)")
def test_qa_add_ocr_reads_a_scan_and_cites_its_page(scan: Path, tmp_path: Path):
    from tests.conftest import run_qa

    library = tmp_path / "library"
    refused = run_qa("add", str(scan), "--sources", str(library))
    assert refused.returncode == 1 and "qa add --ocr reads it with Tesseract" in refused.stderr
    added = run_qa("add", "--ocr", str(scan), "--sources", str(library))
    assert added.returncode == 0, added.stderr
    answer = Answer.model_validate_json(run_qa("ask", "--json", "When do brown trout stop feeding?",
                                               "--sources", str(library)).stdout)
    assert "warmer than 20 degrees" in answer.quotes[0].text
    assert answer.quotes[0].text in answer.citations[0].passage
    assert answer.citations[0].page == 1 and answer.citations[0].place.endswith(", p. 1")


# -- Inputs made to be slow ------------------------------------------------------------------------


def test_overlong_mail_headers_are_cut_before_they_are_parsed(tmp_path: Path):
    from qa.formats.mail import MAX_HEADER_CHARS

    # The standard library's header parser is quadratic in a quoted string like this one.
    raw = message("Weir " * 5000, "Ana <ana@example.org>", (2026, 3, 4), "The weir is repaired in April.\n")
    raw = raw.replace(b"Content-Type: text/plain", b'Content-Type: text/plain; x="' + b"\\a" * 30_000 + b'"', 1)
    (tmp_path / "long.eml").write_bytes(raw)
    loaded = load(tmp_path / "long.eml")
    assert loaded.title.startswith("Weir Weir") and len(loaded.title) <= MAX_HEADER_CHARS
    assert passages(tmp_path / "long.eml") == ["The weir is repaired in April."]


def test_an_overlong_rst_file_is_refused_before_docutils_reads_it(tmp_path: Path):
    (tmp_path / "huge.rst").write_text("Title\n=====\n\n" + "A paragraph of words.\n\n" * 250_000)
    with pytest.raises(SourceError, match=r"huge.rst is 6 MB of reStructuredText, over the 5 MB one source may hold\."):
        load(tmp_path / "huge.rst")
