"""The chat: its pane, its keys, the questions waiting their turn, clearing with an undo.

`Conversation` is the main pane: the transcript with the sources beside it, the find bar and the
question box; the viewer and the browser (`tui.reading`) answer to it. Its keys (ask alone, did
you mean, all sources, find, clear and undo, export, copy, scroll) are its own bindings, so they
work wherever the focus is in it, the sidebar included, and its `check_action` shows each in the
footer only while it applies.

It answers one question at a time, in a worker thread, so answers arrive in the order asked;
questions asked before the library is open wait for it. It saves itself with the question
history (`qa.history`) after each change.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input

from qa.display import describe_os_error, inert
from tui.finder import FindBar
from tui.reading import Reading
from tui.sidebar import SourcesPanel
from tui.transcript import Transcript
from tui.widgets import AskAgain, QuestionInput

if TYPE_CHECKING:
    from qa import Library, history
    from qa.models import Answer, Source
    from tui.source_list import SourceList


@dataclass(frozen=True)
class Exchange:
    """An answer and the titles of the sources it was asked within (none: all of them)."""

    answer: Answer
    within: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    text: str
    previous: tuple[str, ...]
    within: tuple[Source, ...]


# How long the "ctrl+z brings it back" toast stays.
CLEARED_TOAST_SECONDS = 8.0


class Conversation(Vertical):
    """Owns the exchanges shown, the queue of questions, the sources they are asked within, and
    what ctrl+l cleared."""

    BINDINGS = [
        Binding("ctrl+f", "find", "Find", tooltip="find in the conversation (enter or up/down: next match)"),
        Binding("ctrl+g", "ask_last_alone", "Ask alone", tooltip="ask the last question again, not as a follow-up"),
        Binding("ctrl+t", "ask_corrected", "Did you mean",
                tooltip="ask the last question as \"Did you mean\" spells it"),
        Binding("escape", "ask_everywhere", "All sources", tooltip="after \"ask within\": ask all sources again"),
        Binding("ctrl+z", "undo_clear", "Undo clear", tooltip="bring back the conversation ctrl+l cleared"),
        Binding("ctrl+s", "export", "Export", show=False, tooltip="export the conversation to a Markdown file"),
        Binding("ctrl+y", "copy_last", "Copy last answer", show=False, tooltip="copy the last answer (Markdown)"),
        Binding("ctrl+l", "clear", "Clear", show=False, tooltip="clear the conversation (ctrl+z brings it back)"),
        Binding("pageup", "scroll_page(-1)", "Scroll up", show=False, tooltip="scroll the conversation"),
        Binding("pagedown", "scroll_page(1)", "Scroll down", show=False, tooltip="scroll the conversation"),
    ]

    def __init__(self, export_dir: Path, **kwargs) -> None:
        super().__init__(**kwargs)
        self.export_dir = export_dir
        self.exchanges: list[Exchange] = []
        self.cleared: list[Exchange] = []  # what ctrl+l took away, until the next question
        self.within: tuple[Source, ...] = ()  # the sources the next questions are asked within (none: all)
        self.library: Library | None = None
        self._queue: list[Question] = []
        self._cleared_at = -CLEARED_TOAST_SECONDS  # when the "ctrl+z brings it back" toast was shown
        self._answering = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield Transcript(id="chat")
            yield SourcesPanel(id="sources-panel")
        yield FindBar(id="find-bar")
        yield QuestionInput(placeholder="Ask a question about your sources…", id="question", select_on_focus=False)
        yield Reading()

    @property
    def box(self) -> QuestionInput:
        return self.query_one(QuestionInput)

    @property
    def reading(self) -> Reading:
        return self.query_one(Reading)

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    @property
    def answers(self) -> list[Answer]:
        return [exchange.answer for exchange in self.exchanges]

    @property
    def asked(self) -> tuple[str, ...]:
        """Every question of this conversation so far, answered or waiting: a follow-up's context."""
        return tuple(a.question for a in self.answers) + tuple(q.text for q in self._queue)

    @property
    def last_is_follow_up(self) -> bool:
        return bool(self.exchanges and self.exchanges[-1].answer.interpreted_as)

    @property
    def last_corrected(self) -> str | None:
        """The last question as "Did you mean" spells it, if it suggested a spelling."""
        return self.exchanges[-1].answer.corrected if self.exchanges else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("export", "copy_last") and self.library is None:
            return None  # shown, disabled, until the library is open
        return {"ask_last_alone": self.last_is_follow_up, "ask_corrected": bool(self.last_corrected),
                "ask_everywhere": bool(self.within), "undo_clear": bool(self.cleared)}.get(action, True)

    def opened(self, library: Library, sources: list[Source], past: history.History) -> None:
        """The library is open: the last session comes back, the waiting questions are answered."""
        self.library = self.reading.library = library
        self.box.recall([*past.questions, *self.box.history])
        if past.answers and not self.exchanges:
            self.exchanges = [Exchange(answer, within) for answer, within in past.exchanges()]
            self.transcript.restored([(e.answer, e.within) for e in self.exchanges])
        self.cleared = [Exchange(answer, within) for answer, within in past.exchanges(cleared=True)]
        self.transcript.show_sources(sources)
        self.transcript.library_opened()
        self.query_one(SourcesPanel).opened(library, sources)
        self.refresh_bindings()
        self._next()

    @on(SourcesPanel.Listed)
    def listed(self, message: SourcesPanel.Listed) -> None:
        self.transcript.show_sources(message.sources)

    def on_source_list_opened(self, message: SourceList.Opened) -> None:  # a source chosen in the sidebar
        self.reading.source(message.source)

    @on(Reading.Closed)
    def read(self, message: Reading.Closed) -> None:
        if message.question:
            self.ask(message.question, alone=True)
        elif message.within:
            self.ask_within(message.within)
        self.back_to_question()

    def back_to_question(self, _: object = None) -> None:
        """After a dialog, the viewer or the browser, typing goes to the question box again
        (not when back in the browser, under the viewer it opened)."""
        if len(self.app.screen_stack) == 1:
            self.box.focus()

    @on(SourcesPanel.Removed)
    def removed(self, message: SourcesPanel.Removed) -> None:
        if any(s.id in message.source_ids for s in self.within):
            self.ask_within([s for s in self.within if s.id not in message.source_ids])

    # -- asking ------------------------------------------------------------------------------

    @on(Input.Submitted, "#question")
    def submitted(self, event: Input.Submitted) -> None:
        if question := event.value.strip():  # the box emptied itself (`QuestionInput`)
            self.box.remember(question)
            self.ask(question)

    def on_paste(self, event: events.Paste) -> None:
        """Text pasted on an answer or the sidebar goes to the question box, as typed keys do."""
        event.stop()
        self.box.focus()
        self.box.post_message(events.Paste(event.text))

    @on(AskAgain)
    def ask_again(self, message: AskAgain) -> None:
        self.ask(message.question, alone=message.alone)
        self.box.focus()

    def ask(self, text: str, alone: bool = False) -> None:
        """Ask ``text`` within `within`: as a possible follow-up of the questions before, or ``alone``."""
        if self.cleared:  # a new conversation has begun: the cleared one is gone for good
            self.cleared = []
            self._withdraw_cleared_toast()
        previous = () if alone else self.asked
        self.transcript.asked(text, waiting_for_library=self.library is None)
        self._queue.append(Question(text, previous, self.within))
        self._next()
        self.save()
        self.refresh_bindings()

    def ask_within(self, sources: Sequence[Source]) -> None:
        """Ask the next questions within ``sources`` (none: all of them again)."""
        self.within = tuple(sources)
        self.box.show_within(sources)
        self.refresh_bindings()

    def action_ask_last_alone(self) -> None:
        if self.last_is_follow_up:
            self.ask(self.exchanges[-1].answer.question, alone=True)

    def action_ask_corrected(self) -> None:
        if question := self.last_corrected:
            self.ask(question)

    def action_ask_everywhere(self) -> None:
        self.ask_within([])
        self.notify("Asking all sources again.")

    def _next(self) -> None:
        if self.library is not None and self._queue and not self._answering:
            self._answering = True
            self._answer(self.library, self._queue.pop(0))

    @work(thread=True, group="answers")
    def _answer(self, library: Library, question: Question) -> None:
        from qa import LibraryError

        try:
            answer = library.ask(question.text, question.previous, sources=[s.id for s in question.within] or None)
        except LibraryError as error:
            self.app.call_from_thread(self._answered, question, None, str(error))
            return
        self.app.call_from_thread(self._answered, question, answer, None)

    def _answered(self, question: Question, answer: Answer | None, error: str | None) -> None:
        self._answering = False
        within = tuple(" ".join(s.title.split()) for s in question.within)
        self.transcript.answered(answer, within, error)
        if answer is not None:
            self.exchanges.append(Exchange(answer, within))
            self.save()
        self.refresh_bindings()
        self._next()

    def save(self) -> None:
        """Keep the questions and the conversation for the next session (a convenience: never an error)."""
        from qa import history

        if self.library is not None:
            try:
                history.save(self.library.folder, history.History(
                    questions=self.box.history, answers=self.answers, cleared=[e.answer for e in self.cleared],
                    within=[list(e.within) for e in self.exchanges], cleared_within=[list(e.within) for e in self.cleared]))
            except OSError:
                pass  # a read-only folder still answers questions

    # -- the conversation as a whole ---------------------------------------------------------

    async def action_clear(self) -> None:
        """Start again; what was cleared comes back with ctrl+z until the next question."""
        if self.exchanges:
            self.cleared = self.exchanges
            self.notify("Conversation cleared: ctrl+z brings it back (until the next question).",
                        title="Cleared", timeout=CLEARED_TOAST_SECONDS)
            self._cleared_at = time.monotonic()
        self.exchanges = []
        self._queue.clear()
        await self.transcript.start_again()
        self.save()
        self.refresh_bindings()

    async def action_undo_clear(self) -> None:
        if self.cleared:
            cleared, self.cleared = self.cleared, []
            self._withdraw_cleared_toast()
            await self.transcript.bring_back([(e.answer, e.within) for e in cleared])
            self.exchanges = cleared
            self.save()
            self.refresh_bindings()

    def _withdraw_cleared_toast(self) -> None:
        """The "ctrl+z brings it back" toast goes when it stops being true. (Textual withdraws
        toasts only all together: the others of those few seconds go with it.)"""
        if time.monotonic() - self._cleared_at < CLEARED_TOAST_SECONDS:
            self.app.clear_notifications()
            self._cleared_at = -CLEARED_TOAST_SECONDS

    def action_find(self) -> None:
        self.query_one(FindBar).open()

    @on(FindBar.Closed)
    def find_closed(self) -> None:
        self.box.focus()

    def action_scroll_page(self, pages: int) -> None:
        self.transcript.scroll_page_down() if pages > 0 else self.transcript.scroll_page_up()

    def markdown(self, last_only: bool = False) -> str:
        """The conversation (or its last answer) as Markdown, each answer with its context."""
        from qa.transcript import to_markdown

        exchanges = self.exchanges[-1:] if last_only else self.exchanges
        return to_markdown([e.answer for e in exchanges], title="Answer" if last_only else "Conversation",
                           within=[e.within for e in exchanges])

    def action_export(self) -> None:
        """Write the conversation to a new Markdown file in the export folder, and say where (or why not)."""
        from qa.files import atomic_write

        if not self.exchanges:
            self.notify("Nothing to export yet: ask a question first.")
            return
        path = self.export_dir / f"qa-conversation-{datetime.now():%Y%m%d-%H%M%S}.md"
        try:
            atomic_write(path, self.markdown().encode())
        except OSError as error:
            self.notify(describe_os_error(error), severity="error", markup=False)
            return
        self.notify(inert(f"Conversation written to {path}"), title="Exported", markup=False)

    def action_copy_last(self) -> None:
        if not self.exchanges:
            self.notify("No answer to copy yet.")
            return
        self.app.copy_to_clipboard(self.markdown(last_only=True))
        self.notify("The last answer is on the clipboard, as Markdown.")
