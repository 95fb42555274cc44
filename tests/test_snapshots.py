"""What a person sees, pinned as SVG snapshots (update with `pytest --snapshot-update`)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bench.documents import paragraphs, report_pdf
from qa import Library, Settings
from qa import history as saved
from tests.tui_pilot import gated_add, make_app, many_sources, wait_until
from tui.app import QaApp
from tui.browser import SourcesScreen
from tui.viewer import PassageScreen
from tui.widgets import AnswerView, QuestionInput

SMALL, LARGE = (80, 24), (120, 40)


@pytest.fixture
def app(library: Library, tmp_path: Path) -> QaApp:
    return make_app(library, tmp_path)


async def opened(pilot) -> None:
    await wait_until(pilot, lambda: pilot.app.library is not None, "the library to open")


async def ask(pilot, question: str) -> None:
    await opened(pilot)
    pilot.app.query_one(QuestionInput).value = question
    await pilot.press("enter")
    await wait_until(pilot, lambda: pilot.app.query(AnswerView), "the answer")


async def open_citation(pilot, n: int) -> None:
    """Open citation [n] of the answer (as its key does, without the focus ring: the ring under
    the viewer is redrawn at a moment that varies), then wait until the viewer's text is read,
    laid out, its passage marked and scrolled to, and drawn."""
    answer = pilot.app.query_one(AnswerView).answer
    pilot.app.open_citation(answer, answer.citations[n - 1])
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, PassageScreen) and pilot.app.screen.ready,
                     "the viewer's text")
    await pilot.wait_for_scheduled_animations()
    await pilot.pause(0.2)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_start_up_while_the_library_opens(snap_compare, library: Library, tmp_path: Path, size):
    gate = threading.Event()
    app = make_app(lambda: gate.wait(10) and library, tmp_path)
    leave = app.exit

    def release_then_exit(*args, **kwargs):  # after the snapshot: let the opening worker finish
        gate.set()
        return leave(*args, **kwargs)

    app.exit = release_then_exit
    try:
        assert snap_compare(app, terminal_size=size, press=[*"How many officers"])
    finally:
        gate.set()


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_indexing_progress(snap_compare, app: QaApp, library: Library, tmp_path: Path, size, monkeypatch):
    gate, reported = threading.Event(), threading.Event()
    monkeypatch.setattr("qa.background.BackgroundAdd", gated_add(gate, reported))

    async def run_before(pilot) -> None:
        await opened(pilot)
        app.adding.start([tmp_path])
        await wait_until(pilot, lambda: app.adding.job is not None and app.adding.job.progress is not None, "progress")

    try:
        assert snap_compare(app, terminal_size=size, run_before=run_before)
    finally:
        gate.set()


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_sources_browser_filtered(snap_compare, app: QaApp, size):
    async def run_before(pilot) -> None:
        await opened(pilot)
        browser = SourcesScreen(many_sources(10_000))
        app.push_screen(browser)
        await wait_until(pilot, lambda: app.screen is browser, "the browser")
        await pilot.press(*"number 12", "down", "tab")
        # Under load a key can arrive before the focus has moved: mark only once it has.
        await wait_until(pilot, lambda: app.focused is browser.listing, "the list to have focus")
        await pilot.press("space")
        await wait_until(pilot, lambda: len(browser.listing.marked) == 1, "the mark")

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_conversation_restored(snap_compare, app: QaApp, library: Library, size):
    answers = [library.ask("How many officers has Kenya pledged to send?"),
               library.ask("How many people have been displaced?")]
    saved.save(library.folder, saved.History(questions=[a.question for a in answers], answers=answers))

    async def run_before(pilot) -> None:
        await opened(pilot)
        await wait_until(pilot, lambda: len(pilot.app.query(AnswerView)) == 2, "the restored answers")
        # No answer is focused here: focus scrolls with an animation that can rest a row apart
        # from run to run (the focus ring has its own Pilot test).
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_answered_question(snap_compare, app: QaApp):
    async def run_before(pilot) -> None:
        await pilot.press("ctrl+b")
        await ask(pilot, "How many people have been displaced?")

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_passage_viewer(snap_compare, app: QaApp):
    async def run_before(pilot) -> None:
        await ask(pilot, "How many people have been displaced?")
        await open_citation(pilot, 2)

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


@pytest.fixture
def pdf_library(tmp_path: Path) -> Library:
    """A typeset report whose survey section starts on page 2."""
    incoming, folder = tmp_path / "incoming", tmp_path / "sources"
    incoming.mkdir()
    folder.mkdir()
    (incoming / "report.pdf").write_bytes(report_pdf(
        [("Summary", paragraphs(8, seed=4)),
         ("Spawning survey", [*paragraphs(6, seed=5), "The Kennet survey counted 412 spawning redds in November."])],
        title="River report"))
    library = Library.open(folder, Settings())
    library.add([incoming])
    return library


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_passage_viewer_on_a_pdf_page(snap_compare, pdf_library: Library, tmp_path: Path, size):
    async def run_before(pilot) -> None:
        await ask(pilot, "How many spawning redds did the Kennet survey count?")
        await open_citation(pilot, 1)

    app = make_app(pdf_library, tmp_path)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_help_screen(snap_compare, app: QaApp):
    assert snap_compare(app, terminal_size=SMALL, press=["f1"])


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_sidebar_with_a_followed_and_a_nested_folder(snap_compare, library: Library, tmp_path: Path, size):
    docs, notes = tmp_path / "docs", tmp_path / "notes"
    (docs / "manual").mkdir(parents=True)
    (docs / "manual" / "README.md").write_text("Backups run every night at two.\n")
    (notes / "work").mkdir(parents=True)
    (notes / "garden.txt").write_text("Garden diary\n\nThe tomatoes were planted in May.\n")
    (notes / "work" / "README.md").write_text("The laptop is backed up every Friday.\n")
    library.add([docs])
    library.add([notes], link=True)
    app = make_app(library, tmp_path)

    async def run_before(pilot) -> None:
        await opened(pilot)
        await wait_until(pilot, lambda: len(app.query_one(".panel-list").rows) == 5, "the sidebar")
        await pilot.press("shift+tab", "down", "down", "down")  # the sidebar's list, on a followed source
        await wait_until(pilot, lambda: app.query_one(".panel-list").current.followed, "a followed source")

    assert snap_compare(app, terminal_size=size, run_before=run_before)
