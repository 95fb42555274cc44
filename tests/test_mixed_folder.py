"""A folder of real-world formats, through `Library` and `qa ask`: clean quotes, findable citations."""

from pathlib import Path

import pytest

from bench.documents import news_page, paragraphs, report_pdf, write_docx, write_epub
from qa import Library, Settings
from qa.cli import main
from qa.transcript import to_markdown

REDDS = "The Kennet survey counted 412 spawning redds in November."
WEIR = "The Itchen weir was rebuilt with oak beams in 1998."
OTTER = "Otters came back to the Test valley after an absence of forty years."
WILLOW = "Volunteers planted 3,000 willow saplings along the Avon."
CAFE = "Café owners on the Wey reported record visitor numbers."
OTTER_MD = "# Field notes\n\n## Kingfisher sightings\n\nTwo were seen near the old mill in June.\n\n> They *looked* healthy.\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    incoming = tmp_path_factory.mktemp("incoming") / "river"
    incoming.mkdir()
    (incoming / "report.pdf").write_bytes(report_pdf(
        [("Summary", paragraphs(8, seed=4)), ("Spawning survey", [*paragraphs(6, seed=5), REDDS])],
        title="River report"))
    write_docx(incoming / "weirs.docx", [("History", [WEIR])], "Weirs of Hampshire")
    write_epub(incoming / "valley.epub", [("Otters", [OTTER]), ("Herons", ["Herons nest in March."])], "The valley")
    (incoming / "willows.html").write_text(news_page("Willows for the Avon", [WILLOW, "The work took a week."]))
    (incoming / "notes.md").write_text(OTTER_MD)
    (incoming / "wey.txt").write_bytes(f"Wey news\n\n{CAFE}\n".encode("utf-16"))
    sources = tmp_path_factory.mktemp("sources")
    Library.open(sources, Settings()).add([incoming])
    return sources


@pytest.fixture(scope="module")
def library(folder: Path) -> Library:
    return Library.open(folder, Settings())


@pytest.mark.parametrize(("question", "quote", "section", "page"), [
    ("How many spawning redds did the Kennet survey count?", REDDS, "Spawning survey", True),
    ("When was the Itchen weir rebuilt?", WEIR, "History", False),
    ("How long were otters absent from the Test valley?", OTTER, "Otters", False),
    ("How many willow saplings did volunteers plant?", WILLOW, "Willows for the Avon", False),
    ("What did café owners on the Wey report?", CAFE, None, False),
])
def test_every_format_answers_with_a_clean_quote_and_a_findable_citation(
        library: Library, question: str, quote: str, section: str | None, page: bool):
    answer = library.ask(question)
    assert answer.answered, question
    assert answer.quotes[0].text == quote
    citation = answer.citations[0]
    assert citation.section == section
    assert (citation.page is not None) == page
    text = library.text(citation.source)
    assert text[citation.start:citation.end] == citation.passage
    assert text[answer.quotes[0].start:answer.quotes[0].end] == quote


def test_a_heading_finds_the_paragraphs_under_it(library: Library):
    # Neither sentence under the heading says "kingfisher" or "sightings": only the heading does.
    answer = library.ask("Where were the kingfisher sightings?")
    assert answer.answered
    assert {q.text for q in answer.quotes} <= {"Two were seen near the old mill in June.", "They looked healthy."}
    assert answer.citations[0].section == "Field notes › Kingfisher sightings"
    assert answer.citations[0].lines in {(5, 5), (7, 7)}


def test_the_citation_line_shows_section_and_page(folder: Path, capsys):
    assert main(["ask", "--sources", str(folder), "How many spawning redds did the Kennet survey count?"]) == 0
    shown = capsys.readouterr().out
    assert f"“{REDDS}” [1]" in shown
    assert "[1] river/report.pdf › Spawning survey, p. 2: " in shown  # a folder's file cited by its path
    assert main(["ask", "--sources", str(folder), "Where were the kingfisher sightings?"]) == 0
    assert "Field notes › Kingfisher sightings, paragraph 1 (line 5): " in capsys.readouterr().out


def test_an_exported_answer_names_the_page_and_section(library: Library):
    answer = library.ask("How many spawning redds did the Kennet survey count?")
    exported = to_markdown([answer], title="Answer")
    assert f"> {REDDS} [1]" in exported
    assert f"[1] river/report.pdf › Spawning survey, p. 2: `{answer.citations[0].path}`" in exported
    assert "paragraph" not in exported
