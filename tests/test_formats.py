"""Every supported format, from files made here: titles, sections, pages, lines, clean text.

The contract that quoting rests on is checked for each: ``text[p.start:p.end]`` is the
paragraph, and a derived text is what `Library.text` gives back.
"""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bench.documents import (
    FIELD_GUIDE_MD, PdfLine, blank_pdf, news_page, paragraphs, pdf_bytes, report_pdf, write_docx, write_epub,
)
from qa.formats import LoadedText
from qa.sources import SUPPORTED_SUFFIXES, SourceError, load

TROUT = "Brown trout stop feeding when the river is warmer than 20 degrees."
SECTIONS = [
    ("Summary", paragraphs(6, seed=1)),
    ("Water temperature", [TROUT, *paragraphs(8, seed=2)]),
    ("Methods", paragraphs(10, seed=3)),
]


def passages(loaded: LoadedText) -> list[str]:
    return [loaded.text[p.start:p.end] for p in loaded.paragraphs]


def assert_offsets_hold(loaded: LoadedText) -> None:
    for paragraph in loaded.paragraphs:
        passage = loaded.text[paragraph.start:paragraph.end]
        assert passage and passage == passage.strip()


# -- PDF ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> LoadedText:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(report_pdf(SECTIONS, header="Fisheries Annual Report 2024", title="River report"))
    return load(path)


def test_pdf_paragraphs_are_rebuilt_from_lines_with_their_pages(report: LoadedText):
    assert report.title == "River report" and report.derived
    assert passages(report) == [p for _, body in SECTIONS for p in body]
    assert report.paragraphs[0].page == 1
    assert report.paragraphs[-1].page >= 3
    assert_offsets_hold(report)


def test_pdf_running_header_and_page_numbers_are_not_indexed(report: LoadedText):
    assert "Fisheries Annual Report" not in report.text
    assert not any(p.strip().isdigit() for p in report.text.split("\n\n"))


def test_pdf_outline_names_the_sections(report: LoadedText):
    trout = next(p for p in report.paragraphs if report.text[p.start:p.end] == TROUT)
    assert trout.section == "Water temperature"
    assert report.paragraphs[-1].section == "Methods"


def test_pdf_broken_words_are_joined_and_indented_lines_start_paragraphs(tmp_path: Path):
    path = tmp_path / "notes.pdf"
    path.write_bytes(pdf_bytes([[
        PdfLine(72, 720, "Water levels", size=16),
        PdfLine(72, 690, "The gov-"), PdfLine(72, 676, "ernment said a well-known river is cold and the"),
        PdfLine(72, 662, "water is well-"), PdfLine(72, 648, "known for trout."),
        PdfLine(90, 634, "A new paragraph starts indented here and runs on for a"), PdfLine(72, 620, "while."),
    ]]))
    loaded = load(path)
    assert loaded.title == "Water levels"
    assert passages(loaded) == [
        "The government said a well-known river is cold and the water is well-known for trout.",
        "A new paragraph starts indented here and runs on for a while.",
    ]
    assert {p.section for p in loaded.paragraphs} == {"Water levels"}


@pytest.mark.parametrize(("data", "message"), [
    (blank_pdf(), "has no text layer"),
    (report_pdf(SECTIONS[:1], encrypted=True), "encrypted with a password"),
    (report_pdf(SECTIONS[:1])[:400], "cannot be read as a PDF"),
])
def test_pdfs_that_cannot_be_read_say_why(tmp_path: Path, data: bytes, message: str):
    path = tmp_path / "bad.pdf"
    path.write_bytes(data)
    with pytest.raises(SourceError, match=message):
        load(path)


# -- Word, EPUB ----------------------------------------------------------------------------------


def test_docx_headings_are_sections_and_table_rows_are_paragraphs(tmp_path: Path):
    path = tmp_path / "survey.docx"
    write_docx(path, [("Water temperature", [TROUT]), ("Sites", ["Two sites were sampled."])], "River survey",
               table=[["Site", "Temperature"], ["Upper weir", "11 degrees"]])
    loaded = load(path)
    assert loaded.title == "River survey" and loaded.metadata.author == "A. Biologist"
    assert passages(loaded) == [TROUT, "Two sites were sampled.", "Site | Temperature", "Upper weir | 11 degrees"]
    assert [p.section for p in loaded.paragraphs] == ["Water temperature", "Sites", "Sites", "Sites"]
    assert_offsets_hold(loaded)


def test_epub_chapters_in_spine_order_with_their_titles(tmp_path: Path):
    path = tmp_path / "book.epub"
    write_epub(path, [("The river", [TROUT, "Second thought."]), ("The sea", ["Salmon go to sea."])], "A river book")
    loaded = load(path)
    assert loaded.title == "A river book" and loaded.metadata.author == "A. Writer"
    assert passages(loaded) == [TROUT, "Second thought.", "Salmon go to sea."]
    assert [p.section for p in loaded.paragraphs] == ["The river", "The river", "The sea"]
    assert_offsets_hold(loaded)


# -- Web pages -------------------------------------------------------------------------------------


def test_web_page_keeps_the_article_and_drops_the_furniture(tmp_path: Path):
    path = tmp_path / "trout.html"
    path.write_text(news_page("Trout return to the river", [TROUT, "Anglers were <b>delighted</b>."],
                              "What comes next", ["Surveys resume in May."]))
    loaded = load(path)
    assert loaded.title == "Trout return to the river"
    assert (loaded.metadata.author, loaded.metadata.date) == ("Jane Reporter", "2024-03-03")
    assert passages(loaded) == [TROUT, "Anglers were delighted.", "Surveys resume in May."]
    assert loaded.paragraphs[-1].section == "Trout return to the river › What comes next"
    for furniture in ("cookies", "Home", "SuperPhone", "Share this", "Related", "FirstPoster", "Copyright"):
        assert furniture not in loaded.text


# -- Markdown and text -----------------------------------------------------------------------------


def test_markdown_is_quoted_without_markup_and_headings_are_sections(tmp_path: Path):
    path = tmp_path / "guide.md"
    path.write_text(FIELD_GUIDE_MD)
    loaded = load(path)
    assert loaded.title == "Field guide" and loaded.derived
    assert passages(loaded)[:4] == [
        "Published 3 March 2024",
        "Trout are sensitive fish that live in cold, clean rivers.",
        "Brown trout feed best when the water is between 10 and 16 degrees.\n"
        "Above 20 degrees they stop feeding and seek shade.",
        '"Consistency matters more than the peak," said the river keeper.',
    ]
    assert "Measure at dawn." in passages(loaded) and "Thermometer | water readings" in passages(loaded)
    assert passages(loaded)[-1] == "Use waders and a map of the pools."
    assert not any(mark in loaded.text for mark in ("*", "> ", "- ", "##", "`", "](", "---"))
    by_text = dict(zip(passages(loaded), loaded.paragraphs))
    assert by_text["Measure at dawn."].section == "Field guide › Water temperature"
    assert by_text["Net | sampling insects"].section == "Field guide › Equipment"


def test_markdown_and_text_lines_point_into_the_original_file(tmp_path: Path):
    for name, content in (("guide.md", FIELD_GUIDE_MD), ("notes.txt", "Notes\n\nFirst line\nsecond line.\n\nThird.\n")):
        path = tmp_path / name
        path.write_text(content)
        original = content.splitlines()
        loaded = load(path)
        for paragraph in loaded.paragraphs:
            first, last = paragraph.lines
            words = loaded.text[paragraph.start:paragraph.end].split()
            assert words[0] in original[first - 1] and words[-1] in original[last - 1]


def test_utf16_text_with_a_bom_is_read(tmp_path: Path):
    path = tmp_path / "utf16.txt"
    path.write_bytes("Café news\r\n\r\nThe café opened on Monday.\r\n".encode("utf-16"))
    loaded = load(path)
    assert loaded.title == "Café news" and loaded.derived
    assert passages(loaded) == ["The café opened on Monday."]
    assert loaded.paragraphs[0].lines == (3, 3)


def test_a_utf8_text_file_is_its_own_text(tmp_path: Path):
    path = tmp_path / "plain.txt"
    path.write_text("Title here\n\nBody.\n")
    assert not load(path).derived


@pytest.mark.parametrize(("name", "data", "message"), [
    ("controls.txt", bytes(range(1, 32)) * 20, "binary"),
    ("empty.pdf", b"", "is empty"),
    ("broken.docx", b"PK\x03\x04 not really", "not a valid zip"),
    ("broken.epub", b"plain words", "not a valid zip"),
])
def test_bad_files_of_every_format_give_one_sentence(tmp_path: Path, name: str, data: bytes, message: str):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(SourceError, match=message):
        load(path)


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path):
    path = tmp_path / "big.txt"
    path.write_text("Big\n\n" + "word " * 5000)
    with pytest.raises(SourceError, match="over the 0.01 MB limit"):
        load(path, max_mb=0.01)


# -- Untrusted bytes -------------------------------------------------------------------------------


def _valid_files(folder: Path) -> dict[str, bytes]:
    write_docx(folder / "v.docx", [("Heading", ["Some text."])], "Title")
    write_epub(folder / "v.epub", [("Chapter", ["Some text."])], "Book")
    return {
        ".pdf": report_pdf(SECTIONS[:1]), ".docx": (folder / "v.docx").read_bytes(),
        ".epub": (folder / "v.epub").read_bytes(), ".html": news_page("Headline", [TROUT]).encode(),
        ".md": FIELD_GUIDE_MD.encode(), ".txt": b"Title\n\n" + TROUT.encode(),
        **_more_valid_files(folder),
    }


def _more_valid_files(folder: Path) -> dict[str, bytes]:
    from tests.test_formats_more import CSV, REPORT_RST, RTF, message, write_deck
    from docutils.core import publish_string

    write_deck(folder / "v.pptx")
    mail = message("Weir repairs", "ana@example.org", (2026, 3, 4), TROUT)
    return {
        ".rst": REPORT_RST.encode(), ".csv": CSV.encode(), ".rtf": RTF.encode(), ".eml": mail,
        ".mbox": b"From MAILER-DAEMON Thu Mar  5 09:30:00 2026\n" + mail, ".pptx": (folder / "v.pptx").read_bytes(),
        ".odt": publish_string(REPORT_RST, writer="odt", settings_overrides={"report_level": 5, "warning_stream": False}),
    }


@pytest.fixture(scope="module")
def valid_files(tmp_path_factory) -> dict[str, bytes]:
    return _valid_files(tmp_path_factory.mktemp("valid"))


def _load_or_refuse(folder: Path, suffix: str, data: bytes) -> None:
    path = folder / f"fuzzed{suffix}"
    path.write_bytes(data)
    try:
        loaded = load(path)
    except SourceError as error:
        assert str(error).count(". ") == 0 and str(error).endswith(".")
        return
    assert loaded.paragraphs
    assert_offsets_hold(loaded)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(suffix=st.sampled_from(sorted(SUPPORTED_SUFFIXES)), data=st.binary(max_size=2000))
def test_random_bytes_are_loaded_or_refused_in_one_sentence(tmp_path_factory, suffix: str, data: bytes):
    _load_or_refuse(tmp_path_factory.getbasetemp(), suffix, data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(suffix=st.sampled_from([".pdf", ".docx", ".epub", ".html", ".md", ".txt", ".rst", ".csv", ".rtf", ".eml",
                               ".mbox", ".pptx", ".odt"]),
       cut=st.floats(min_value=0.05, max_value=1.0),
       flips=st.lists(st.tuples(st.floats(min_value=0, max_value=0.999), st.integers(0, 255)), max_size=8))
def test_damaged_files_are_loaded_or_refused_in_one_sentence(tmp_path_factory, valid_files, suffix: str,
                                                              cut: float, flips: list[tuple[float, int]]):
    data = bytearray(valid_files[suffix])
    for where, byte in flips:
        data[int(where * len(data))] = byte
    _load_or_refuse(tmp_path_factory.getbasetemp(), suffix, bytes(data[:max(1, int(cut * len(data)))]))
