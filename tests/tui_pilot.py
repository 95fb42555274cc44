"""Driving the terminal UI in tests: the real app over a real library, and waiting for workers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from textual.widgets import Static

from qa import Library
from qa.background import BackgroundAdd
from qa.models import AddProgress, AddResult, Source
from tui.app import QaApp
from tui.widgets import AnswerView, QuestionInput


def make_app(library: Library, export_dir: Path) -> QaApp:
    return QaApp(library.folder, lambda: library, export_dir=export_dir, cursor_blink=False)


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


def rendered(widget: Static) -> str:
    return str(widget.render())


def notifications(app: QaApp) -> list[str]:
    return [notification.message for notification in app._notifications]


def gated_add(gate: threading.Event, reported: threading.Event) -> type[BackgroundAdd]:
    """A `BackgroundAdd` that reports one file done, then waits for ``gate`` (or a cancel) before
    its real child process runs: put in place of the app's with monkeypatch."""

    class GatedAdd(BackgroundAdd):
        def run(self) -> list[AddResult]:
            self.progress = AddProgress(files_done=1, files_total=3, bytes_done=100, bytes_total=400,
                                        current=Path("second-report.txt"))
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
