"""Folders followed: `qa add --link FOLDER` indexes a folder where it is and keeps it in sync;
qa never writes or deletes anything in it."""

import os
from pathlib import Path

import pytest

from qa import Library
from conftest import run_qa


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    (folder / "trips").mkdir(parents=True)
    (folder / "kettle.txt").write_text("Kettles\n\nThe kettle boils water in three minutes.\n")
    (folder / "trips" / "train.md").write_text("# Trains\n\nThe night train leaves at nine.\n")
    return folder


@pytest.fixture
def library(notes: Path, tmp_path: Path) -> Library:
    library = Library.open(tmp_path / "library", create=True)
    results = library.add([notes], link=True)
    assert sorted(result.source.id for result in results) == ["notes/kettle.txt", "notes/trips/train.md"]
    return library


def test_a_followed_folder_is_read_in_place_not_copied(library: Library, notes: Path):
    assert (library.folder / "notes").is_symlink()
    assert [(f.name, f.path, f.sources) for f in library.followed()] == [("notes", notes.resolve(), 2)]
    assert all(source.followed == "notes" for source in library.sources)
    answer = library.ask("When does the night train leave?")
    assert answer.citations[0].source == "notes/trips/train.md"


def test_a_followed_folder_picks_up_a_new_an_edited_and_a_deleted_file(library: Library, notes: Path):
    (notes / "trips" / "ferry.txt").write_text("Ferries\n\nThe ferry sails at noon.\n")
    (notes / "kettle.txt").write_text("Kettles\n\nThe kettle boils water in five minutes.\n")
    (notes / "trips" / "train.md").unlink()
    again = Library.open(library.folder)  # the next question opens it so
    assert sorted(again.reread) == ["notes/kettle.txt", "notes/trips/ferry.txt"]
    assert sorted(source.id for source in again.sources) == ["notes/kettle.txt", "notes/trips/ferry.txt"]
    assert "five minutes" in again.ask("How long does the kettle take to boil?").quotes[0].text
    assert "noon" in again.ask("When does the ferry sail?").quotes[0].text
    assert not again.ask("When does the night train leave?").answered


def test_qa_sync_says_what_changed(library: Library, notes: Path):
    (notes / "boat.md").write_text("# Boats\n\nThe boat is red.\n")
    (notes / "kettle.txt").unlink()
    out = run_qa("sync", "--sources", str(library.folder)).stdout
    assert out.strip() == "1 file read (new or changed), 1 source dropped (its file is gone); 2 sources."
    assert run_qa("sync", "--sources", str(library.folder)).stdout.strip() == "Nothing changed; 2 sources."


def test_removing_a_followed_folder_removes_its_sources_and_never_its_files(library: Library, notes: Path):
    before = tree(notes)
    listed = run_qa("sources", "--sources", str(library.folder)).stdout
    assert f"notes → {notes.resolve()}: 2 sources" in listed
    removed = run_qa("remove", "notes", "--sources", str(library.folder))
    assert removed.returncode == 0 and "Stopped following" in removed.stdout and "untouched" in removed.stdout
    assert tree(notes) == before
    assert not os.path.lexists(library.folder / "notes")
    assert Library.open(library.folder).sources == []


def test_remove_all_from_a_followed_folder_stops_following_it(library: Library, notes: Path):
    before = tree(notes)
    removed = run_qa("remove", "--all-from", str(notes), "--sources", str(library.folder))
    assert removed.returncode == 0 and "Stopped following" in removed.stdout
    assert tree(notes) == before and Library.open(library.folder).sources == []


def test_a_source_in_a_followed_folder_is_never_deleted(library: Library, notes: Path):
    before = tree(notes)
    alone = run_qa("remove", "notes/kettle.txt", "--sources", str(library.folder))
    assert alone.returncode != 0 and "followed folder notes" in alone.stderr and "Traceback" not in alone.stderr
    swept = run_qa("remove", "--yes", "*kettle*", "--sources", str(library.folder))
    assert "left as they are" in swept.stdout
    assert tree(notes) == before
    assert len(Library.open(library.folder).sources) == 2


def test_a_copied_folder_of_the_same_name_goes_beside_a_followed_one(library: Library, tmp_path: Path, notes: Path):
    other = tmp_path / "elsewhere" / "notes"
    other.mkdir(parents=True)
    (other / "hats.txt").write_text("Hats\n\nThe shop sold seven hats.\n")
    before = tree(notes)
    [result] = library.add([other])
    assert result.source.id == "notes-2/hats.txt"
    assert tree(notes) == before


def test_following_twice_or_a_folder_inside_the_library_changes_nothing(library: Library, notes: Path):
    [again] = library.add([notes], link=True)
    assert again.duplicate_of == "notes"
    (library.folder / "mine").mkdir()
    (library.folder / "mine" / "a.txt").write_text("A\n\nAn apple.\n")
    [inside] = library.add([library.folder / "mine"], link=True)
    assert inside.error and "inside the library" in inside.error
    assert [f.name for f in library.followed()] == ["notes"]


def test_a_link_back_up_inside_a_followed_folder_is_read_once(library: Library, notes: Path):
    (notes / "trips" / "up").symlink_to(notes, target_is_directory=True)
    (notes / "library").symlink_to(library.folder, target_is_directory=True)
    again = Library.open(library.folder)
    assert sorted(source.id for source in again.sources) == ["notes/kettle.txt", "notes/trips/train.md"]


def test_a_followed_folder_that_goes_away_comes_back_with_its_sources(library: Library, notes: Path):
    hidden = notes.with_name("away")
    notes.rename(hidden)
    gone = Library.open(library.folder)
    assert gone.sources == [] and gone.followed()[0].present is False
    assert "gone" in run_qa("sources", "--sources", str(library.folder)).stdout
    hidden.rename(notes)
    assert len(Library.open(library.folder).sources) == 2


async def test_the_ui_picks_up_a_followed_folders_changes_while_it_runs(library: Library, notes: Path,
                                                                          tmp_path: Path, monkeypatch):
    from textual.widgets import Static

    import tui.sidebar
    from tests.tui_pilot import make_app, ready, wait_until
    from tui.source_list import SourceList

    monkeypatch.setattr(tui.sidebar, "FOLLOW_EVERY", 0.2)
    (notes / "trips" / "ferry.txt").write_text("Ferries\n\nThe ferry sails at noon.\n")  # two the same title:
    (notes / "ferries.txt").write_text("Ferries\n\nThe ferry is blue.\n")  # told apart by their paths
    app = make_app(library, tmp_path)
    async with app.run_test() as pilot:
        await ready(app, pilot)
        listing = app.query_one(".panel-list", SourceList)
        await wait_until(pilot, lambda: len(listing.rows) == 4, "the new files in the sidebar")
        assert sorted(listing.labels.values()) == ["Kettles", "Trains", "notes/ferries.txt", "notes/trips/ferry.txt"]
        (notes / "kettle.txt").unlink()
        await wait_until(pilot, lambda: len(listing.rows) == 3, "the deleted file gone from the sidebar")
        assert "Sources (3)" in str(app.query_one(".panel-title", Static).render())


def test_a_followed_file_is_found_by_its_own_path(library: Library, notes: Path):
    text = run_qa("text", str(notes / "trips" / "train.md"), "--sources", str(library.folder))
    assert text.returncode == 0 and "night train" in text.stdout
    refused = run_qa("remove", str(notes / "kettle.txt"), "--sources", str(library.folder))
    assert refused.returncode != 0 and "followed folder notes" in refused.stderr
    assert (notes / "kettle.txt").exists()


def test_qa_sync_says_a_followed_folder_is_gone(library: Library, notes: Path):
    notes.rename(notes.with_name("notes-unmounted"))
    out = run_qa("sync", "--sources", str(library.folder)).stdout
    assert out.strip().splitlines() == [
        "2 sources dropped (their files are gone); 0 sources.",
        f"The followed folder notes ({notes.resolve()}) is gone (moved or unmounted); its sources come back with it."]
    notes.with_name("notes-unmounted").rename(notes)
    assert run_qa("sync", "--sources", str(library.folder)).stdout.strip() == \
        "2 files read (new or changed); 2 sources."


def test_a_bad_file_in_a_followed_folder_is_named_by_its_path_in_one_sentence(library: Library, notes: Path):
    (notes / "trips" / "empty.txt").write_text("")
    (notes / "trips" / "broken.pdf").write_bytes(b"%PDF-1.4 torn off here")
    run = run_qa("sync", "--sources", str(library.folder))
    assert run.returncode == 0
    assert sorted(run.stderr.strip().splitlines()) == [
        "qa: warning: Skipped notes/trips/broken.pdf: it cannot be read as a PDF; it may be damaged.",
        "qa: warning: Skipped notes/trips/empty.txt: it is empty."]


def test_following_a_folder_with_a_bad_file_says_so_once(notes: Path, tmp_path: Path):
    (notes / "empty.txt").write_text("")
    run = run_qa("add", "--link", str(notes), "--sources", str(tmp_path / "library"))
    assert run.returncode == 1
    assert run.stdout.strip() == "Following notes: 2 sources (2 chunks), 1 could not be added."
    assert run.stderr.strip().splitlines() == ["qa: empty.txt is empty."]


def test_qa_sync_counts_a_source_whose_changed_file_cannot_be_read(library: Library, notes: Path):
    (notes / "kettle.txt").write_text("")  # saved empty by an editor, mid-edit
    run = run_qa("sync", "--sources", str(library.folder))
    assert run.stdout.strip() == "1 source dropped (its file changed and cannot be read); 1 source."
    assert run.stderr.strip() == "qa: warning: Skipped notes/kettle.txt: it is empty."


def test_a_bad_file_is_said_once_and_read_again_only_when_it_changes(library: Library, notes: Path):
    (notes / "trips" / "broken.pdf").write_bytes(b"%PDF-1.4 torn off here")
    said = "qa: warning: Skipped notes/trips/broken.pdf: it cannot be read as a PDF; it may be damaged."
    assert run_qa("ask", "When does the night train leave?", "--sources", str(library.folder)).stderr.strip() == said
    for command in (["ask", "When does the night train leave?"], ["sources"], ["sync"]):
        assert run_qa(*command, "--sources", str(library.folder)).stderr.strip() == "", command
    (notes / "trips" / "broken.pdf").write_bytes(b"%PDF-1.4 torn off again, and longer")
    assert run_qa("sync", "--sources", str(library.folder)).stderr.strip() == said
