"""Driving the terminal UI in tests: the real app over a real library, and waiting for workers."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual.widgets import Static

from qa import Library
from qa.background import BackgroundAdd
from qa.models import AddProgress, AddResult, Source
from tui.app import QaApp, build
from tui.passage_text import PassageText
from tui.viewer import PassageScreen
from tui.widgets import AnswerView, QuestionInput


def make_app(library: Library | Callable[[], Library], export_dir: Path) -> QaApp:
    """The app as `qa` builds it, over ``library`` (or what a slow opener returns), writing
    exports and preferences under ``export_dir``."""
    opener = library if callable(library) else lambda: library
    return build(opener, export_dir=export_dir, preferences_path=export_dir / "preferences.json",
                 cursor_blink=False)


async def wait_until(pilot, condition, what: str) -> None:
    """Let the app run until ``condition()`` holds (workers answer on their own time)."""
    for _ in range(250):
        await pilot.pause(0.02)
        if condition():
            await pilot.pause()
            return
    raise AssertionError(f"timed out waiting for {what}")


async def ready(app: QaApp, pilot) -> None:
    await wait_until(pilot, lambda: app.library is not None, "the library to open")


async def wait_for_answers(app: QaApp, pilot, count: int) -> list[AnswerView]:
    await wait_until(pilot, lambda: len(app.query(AnswerView)) >= count, f"answer #{count}")
    return list(app.query(AnswerView))


async def ask(app: QaApp, pilot, question: str) -> AnswerView:
    expected = len(app.query(AnswerView)) + 1
    app.query_one(QuestionInput).value = question
    await pilot.press("enter")
    return (await wait_for_answers(app, pilot, expected))[-1]


def rendered(widget: Static, width: int = 100) -> str:
    """The widget's text; a table or group of them laid out ``width`` cells wide (rows joined by
    newlines, without trailing spaces)."""
    content = widget.content
    if isinstance(content, (str, Text)):
        return str(content)
    console = Console(width=width, color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(content)
    return "\n".join(row.rstrip() for row in capture.get().splitlines())


def viewer(app: QaApp) -> PassageText:
    assert isinstance(app.screen, PassageScreen), app.screen
    return app.screen.query_one(PassageText)


async def open_viewer(app: QaApp, pilot, *keys: str) -> PassageText:
    """Press ``keys`` (that open the viewer) and wait for its text to be laid out and marked."""
    await pilot.press(*keys)
    await wait_until(pilot, lambda: isinstance(app.screen, PassageScreen) and app.screen.ready, "the viewer's text")
    text = viewer(app)
    if text.cited is not None:  # scrolled to after the next refresh
        await wait_until(pilot, lambda: cited(text), "the cited passage on screen")
    return text


def on_screen(text: PassageText) -> list[str]:
    """The viewer's rows as shown."""
    return [text.render_line(y).text for y in range(text.scrollable_content_region.height)]


def cited(text: PassageText) -> str:
    """The rows of the cited paragraph on screen (marked ▌), joined."""
    return "".join(row[2:] for row in on_screen(text) if row.startswith("▌")).strip()


def styled(text: PassageText, attribute: str) -> list[str]:
    """Runs of text on screen drawn with ``attribute`` (reverse: the quotes; underline: the current match)."""
    runs: list[str] = []
    for y in range(text.scrollable_content_region.height):
        for segment in text.render_line(y):
            if segment.style is not None and getattr(segment.style, attribute) and segment.text.strip():
                runs.append(segment.text)
    return runs


def notifications(app: QaApp) -> list[str]:
    return [notification.message for notification in app._notifications]


def gated_add(gate: threading.Event, reported: threading.Event) -> type[BackgroundAdd]:
    """A `BackgroundAdd` that reports one file done, then waits for ``gate`` (or a cancel) before
    its real child process runs: put in place of the app's with monkeypatch."""

    class GatedAdd(BackgroundAdd):
        def run(self) -> list[AddResult]:
            self.progressed(AddProgress(files_done=1, files_total=3, bytes_done=100, bytes_total=400,
                                        current=Path("second-report.txt")))
            reported.set()
            while not gate.wait(0.01):
                if self.cancelled:
                    return []
            return super().run()

    return GatedAdd


@contextmanager
def another_writer(folder: Path) -> Iterator[None]:
    """Another writer holds the library's writer lock (an add whose progress waits) until the end."""
    holding, release = threading.Event(), threading.Event()

    def wait_in_progress(progress: AddProgress) -> None:
        holding.set()
        release.wait(10)

    note = folder.parent / "other-writer.txt"
    note.write_text("Another writer\n\nThis file is added by another writer.\n")
    writer = threading.Thread(target=lambda: Library.open(folder).add([note], progress=wait_in_progress))
    writer.start()
    holding.wait(10)
    try:
        yield
    finally:
        release.set()
        writer.join()


def many_sources(count: int) -> list[Source]:
    return [Source(id=f"report-{n}", title=f"Quarterly report number {n}", path=Path(f"/lib/report-{n}.txt"),
                   paragraphs=3, chunks=n % 40, sha256="0" * 64, format="txt", size=1000 + n)
            for n in range(count)]


@asynccontextmanager
async def with_a_held_add(library: Library, tmp_path: Path, monkeypatch) -> AsyncIterator[tuple[QaApp, object]]:
    """The app, its library open, where an add of ``tmp_path`` (started by the test) reports one
    file and then waits until it is cancelled or the test ends."""
    gate, reported = threading.Event(), threading.Event()
    monkeypatch.setattr("qa.background.BackgroundAdd", gated_add(gate, reported))
    app = make_app(library, tmp_path)
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await ready(app, pilot)
            yield app, pilot
    finally:
        gate.set()


async def open_the_add_s_progress(app: QaApp, pilot) -> None:
    """Start the held add and open its progress dialog (ctrl+o), Hide focused."""
    from tui.dialogs import AddProgressScreen

    app.adding.start([app.export_dir])
    await pilot.press("ctrl+o")
    await wait_until(pilot, lambda: isinstance(app.screen, AddProgressScreen), "the progress dialog")
