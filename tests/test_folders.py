"""Folders kept: a folder added keeps its structure in the library, and its sources are known
and cited by their paths; libraries of flat names made before open as they were."""

import os
import shutil
from pathlib import Path

import pytest

from qa import Library
from qa.display import source_labels
from qa.models import Source
from conftest import BUNDLED, PLEDGE, run_qa

BACKUP = "# Backup manual\n\n## Restoring a backup\n\nTo restore a backup, run the restore command with the archive name.\n"


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A folder as people keep them: subfolders, and the same file name in two of them."""
    root = tmp_path / "work" / "docs"
    (root / "manual").mkdir(parents=True)
    (root / "guide" / "deep").mkdir(parents=True)
    (root / "manual" / "backup.md").write_text(BACKUP)
    (root / "manual" / "index.md").write_text("# Introduction\n\nVolcanoes erupt with lava and ash.\n")
    (root / "guide" / "index.md").write_text("# Introduction\n\nPenguins swim in cold water near the shore.\n")
    (root / "guide" / "deep" / "notes.txt").write_text("Notes\n\nThe archive is kept for ninety days.\n")
    return root


def files_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and ".qa" not in p.relative_to(folder).parts)


def test_a_folder_added_keeps_its_paths_and_its_citations_show_them(docs: Path, tmp_path: Path):
    library = Library.open(tmp_path / "library", create=True)
    results = library.add([docs])
    assert all(result.source and result.name_taken is None for result in results)
    assert files_in(library.folder) == ["docs/guide/deep/notes.txt", "docs/guide/index.md",
                                        "docs/manual/backup.md", "docs/manual/index.md"]
    assert sorted(source.id for source in library.sources) == files_in(library.folder)
    answer = Library.open(library.folder).ask("How do I restore a backup?")
    [citation] = answer.citations
    assert citation.source == "docs/manual/backup.md"
    assert citation.place.startswith("docs/manual/backup.md › ")
    assert "Restoring a backup" in citation.place
    assert (docs / "manual" / "backup.md").read_text() == BACKUP, "the original is untouched"


def test_the_cli_cites_and_lists_the_paths(docs: Path, tmp_path: Path):
    library = tmp_path / "library"
    assert run_qa("add", str(docs), "--sources", str(library)).returncode == 0
    asked = run_qa("ask", "How do I restore a backup?", "--sources", str(library))
    assert "[1] docs/manual/backup.md › " in asked.stdout
    listed = run_qa("sources", "guide/", "--sources", str(library)).stdout
    assert "docs/guide/index.md" in listed and "docs/guide/deep/notes.txt" in listed
    assert "docs/manual" not in listed
    text = run_qa("text", "docs/guide/deep/*", "--sources", str(library)).stdout
    assert "ninety days" in text


def test_adding_a_folder_again_adds_only_what_is_new_and_says_what_it_renamed(docs: Path, tmp_path: Path):
    library = Library.open(tmp_path / "library", create=True)
    library.add([docs])
    (docs / "manual" / "restore.md").write_text("Restoring\n\nA restore takes about an hour.\n")
    (docs / "manual" / "index.md").write_text("# Introduction\n\nGeysers spout hot water.\n")  # edited
    results = {result.path: result for result in library.add([docs])}
    assert results[docs / "guide" / "index.md"].duplicate_of == "docs/guide/index.md"
    assert results[docs / "manual" / "restore.md"].source.id == "docs/manual/restore.md"
    edited = results[docs / "manual" / "index.md"]
    assert edited.source.id == "docs/manual/index-2.md" and edited.name_taken == "docs/manual/index.md"
    (docs / "guide" / "index.md").write_text("# Introduction\n\nPenguins dive deep.\n")
    out = run_qa("add", str(docs), "--sources", str(library.folder)).stdout
    assert "Added 1 source" in out and "4 already there" in out
    assert "1 file renamed, its path was taken (docs/guide/index-2.md)" in out


def test_removing_a_source_removes_the_folders_it_leaves_empty_and_nothing_else(docs: Path, tmp_path: Path):
    library = Library.open(tmp_path / "library", create=True)
    library.add([docs])
    library.remove(["docs/guide/deep/notes.txt"])
    assert not (library.folder / "docs" / "guide" / "deep").exists()
    assert (library.folder / "docs" / "guide" / "index.md").exists()
    assert run_qa("remove", "--yes", "docs/*", "--sources", str(library.folder)).returncode == 0
    assert not (library.folder / "docs").exists()
    assert library.folder.is_dir() and (library.folder / ".qa").is_dir()
    assert files_in(docs) == ["guide/deep/notes.txt", "guide/index.md", "manual/backup.md", "manual/index.md"]


def test_a_flat_library_of_the_previous_version_opens_as_it_was(tmp_path: Path):
    # What the previous version made of two folders' index.md: one flat folder, renamed files.
    folder = tmp_path / "library"
    folder.mkdir()
    shutil.copy2(BUNDLED / PLEDGE, folder / PLEDGE)
    (folder / "index.md").write_text("# Introduction\n\nPenguins swim in cold water near the shore.\n")
    (folder / "index-2.md").write_text("# Introduction\n\nVolcanoes erupt with lava and ash.\n")
    before = {name: (folder / name).read_bytes() for name in files_in(folder)}
    first = Library.open(folder)
    assert sorted(source.id for source in first.sources) == sorted(["index", "index-2", Path(PLEDGE).stem])
    again = Library.open(folder)
    assert again.reread == [], "nothing is read again"
    assert {name: (folder / name).read_bytes() for name in files_in(folder)} == before, "nothing renamed or lost"
    answer = again.ask("Where do penguins swim?")
    assert answer.answered and answer.citations[0].source == "index"
    assert answer.citations[0].place.startswith("Introduction")


def test_a_library_moved_elsewhere_opens_without_reading_its_files_again(docs: Path, tmp_path: Path):
    library = Library.open(tmp_path / "library", create=True)
    library.add([docs])
    moved = tmp_path / "elsewhere" / "library"
    shutil.copytree(library.folder, moved, symlinks=True)  # new inodes, as a copy to another disk makes
    reopened = Library.open(moved)
    assert reopened.reread == []
    answer = reopened.ask("How do I restore a backup?")
    assert answer.citations[0].path == moved / "docs" / "manual" / "backup.md"


def source(id_: str, title: str) -> Source:
    return Source(id=id_, title=title, path=Path("/lib") / id_, paragraphs=1, chunks=1, sha256="")


def test_lists_show_titles_and_the_path_where_titles_repeat_or_are_missing():
    labels = source_labels([source("docs/guide/index.md", "Introduction"),
                            source("docs/manual/index.md", "introduction"),
                            source("docs/manual/backup.md", "Backup manual"),
                            source("notes", " ")])
    assert labels == {"docs/guide/index.md": "docs/guide/index.md", "docs/manual/index.md": "docs/manual/index.md",
                      "docs/manual/backup.md": "Backup manual", "notes": "notes"}


PREVIOUS_VERSION = "791718c"  # main before folders were kept: every source at the top, renamed on a clash


def test_a_library_built_by_the_previous_version_keeps_its_names_and_ids(tmp_path: Path):
    """The previous version's own code builds the library (from git history), this one opens it."""
    import subprocess
    import sys

    from conftest import REPO

    old = tmp_path / "previous"
    old.mkdir()
    try:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", PREVIOUS_VERSION, "qa"],
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("the repository's history is not here")
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
    given = tmp_path / "given"
    for place in ("guide", "manual"):
        (given / place).mkdir(parents=True)
        (given / place / "index.md").write_text(f"# Introduction\n\nThe {place} tells where penguins swim.\n")
    folder = tmp_path / "library"
    build = ("import sys; from pathlib import Path; from qa import Library; "
             "Library.open(Path(sys.argv[1]), create=True).add([Path(sys.argv[2])])")
    subprocess.run([sys.executable, "-c", build, str(folder), str(given)], check=True, cwd=old,  # its qa first
                   env={**os.environ, "PYTHONPATH": str(old)}, capture_output=True)
    before = {name: (folder / name).read_bytes() for name in files_in(folder)}
    assert sorted(before) == ["index-2.md", "index.md"], "the previous version made it flat"
    library = Library.open(folder)
    assert sorted(source.id for source in library.sources) == ["index", "index-2"]
    # Its index is kept, unless the analysis changed since (then every index is made again).
    import re

    from qa.settings import ANALYSIS_VERSION
    previous_analysis = re.search(r"ANALYSIS_VERSION = (\d+)", (old / "qa/settings.py").read_text()).group(1)
    if int(previous_analysis) == ANALYSIS_VERSION:
        assert library.reread == [], "its index is kept: nothing is read again"
    else:
        assert sorted(library.reread) == ["index-2.md", "index.md"], "read again under their own names"
    assert {name: (folder / name).read_bytes() for name in files_in(folder)} == before
    assert library.ask("Where do penguins swim?").answered


async def test_the_browser_tells_apart_sources_whose_titles_repeat_even_when_filtered(docs: Path, tmp_path: Path):
    from tests.tui_pilot import make_app, ready, wait_until
    from tui.browser import SourcesScreen
    from tui.source_list import SourceList

    library = Library.open(tmp_path / "library", create=True)
    library.add([docs])
    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), "the browser")
        listing = app.screen.query_one(SourceList)
        await wait_until(pilot, lambda: len(listing.rows) == 4, "the sources listed")
        await pilot.press(*"manual/index")  # the filter matches paths; one row left, its label kept
        await wait_until(pilot, lambda: len(listing.rows) == 1, "the filter")
        assert listing.render_line(0).text.split()[0] == "docs/manual/index.md"
        await pilot.press(*["backspace"] * len("manual/index"), *"backup")
        await wait_until(pilot, lambda: len(listing.rows) == 1 and listing.rows[0].id == "docs/manual/backup.md",
                         "a unique title")
        assert listing.render_line(0).text.split()[:2] == ["Backup", "manual"]


def test_a_folder_that_holds_the_library_is_added_without_it(tmp_path: Path):
    """A library kept inside the folder it indexes (~/notes/.../library): adding the folder, or
    adding it again, reads neither the library's copies nor its index."""
    notes = tmp_path / "notes"
    (notes / "library").mkdir(parents=True)
    (notes / "kiwi.md").write_text("# Kiwi\n\nKiwis lay the largest eggs for their size.\n")
    library = Library.open(notes / "library", create=True)
    library.add([notes])
    again = run_qa("add", str(notes), "--sources", str(notes / "library"))
    assert again.returncode == 0, again.stderr
    assert "already in the sources as notes/kiwi.md" in again.stdout  # one file, said once
    assert "hidden" not in again.stdout  # the library's index is not the user's hidden files
    assert files_in(notes / "library") == ["notes/kiwi.md"]
    inside = run_qa("add", str(notes / "library"), "--sources", str(notes / "library"))
    assert inside.returncode == 1 and inside.stderr.strip() == f"qa: {notes / 'library'} is inside the library already."


def test_naming_a_folder_of_the_library_says_how_to_name_its_sources(docs: Path, tmp_path: Path):
    library = Library.open(tmp_path / "library", create=True)
    library.add([docs])
    run = run_qa("remove", "docs", "--sources", str(library.folder))
    assert run.returncode == 1
    assert run.stderr.strip() == "qa: 'docs' is a folder of the library, not a source: 'docs/*' names the sources in it."
    assert len(library.sources) == 4  # nothing removed
    assert "'docs/*' names" not in run_qa("remove", ".qa", "--sources", str(library.folder)).stderr


def test_a_broken_link_in_a_folder_added_is_reported_not_lost(docs: Path, tmp_path: Path):
    (docs / "manual" / "moved.md").symlink_to(tmp_path / "gone" / "moved.md")
    (docs / "manual" / "libfoo.so").symlink_to(tmp_path / "gone" / "libfoo.so")  # another format: counted
    library = Library.open(tmp_path / "library", create=True)
    results = {result.path.name: result for result in library.add([docs])}
    assert "broken link" in results["moved.md"].error
    assert results["libfoo.so"].unsupported and results["libfoo.so"].error is None
    assert len(library.sources) == 4
