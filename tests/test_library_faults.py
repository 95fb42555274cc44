"""Four faults of `Library` found by reading it against tantivy, sqlite-utils and oterm (issue 18):
a file edited while it is added, a disk that fills during a commit, a stale first citation,
and read methods called from a worker thread beside an answer."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from qa import Library, LibraryError
from qa.models import Answer, AnswerSpan, Citation, Quote
from qa.numbering import without_citations
from conftest import PLEDGE

DISPLACED = "How many people have been displaced?"


def test_a_file_edited_while_it_is_added_is_indexed_as_it_was_copied(tmp_path: Path):
    library = Library.open(tmp_path / "library", create=True)
    original = tmp_path / "well.txt"
    original.write_text("Well report\n\nThe well is 12 metres deep.\n")

    def edit(_progress) -> None:  # after the file was analysed, before it is copied in
        original.write_text("Well report\n\nThe well is 40 metres deep, after the works.\n")

    [result] = library.add([original], progress=edit)
    assert result.source is not None and result.error is None
    answer = library.ask("How deep is the well?")
    assert answer.answered and "40 metres" in answer.quotes[0].text


def test_a_database_that_fills_up_during_a_commit_says_so_and_keeps_the_library(tmp_path: Path):
    library = Library.open(tmp_path / "library", create=True)
    (tmp_path / "well.txt").write_text("Well report\n\nThe well is 12 metres deep.\n")
    library.add([tmp_path / "well.txt"])
    connection = library._store._connection  # the limit is per connection: this one's
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages + 3}")
    big = tmp_path / "big.txt"
    big.write_text("Big report\n\n" + "\n\n".join(
        f"Paragraph {n} names the word{n}x and the thing{n}y and the place{n}z." for n in range(3000)))
    with pytest.raises(LibraryError, match="the disk is full"):
        library.add([big])
    assert [source.path.name for source in library.sources] == ["well.txt"]
    assert not (library.folder / "big.txt").exists(), "the copy of what was not committed stays"
    assert "12 metres" in library.ask("How deep is the well?").text


def _citation(n: int, source: str) -> Citation:
    return Citation(n=n, source=source, title=source, path=Path(f"{source}.txt"), paragraph=1,
                    start=0, end=10, passage="0123456789", score=1.0)


def test_dropping_a_stale_first_citation_renumbers_the_rest_and_moves_the_answer_span():
    answer = Answer(
        question="q", answered=True, text="",
        quotes=[Quote(text="a", citation=1, start=0, end=1), Quote(text="b", citation=2, start=1, end=2),
                Quote(text="c", citation=3, start=2, end=3), Quote(text="d", citation=2, start=3, end=4)],
        citations=[_citation(1, "one"), _citation(2, "two"), _citation(3, "three")],
        answer=AnswerSpan(quote=2, start=0, end=1),
    )
    kept = without_citations(answer, {1}, "not covered")
    assert [c.n for c in kept.citations] == [1, 2]
    assert [kept.citations[q.citation - 1].source for q in kept.quotes] == ["two", "three", "two"]
    assert kept.text == "b [1]\n\nc [2]\n\nd [1]"
    assert kept.answer == AnswerSpan(quote=1, start=0, end=1)
    assert without_citations(answer, {2}, "x").answer == AnswerSpan(quote=1, start=0, end=1)
    assert without_citations(answer, {3}, "x").answer is None
    assert not without_citations(answer, {1, 2, 3}, "not covered").answered


def test_an_answer_whose_first_source_stays_stale_cites_the_rest_by_their_numbers(library: Library, monkeypatch):
    full = library.ask(DISPLACED)
    assert len(full.citations) >= 2
    first = full.citations[0].source
    real = library._stale_citations
    # The first source changes again each time it is read, as a file being written would.
    monkeypatch.setattr(library, "_stale_citations",
                        lambda answer: real(answer) | {c.n for c in answer.citations if c.source == first})
    answer = library.ask(DISPLACED)
    assert answer.answered and answer.citations and all(c.source != first for c in answer.citations)
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for quote in answer.quotes:
        citation = answer.citations[quote.citation - 1]
        assert citation.passage[quote.start - citation.start:quote.end - citation.start] == quote.text
        assert f"{quote.text} [{quote.citation}]" in answer.text


def test_a_worker_thread_never_reads_a_commit_in_progress(library: Library, tmp_path: Path, monkeypatch):
    """The UI lists sources from worker threads; the library's connection is shared, so a read
    beside a commit in progress would see its rows before they are committed (or rolled back)."""
    before = sorted(source.id for source in library.sources)
    inside, read = threading.Event(), threading.Event()
    seen: list[list[str]] = []

    def fail_inside_the_commit(db) -> None:  # the batch is written, not yet committed
        inside.set()
        read.wait(timeout=2)
        raise RuntimeError("the commit fails")

    monkeypatch.setattr("qa.store.segments.merge_small_segments", fail_inside_the_commit)

    def browse() -> None:
        inside.wait(timeout=30)
        seen.append(sorted(source.id for source in library.sources))
        read.set()

    worker = threading.Thread(target=browse)
    worker.start()
    (tmp_path / "well.txt").write_text("Well report\n\nThe well is 12 metres deep.\n")
    with pytest.raises(RuntimeError):
        library.add([tmp_path / "well.txt"])
    worker.join()
    assert seen == [before], "a reader saw a source that was never committed"
    assert sorted(source.id for source in library.sources) == before


def test_a_cancelled_add_stops_after_the_files_in_hand_not_everything_queued(tmp_path: Path, monkeypatch):
    """Cancel means the files the workers hold (and those they finished before the cancel was
    seen) are kept and the rest are not added: the pool had queued 64 files a worker, all of
    which were still analysed and added. (How many were finished by then depends on the load:
    16 in one CI run, 12 at most in quiet ones; the files are long enough that the workers
    cannot get through their whole queue while the cancel is on its way.)"""
    from qa import ingest

    monkeypatch.setattr(ingest, "PARALLEL_MIN_BYTES", 0)
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    for n in range(400):
        body = " ".join(f"The depot at site {n} held {n * k} litres in week {k}." for k in range(60))
        (incoming / f"note-{n:03d}.txt").write_text(f"Note {n}\n\n{body}\n")
    (tmp_path / "library").mkdir()
    library = Library.open(tmp_path / "library")
    cancel = threading.Event()
    library.add([incoming], progress=lambda p: cancel.set() if p.files_done >= 1 else None, cancel=cancel)
    queued = (os.cpu_count() or 1) * ingest.IN_FLIGHT_PER_WORKER
    assert len(library.sources) < queued // 2, (len(library.sources), queued)
