"""Adding sources in the background (`qa.background`): its progress on screen, and the summary after."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widgets import Button, ProgressBar, Static

from qa.add_summary import add_summary
from qa.display import inert, plural
from tui.text import shown, size

if TYPE_CHECKING:
    from qa import Library
    from qa.background import BackgroundAdd
    from qa.models import AddProgress, AddResult

# How many reasons a summary names before it says "and N more".
REASONS_SHOWN = 2


class AddProgressed(Message):
    """Files of the add are done: show ``job.progress`` (sent from the thread that follows the
    child process, one at a time: `taken` lets the next one go)."""

    def __init__(self, job: BackgroundAdd, on_its_way: threading.Event) -> None:
        super().__init__()
        self.job = job
        self._on_its_way = on_its_way

    def taken(self) -> None:
        """Handled from here on: progress reported since comes in a new message (the handler
        reads the job's latest progress after this)."""
        self._on_its_way.clear()


class AddEnded(Message):
    """An add has ended: its results, or the one sentence saying why it failed."""

    def __init__(self, job: BackgroundAdd, results: list[AddResult], error: str | None) -> None:
        super().__init__()
        self.job = job
        self.results = results
        self.error = error


def start_add(library: Library, paths: Sequence[Path], listener: MessagePump, link: bool = False,
              hidden: bool = False, ocr: bool = False) -> BackgroundAdd:
    """Start adding ``paths`` in a child process (with `qa add`'s ``--link``, ``--hidden`` and
    ``--ocr``); ``listener`` gets `AddProgressed`, then `AddEnded`."""
    from qa.background import BackgroundAdd

    on_its_way = threading.Event()

    def progressed(_: AddProgress) -> None:
        # One message at a time, whatever the rate: a message per file (700 a second for small
        # files) kept the UI thread so busy that it stopped drawing and keys waited.
        if not on_its_way.is_set():
            on_its_way.set()
            listener.post_message(AddProgressed(job, on_its_way))

    job = BackgroundAdd(library.folder, library.settings, paths, link=link, hidden=hidden, ocr=ocr,
                        on_progress=progressed)
    # A daemon thread, not a worker: quitting must not wait for the child, which finishes
    # the file in hand and commits what it analysed on its own.
    threading.Thread(target=_follow, args=(job, listener), name="qa-add", daemon=True).start()
    return job


def _follow(job: BackgroundAdd, listener: MessagePump) -> None:
    """Follow the child process to its end (this thread only reads its lines)."""
    from qa.background import AddFailed

    try:
        listener.post_message(AddEnded(job, job.run(), None))
    except AddFailed as error:
        listener.post_message(AddEnded(job, [], inert(str(error))))


def describe(progress: AddProgress | None, between: str = " · ") -> str:
    """``12 of 200 files · 6% of 3.2 MB · report.txt``, its parts ``between`` (a line break in
    the narrow sidebar, where a wrapped line left a lone "·"). The share is of the bytes, as
    the bar's: a few big files can hold most of it ("418 of 420 files · 66%" read as wrong)."""
    if progress is None or progress.files_total == 0:
        return "Looking for files…"
    if progress.files_done == progress.files_total:
        return f"All {plural(progress.files_total, 'file')} read{between}saving them to the library…"
    parts = [f"{progress.files_done:,} of {plural(progress.files_total, 'file')}",
             f"{progress.bytes_done / progress.bytes_total:.0%} of {size(progress.bytes_total)}"
             if progress.bytes_total else f"{progress.files_done / progress.files_total:.0%}"]
    return between.join([*parts, inert(progress.current.name)] if progress.current else parts)


def summary(results: Sequence[AddResult], cancelled: bool, link: bool) -> tuple[str, bool]:
    """One message for a whole add, in the CLI's words, and whether it is bad news (nothing was
    added); ``link``: the add read its files in place (a folder's: followed, its hidden files
    never read)."""
    message = add_summary(results, link=link, reasons_shown=REASONS_SHOWN,
                          hidden_hint="" if link else "tick \"Include hidden files\" to add them")
    added = any(r.source is not None or r.duplicate_of for r in results)
    return f"Cancelled. {message}" if cancelled else message, not added


class IndexingStatus(Vertical):
    """A progress bar, files done, percentage and the current file, and a Cancel button (the sidebar's)."""

    class CancelPressed(Message):
        """The reader wants the add to stop."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[AddProgress | None, bool] | None = None

    def on_mount(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)

    def compose(self) -> ComposeResult:
        yield ProgressBar(show_eta=False, show_percentage=False)
        yield Static(classes="indexing-label")
        with Horizontal(classes="indexing-buttons"):
            yield Button("Cancel the add", variant="error", compact=True, classes="indexing-cancel")

    def show(self, progress: AddProgress | None, cancelling: bool) -> None:
        self._shown = (progress, cancelling)
        bars, labels, buttons = self.query(ProgressBar), self.query(".indexing-label"), self.query(Button)
        if not (bars and labels and buttons):  # a progress that came before it was built: shown on mount
            return
        bar = bars.first()
        if progress is not None and progress.files_total:
            bar.update(total=progress.bytes_total or progress.files_total,
                       progress=progress.bytes_done if progress.bytes_total else progress.files_done)
        narrow = self.has_class("in-sidebar")
        label = "Cancelling: finishing the files in hand…" if cancelling else describe(progress, "\n" if narrow else " · ")
        labels.first(Static).update(shown(label, multiline=narrow))  # the name made inert
        buttons.first().disabled = cancelling

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.CancelPressed())
