"""Adding sources from the UI: the dialogs, the child process's progress, the summary.

`Adding` is an invisible widget the app mounts once. It runs the add dialog (a path, then the
progress) as typed screens awaited in the app's worker, follows the child process through the messages
its thread posts (`AddProgressed`, `AddEnded`), shows the progress wherever an `IndexingStatus`
is on screen, and posts `SourcesChanged` when the add has committed sources.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message
from textual.widget import Widget

from qa.display import inert
from tui.indexing import AddEnded, AddProgressed, IndexingStatus, start_add, summary

if TYPE_CHECKING:
    from qa import Library
    from qa.background import BackgroundAdd

# While adding, whether a batch has landed is asked at most this often (seconds).
CHECK_EVERY = 1.0


class Adding(Widget):
    """The one add at a time: `dialog` asks for it, `start` runs it, `cancel` stops it."""

    DEFAULT_CSS = "Adding { display: none; }"

    class SourcesChanged(Message):
        """The add has committed sources (a batch, or its end): the lists should be read again."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.library: Library | None = None
        self.job: BackgroundAdd | None = None
        self.failure = ""  # why the last add failed at once, to show under its path
        self._generation: int | None = None
        self._checked_at = 0.0

    async def dialog(self) -> None:
        """The path dialog, then the add's progress; a path refused at once comes back with why.

        Awaits the screens' answers: call it in a worker.
        """
        from tui.dialogs import AddChoice, AddPathScreen, AddProgressScreen

        if self.library is None:
            return
        value, error, options = "", "", None
        while True:
            if self.job is None:
                request = await self.app.push_screen_wait(AddPathScreen(value, error, options))
                if request is None:
                    return
                self.start([request.path], link=request.link, hidden=request.hidden, ocr=request.ocr)
                value, options = str(request.path), request
            job = self.job
            assert job is not None
            choice = await self.app.push_screen_wait(AddProgressScreen(job.progress, job.cancelled))
            if choice is AddChoice.CANCEL:
                self.cancel()
            if choice is not AddChoice.ENDED or not self.failure:
                return
            error = self.failure

    def start(self, paths: Sequence[Path], link: bool = False, hidden: bool = False, ocr: bool = False) -> None:
        if self.library is not None and self.job is None:
            self._generation = self.library.generation
            self.job = start_add(self.library, paths, self, link=link, hidden=hidden, ocr=ocr)
            self._show()
            self.refresh_bindings()  # the sidebar's c cancels it

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self._show()
            self.refresh_bindings()

    def _show(self) -> None:
        """The progress in every `IndexingStatus` on screen, the sidebar's shown only while adding."""
        job = self.job
        for screen in self.app.screen_stack:
            for status in screen.query(IndexingStatus):
                if status.has_class("in-sidebar"):
                    status.display = job is not None
                status.show(job.progress if job else None, job is not None and job.cancelled)

    @on(AddProgressed)
    def progressed(self, message: AddProgressed) -> None:
        message.taken()
        if message.job is self.job:
            self._show()
            if time.monotonic() - self._checked_at > CHECK_EVERY:
                self._checked_at = time.monotonic()
                self._check_generation()

    @work(thread=True, exclusive=True, group="add-generation")
    def _check_generation(self) -> None:
        """Has the child committed a batch since the lists were read? (A thread: it asks SQLite.)"""
        assert self.library is not None
        generation = self.library.generation
        if generation != self._generation:
            self._generation = generation
            self.post_message(self.SourcesChanged())

    @on(AddEnded)
    def ended(self, ended: AddEnded) -> None:
        job, results, error = ended.job, ended.results, ended.error
        self.job = None
        self._show()
        self.refresh_bindings()
        message, failed = summary(results, job.cancelled, job.link) if error is None else (error, True)
        errors = [r.error for r in results if r.error]
        self.failure = (errors[0] if len(errors) == 1 else message) if failed and not job.cancelled else ""
        from tui.dialogs import AddChoice, AddProgressScreen

        dialog = self.app.screen if isinstance(self.app.screen, AddProgressScreen) else None
        if dialog is not None:
            dialog.dismiss(AddChoice.ENDED)
        if not (self.failure and dialog is not None):  # else said in the dialog, under the path
            self.notify(inert(message), title="Sources", severity="error" if failed else "information",
                        markup=False, timeout=8)
        self.post_message(self.SourcesChanged())

    def on_unmount(self) -> None:
        if self.job is not None:  # the child stops after the file in hand, keeping what it analysed
            self.job.cancel()
