"""Faults of the campaign (../shared/findings/faults.md) fixed last, each as a user meets it."""

from __future__ import annotations

from pathlib import Path

from bench.documents import PdfLine, pdf_bytes
from qa import Library
from qa.sources import load
from conftest import hand_made_epub


def _epub_with_an_empty_navmap(path: Path) -> None:
    hand_made_epub(path, "Kittiwakes", "<p>The kittiwake colony counted 212 nests in May.</p>", contents=False)


def test_an_epub_whose_table_of_contents_is_empty_is_read(tmp_path: Path):
    book = tmp_path / "kittiwakes.epub"
    _epub_with_an_empty_navmap(book)  # was "cannot be read as an EPUB book; it may be damaged"
    loaded = load(book)
    assert loaded.title == "Kittiwakes"
    assert "The kittiwake colony counted 212 nests in May." in loaded.text


def _log_page(number: int, lines: list[str]) -> list[PdfLine]:
    return [PdfLine(72, 720 - 16 * n, text) for n, text in enumerate(lines)]


def test_pdf_sentences_that_differ_from_page_to_page_only_in_numbers_are_kept(tmp_path: Path):
    """Two-line pages ("Page 3 of the log." / "The count on page 3 was 3."): every line is in
    a margin and repeats, digits aside. They were all dropped as running headers, and the file
    refused as having no text."""
    pdf = tmp_path / "petrels.pdf"
    pdf.write_bytes(pdf_bytes([_log_page(n, [f"Page {n} of the petrel log.",
                                             f"The storm petrel count on page {n} was {n % 7 + 40}."])
                               for n in range(1, 13)]))
    text = load(pdf).text
    assert "The storm petrel count on page 5 was 45." in text
    assert "Page 12 of the petrel log." in text


def test_pdf_short_running_labels_with_changing_numbers_are_still_dropped(tmp_path: Path):
    pdf = tmp_path / "survey.pdf"
    pdf.write_bytes(pdf_bytes([_log_page(n, [f"Cliff survey 2024 · sheet {n}",
                                             f"Nest {n} on the north ledge held two eggs and one chick.",
                                             "The observers noted calm weather and a light westerly wind.",
                                             f"{n}"])
                               for n in range(1, 13)]))
    text = load(pdf).text
    assert "Cliff survey" not in text
    assert "Nest 7 on the north ledge held two eggs and one chick." in text


def test_a_misspelling_asked_many_times_is_suggested_once(library: Library):
    answer = library.ask(" ".join(["Rutto"] * 30) + "?")  # was "Did you mean: Ruto, Ruto, … (30 times)"
    assert answer.suggestions == ["Ruto"]


def test_a_file_over_its_time_budget_is_skipped_with_one_sentence_and_the_add_goes_on(
        library: Library, tmp_path: Path, monkeypatch):
    from qa import budget

    monkeypatch.setattr(budget, "FILE_CPU_SECONDS", 0.3)
    brackets = tmp_path / "brackets.md"  # the campaign's 5 MB one took 65 s; this one about 1 s
    brackets.write_text("[" * 50_000 + "*a" * 25_000)
    good = tmp_path / "gannets.txt"
    good.write_text("Gannet census\n\nThe gannet colony held 310 pairs this spring.\n")
    results = {result.path.name: result for result in library.add([brackets, good])}
    assert results["brackets.md"].error == "brackets.md took more than 0.3 s to read; it was skipped."
    assert results["gannets.txt"].source is not None
    assert "310 pairs" in library.ask("How many pairs did the gannet colony hold?").text


def test_a_worker_over_its_memory_budget_gets_a_memory_error_not_the_oom_killer():
    import multiprocessing

    from qa import budget

    def allocate_past_the_cap(done) -> None:
        budget.limit_memory(200)
        try:
            bytearray(600 * 2**20)
            done.send("allocated")
        except MemoryError:
            done.send("MemoryError")

    receiving, sending = multiprocessing.get_context("fork").Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(target=allocate_past_the_cap, args=(sending,))
    child.start()
    child.join(60)
    assert receiving.recv() == "MemoryError"


def test_a_library_that_found_its_index_damaged_reads_the_folder_again_at_the_next_question(sources_dir: Path):
    """A UI stays open: after one "was damaged" it must not show an empty library until restarted."""
    import pytest

    from qa.errors import LibraryError
    from qa.store import database_path

    library = Library.open(sources_dir)
    count = len(library.sources)
    library._store.checkpoint()
    connection = library._store._connection
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    root = connection.execute("SELECT rootpage FROM sqlite_master WHERE name = 'postings'").fetchone()[0]
    library._store.close()
    with open(database_path(sources_dir), "r+b") as database:
        database.seek((root - 1) * page_size)
        database.write(b"\xff" * page_size)
    damaged = Library.open(sources_dir, refresh=False)
    with pytest.raises(LibraryError, match="was damaged"):
        damaged.ask("How many officers has Kenya pledged?")
    assert len(damaged.sources) == count  # the same object: listed again from the files
    assert damaged.ask("How many officers has Kenya pledged?").answered
