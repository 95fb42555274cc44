"""Failures of the hostile-input and broken-disk campaign (../shared/findings/faults.md) that a
user can meet, each kept as a test: names that are not UTF-8, a run of letters with no space,
a damaged index, a file refused by its size before it is read, `qa text` made inert."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sys
from pathlib import Path

import pytest

from qa import Library, LibraryError
from qa.cli import main
from conftest import hand_made_epub
from qa.ingest import Job, analyse
from qa.sources import SourceError
from qa.store import database_path

TEA = "Cafe report\n\nThe cafe sold 42 cups of tea on Monday.\n"


def run(*args: str) -> tuple[int, str, str]:
    """`qa ARGS` in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8")
def test_file_names_that_are_not_utf8_are_added_skipped_or_shown_never_a_crash(tmp_path: Path):
    given, library = tmp_path / "in", tmp_path / "library"
    given.mkdir()
    (given / os.fsdecode(b"caf\xe9.txt")).write_text(TEA)
    (given / "hats.txt").write_text("Hat report\n\nThe shop sold 7 hats.\n")
    code, out, err = run("add", "--json", str(given), "--sources", str(library))
    assert code == 0, err
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == 2 and all(result["source"] for result in results)
    assert sorted(p.name for p in (library / "in").iterdir()) == ["caf\ufffd.txt", "hats.txt"]

    # One the user put in the folder is left as it is, and said to be skipped.
    (library / os.fsdecode(b"menu-\xff.txt")).write_text("Menu\n\nThe menu lists 9 soups.\n")
    code, out, err = run("ask", "How many cups of tea did the cafe sell?", "--sources", str(library))
    assert code == 0 and "42 cups" in out, err
    assert "not valid UTF-8" in err and "Traceback" not in err
    code, out, err = run("sources", "--json", "--sources", str(library))
    assert code == 0 and len(json.loads(out)) == 2


def test_a_run_of_letters_with_no_space_does_not_blow_up_the_index(tmp_path: Path):
    library = Library.open(tmp_path / "library", create=True)
    (tmp_path / "run.txt").write_text("A long run\n\nThe word " + "ab" * 2_500 + " stands alone.\n")
    library.add([tmp_path / "run.txt"])
    library._store.checkpoint()
    size = database_path(library.folder).stat().st_size
    # Its one-letter deletions would be 5,000 rows of 5,000 letters (25 MB) in the spelling table.
    assert size < 3_000_000, f"{size:,} bytes for one 5,000-letter word"
    assert library.ask("Which word stands alone?").answered
    library.remove("run")
    assert library.source_count == 0


def test_an_index_with_a_damaged_header_is_made_again_not_kept_in_memory(sources_dir: Path):
    Library.open(sources_dir)._store.checkpoint()
    with open(database_path(sources_dir), "r+b") as database:
        database.write(b"this is no longer SQLite" * 4)
    again = Library.open(sources_dir)
    assert not again.warnings, again.warnings
    assert not again._store.in_memory
    assert again.ask("How many officers has Kenya pledged?").answered
    assert Library.open(sources_dir).reread == [], "the index made again is kept"


def test_an_index_with_a_damaged_page_says_so_once_and_is_made_again(sources_dir: Path):
    library = Library.open(sources_dir)
    library._store.checkpoint()
    page_size = library._store._connection.execute("PRAGMA page_size").fetchone()[0]
    root = library._store._connection.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'postings'").fetchone()[0]
    library._store.close()
    with open(database_path(sources_dir), "r+b") as database:
        database.seek((root - 1) * page_size)
        database.write(b"\xff" * page_size)
    damaged = Library.open(sources_dir)
    try:
        answered = damaged.ask("How many officers has Kenya pledged?").answered
    except LibraryError as error:
        assert "damaged" in str(error)
        answered = False
    assert answered or Library.open(sources_dir).ask("How many officers has Kenya pledged?").answered


def test_a_file_is_refused_by_its_size_before_it_is_read(tmp_path: Path, monkeypatch):
    def unread(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(hashlib, "file_digest", unread)
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as file:
        file.truncate(3_000_000)  # sparse: no disk used
    with pytest.raises(SourceError, match="over the 2 MB limit"):
        analyse(Job(huge, huge.name), 120, 2)
    empty = tmp_path / "empty.txt"  # also what a file of /proc shows (/proc/kmsg blocks when read)
    empty.touch()
    with pytest.raises(SourceError, match="is empty"):
        analyse(Job(empty, empty.name), 120, 2)


def test_qa_text_shows_a_source_inert(tmp_path: Path):
    library = tmp_path / "library"
    library.mkdir()
    (library / "trap.txt").write_text("Trap\n\nA title change \x1b]0;owned\x07 and a \u202eflip.\n")
    code, out, err = run("text", "trap", "--sources", str(library))
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "␛]0;owned␇" in out and len(out) == len((library / "trap.txt").read_text())


def _epub_with_a_repeated_chapter(path: Path, repeats: int) -> None:
    hand_made_epub(path, "Rivers", "<p>The river rose by two metres in the night.</p>" * 2_000, spine_repeats=repeats)


def test_an_epub_whose_spine_repeats_a_chapter_is_refused_before_it_floods_memory(tmp_path: Path):
    from qa.sources import load

    small = tmp_path / "rivers.epub"
    _epub_with_a_repeated_chapter(small, 2)
    assert "two metres" in load(small).text
    flood = tmp_path / "flood.epub"
    _epub_with_a_repeated_chapter(flood, 1_200)  # 1,200 × 100 KB of chapter from a small file
    assert flood.stat().st_size < 100_000
    with pytest.raises(SourceError, match="MB of markup"):
        load(flood)


def test_a_word_document_that_unpacks_to_a_flood_of_markup_is_refused(tmp_path: Path):
    import zipfile

    from qa.sources import load

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        with package.open("word/document.xml", "w", force_zip64=True) as document:
            block = b"<w:p/>" * 100_000
            for _ in range(180):  # 108 MB of markup, under the 1 GB check that let 7.7 GB through
                document.write(block)
    with pytest.raises(SourceError, match="MB of markup"):
        load(bomb)


@pytest.mark.parametrize("value", ["inf", "1e308"])
def test_a_bm25_parameter_that_is_not_a_finite_number_is_a_usage_error(value: str, sources_dir: Path, monkeypatch):
    monkeypatch.setenv("QA_K1", value)
    code, out, err = run("ask", "How many officers has Kenya pledged?", "--sources", str(sources_dir))
    assert code == 2 and "QA_K1" in err and "Traceback" not in err


def test_the_same_file_given_twice_is_added_once_and_reported_once(tmp_path: Path):
    (tmp_path / "well.txt").write_text("Well report\n\nThe well is 12 metres deep.\n")
    path = str(tmp_path / "well.txt")
    code, out, err = run("add", path, path, "--sources", str(tmp_path / "library"))
    assert code == 0, err
    assert "Added Well report as" in out and "already" not in out


def test_qa_eval_of_a_file_that_is_not_text_is_one_sentence(tmp_path: Path, sources_dir: Path):
    binary = tmp_path / "questions.jsonl"
    binary.write_bytes(bytes(range(256)) * 10)
    code, out, err = run("eval", str(binary), "--sources", str(sources_dir))
    assert code == 1 and "not UTF-8" in err and "Traceback" not in err


@pytest.mark.parametrize("data", [
    {"title": "T", "paragraphs": [{"context": 5, "qas": [{"question": None, "id": "1"}]}]},
    {"title": "T", "paragraphs": [{"context": "The cat sat.", "qas": [{"id": "1"}]}]},
], ids=["a number for a context", "a question without its text"])
def test_qa_eval_of_a_malformed_squad_file_is_one_sentence(tmp_path: Path, data: dict):
    squad = tmp_path / "squad.json"
    squad.write_text(json.dumps({"data": [data]}))
    code, out, err = run("eval", "--squad", str(squad))
    assert code == 1 and "not a readable SQuAD 2.0 file" in err


def test_qa_eval_of_a_squad_article_without_a_title_still_runs(tmp_path: Path):
    squad = tmp_path / "squad.json"
    squad.write_text(json.dumps({"data": [{"paragraphs": [{"context": "The cat sat on the mat.", "qas": [
        {"question": "Where did the cat sit?", "id": "1", "answers": [{"text": "mat", "answer_start": "x"}]}]}]}]}))
    code, out, err = run("eval", "--squad", str(squad))
    assert code == 0, err


def test_a_link_whose_original_is_gone_can_be_removed_and_stops_the_warnings(tmp_path: Path):
    library = tmp_path / "library"
    original = tmp_path / "curlews.txt"
    original.write_text("Curlew report\n\nThe linked curlew count was 21.\n")
    assert run("add", "--link", str(original), "--sources", str(library))[0] == 0
    original.unlink()
    code, out, err = run("sources", "--sources", str(library))
    assert "curlews.txt" in err  # skipped, with a warning
    code, out, err = run("remove", "curlews", "--sources", str(library))
    assert code == 0 and "deleted the link" in out, err
    assert not os.path.lexists(library / "curlews.txt")
    code, out, err = run("sources", "--sources", str(library))
    assert code == 0 and err == ""


def test_an_add_whose_index_cannot_be_written_says_so(tmp_path: Path):
    library = tmp_path / "library"
    library.mkdir()
    (library / ".qa").write_text("")  # as a read-only .qa folder would: no index can be written
    (tmp_path / "well.txt").write_text("Well report\n\nThe well is 12 metres deep.\n")
    code, out, err = run("add", str(tmp_path / "well.txt"), "--sources", str(library))
    assert code == 0 and "lives in memory" in err, err


def test_a_folder_deeper_than_path_max_adds_what_it_can_reach(tmp_path: Path):
    given = tmp_path / "in"
    given.mkdir()
    here = os.getcwd()
    try:  # made relative to each level: the deep end's full path is past PATH_MAX (4,096 bytes)
        os.chdir(given)
        for level in range(24):
            os.mkdir("d" * 200)
            os.chdir("d" * 200)
            with open(f"report-{level}.txt", "w") as file:
                file.write(f"Level {level} report\n\nThe level {level} shearwater count was {500 + level}.\n")
    finally:
        os.chdir(here)
    code, out, err = run("add", "--json", str(given), "--sources", str(tmp_path / "library"))
    results = [json.loads(line) for line in out.splitlines()]
    added = [result for result in results if result["source"]]
    assert len(added) >= 15, err  # the files whose paths fit, though deeper ones cannot be read
    assert any(result["error"] for result in results) and code == 1
    assert "Traceback" not in err
