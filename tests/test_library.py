import shutil
from pathlib import Path

import pytest

from qa import Library, LibraryError, Settings
from qa.store import database_path
from conftest import PLEDGE, VISIT


def test_restart_does_not_reread_unchanged_files(sources_dir: Path):
    first = Library.open(sources_dir)
    assert sorted(first.reread) == [PLEDGE, VISIT]
    second = Library.open(sources_dir)
    assert second.reread == []
    assert second.ask("How many officers has Kenya pledged?").answered


def test_a_changed_file_is_reread_alone(sources_dir: Path):
    Library.open(sources_dir)
    path = sources_dir / VISIT
    path.write_text(path.read_text() + "\nA new paragraph about drones arrived.\n")
    again = Library.open(sources_dir)
    assert again.reread == [VISIT]


def test_index_is_ignored_by_git_and_rebuilt_when_broken(sources_dir: Path):
    Library.open(sources_dir)
    assert (database_path(sources_dir).parent / ".gitignore").read_text().strip().endswith("*")
    for suffix in ("-wal", "-shm"):
        Path(str(database_path(sources_dir)) + suffix).unlink(missing_ok=True)
    database_path(sources_dir).write_bytes(b"not a database at all" * 100)
    rebuilt = Library.open(sources_dir)
    assert sorted(rebuilt.reread) == [PLEDGE, VISIT]
    assert rebuilt.ask("How many officers has Kenya pledged?").answered


def test_index_rebuilds_when_settings_that_shape_it_change(sources_dir: Path):
    Library.open(sources_dir)
    other = Library.open(sources_dir, Settings(chunk_max_words=30))
    assert sorted(other.reread) == [PLEDGE, VISIT]


def test_an_old_json_index_is_replaced_without_a_word(sources_dir: Path):
    (sources_dir / ".qa").mkdir()
    (sources_dir / ".qa" / "index.json").write_text('{"version": 1, "fingerprint": "x", "sources": []}')
    library = Library.open(sources_dir)
    assert not (sources_dir / ".qa" / "index.json").exists()
    assert library.warnings == []
    assert library.ask("How many officers has Kenya pledged?").answered


def test_add_copies_and_indexes_without_touching_the_original(sources_dir: Path, tmp_path: Path):
    library = Library.open(sources_dir)
    original = tmp_path / "volcano.txt"
    original.write_text("Volcano erupts in Iceland\n\nThe volcano near Grindavik erupted on Tuesday night.\n")
    before = original.read_bytes()
    [result] = library.add([original])
    assert original.read_bytes() == before
    assert result.source and result.source.title == "Volcano erupts in Iceland"
    assert (sources_dir / "volcano.txt").read_bytes() == before
    assert library.reread == ["volcano.txt"]
    answer = library.ask("When did the volcano erupt?")
    assert answer.answered and "Tuesday night" in answer.quotes[0].text


def test_adding_same_content_twice_changes_nothing(sources_dir: Path, tmp_path: Path):
    library = Library.open(sources_dir)
    copy = tmp_path / "copy.txt"
    shutil.copy(sources_dir / PLEDGE, copy)
    [result] = library.add([copy])
    assert result.duplicate_of == PLEDGE
    assert not (sources_dir / "copy.txt").exists()


def test_name_clash_gets_a_new_name(sources_dir: Path, tmp_path: Path):
    library = Library.open(sources_dir)
    other = tmp_path / PLEDGE
    other.write_text("Different story\n\nSomething else entirely happened here.\n")
    [result] = library.add([other])
    assert result.source and result.source.path.name == PLEDGE.replace(".txt", "-2.txt")
    assert "Kenya has pledged" in (sources_dir / PLEDGE).read_text()


def test_adding_a_folder_adds_its_supported_files(sources_dir: Path, tmp_path: Path):
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "a.md").write_text("# Alpha\n\nAlpha text is here.\n")
    (folder / "b.txt").write_text("Beta\n\nBeta text is here.\n")
    (folder / "notes.xlsx").write_text("x,y\n")
    results = Library.open(sources_dir).add([folder])
    assert sorted(r.source.path.name for r in results if r.source) == ["a.md", "b.txt"]
    assert [r.path.name for r in results if r.unsupported] == ["notes.xlsx"]
    assert not (sources_dir / "notes.xlsx").exists()


def test_a_bad_file_never_stops_its_neighbours(sources_dir: Path, tmp_path: Path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text("Good\n\nGood text about otters.\n")
    bad.write_bytes(b"")
    results = Library.open(sources_dir).add([good, bad])
    by_name = {r.path.name: r for r in results}
    assert by_name["good.txt"].source is not None and (sources_dir / "good.txt").exists()
    assert "empty" in by_name["bad.txt"].error and not (sources_dir / "bad.txt").exists()


def test_remove(sources_dir: Path):
    library = Library.open(sources_dir)
    [source] = library.remove("kenya-pledges-600-more-officers-to-haiti")
    assert not source.path.exists()
    assert [s.path.name for s in library.sources] == [VISIT]
    with pytest.raises(LibraryError, match="No source"):
        library.remove("nothing-like-this")


def test_a_broken_file_in_the_folder_is_skipped_with_a_warning(sources_dir: Path):
    (sources_dir / "broken.txt").write_bytes(b"\x00\x00binary")
    library = Library.open(sources_dir)
    assert len(library.sources) == 2
    assert any("binary" in w for w in library.warnings)


def test_a_vanished_file_in_the_folder_is_skipped_and_the_rest_still_answer(sources_dir: Path):
    (sources_dir / "gone.txt").symlink_to(sources_dir / "deleted-long-ago.txt")
    library = Library.open(sources_dir)
    assert any("gone.txt" in warning for warning in library.warnings)
    assert sorted(s.path.name for s in library.sources) == [PLEDGE, VISIT]
    assert library.ask("How many officers has Kenya pledged?").answered


def test_a_hidden_file_given_by_name_is_added_under_a_visible_name(sources_dir: Path, tmp_path: Path):
    hidden = tmp_path / ".otters.txt"
    hidden.write_text("Otter survey\n\nOtters were counted at nine weirs in May.\n")
    [result] = Library.open(sources_dir).add([hidden])
    assert result.source is not None and result.source.path.name == "otters.txt"
    again = Library.open(sources_dir)  # indexed for good, not copied and then ignored
    assert "nine weirs" in again.ask("Where were otters counted?").quotes[0].text


def test_an_index_that_cannot_be_saved_is_reported_and_nothing_half_added_stays(
        sources_dir: Path, tmp_path: Path, monkeypatch):
    import sqlite3

    from qa.store import Store

    def full_disk(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    new = tmp_path / "new.txt"
    new.write_text("New story\n\nA new story about herons.\n")
    library = Library.open(sources_dir)
    monkeypatch.setattr(Store, "commit", full_disk)
    with pytest.raises(LibraryError, match="Could not save the index"):
        library.add([new])
    monkeypatch.undo()
    assert not (sources_dir / "new.txt").exists()
    assert sorted(s.path.name for s in Library.open(sources_dir).sources) == [PLEDGE, VISIT]


def test_a_file_deleted_while_an_add_runs_is_reported_and_the_others_are_added(sources_dir: Path, tmp_path: Path):
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text("First\n\nThe first note is about ravens.\n")
    second.write_text("Second\n\nThe second note is about crows.\n")

    def delete_the_second(progress) -> None:  # someone tidies the folder mid-add
        second.unlink(missing_ok=True)

    results = Library.open(sources_dir).add([first, second], progress=delete_the_second)
    by_name = {r.path.name: r for r in results}
    assert by_name["first.txt"].source is not None
    assert by_name["second.txt"].error and "does not exist" in by_name["second.txt"].error
    assert not (sources_dir / "second.txt").exists()


def test_a_file_changed_while_it_is_added_is_indexed_as_copied(sources_dir: Path, tmp_path: Path):
    note = tmp_path / "note.txt"
    note.write_text("Note\n\nThe note is about ravens.\n")

    def rewrite(progress) -> None:  # analysed, not yet copied: someone saves a new version
        note.write_text("Note\n\nThe note is about herons nesting in the reeds.\n")

    library = Library.open(sources_dir)
    [result] = library.add([note], progress=rewrite)
    copied = (sources_dir / "note.txt").read_text()
    assert "herons" in copied
    assert library.text(result.source.id) == copied
    answer = library.ask("Where do the herons nest?")
    assert answer.answered and "herons nesting" in answer.quotes[0].text


def test_adding_and_removing_skip_the_folder_scan_but_the_next_question_catches_up(
        sources_dir: Path, tmp_path: Path):
    Library.open(sources_dir)
    (sources_dir / VISIT).unlink()  # deleted by hand
    dropped = sources_dir / "dropped.txt"  # put in the folder by hand
    dropped.write_text("Otter survey\n\nThe otters of the Test river number forty.\n")
    note = tmp_path / "note.txt"
    note.write_text("Beaver note\n\nThe beavers built three dams upstream.\n")
    writer = Library.open(sources_dir, refresh=False)
    assert [result.source.id for result in writer.add([note]) if result.source] == ["note"]
    # The deleted file is still in the index: removing it by name works and says so.
    assert [s.path.name for s in writer.remove(Path(VISIT).stem)] == [VISIT]
    assert "dropped" not in {s.id for s in writer.sources}
    reader = Library.open(sources_dir)
    assert {s.id for s in reader.sources} == {Path(PLEDGE).stem, "note", "dropped"}
    assert reader.ask("How many otters are in the Test river?").answered


def test_a_new_index_is_filled_from_the_folder_even_for_adding(sources_dir: Path):
    Library.open(sources_dir)
    rebuilt = Library.open(sources_dir, Settings(chunk_max_words=30), refresh=False)
    assert sorted(rebuilt.reread) == [PLEDGE, VISIT]
    assert [s.path.name for s in rebuilt.remove(Path(PLEDGE).stem)] == [PLEDGE]
