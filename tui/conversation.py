"""The chat: questions and answers, the questions waiting their turn, clearing with an undo.

The conversation answers one question at a time, in a worker thread, so answers arrive in the
order asked; questions asked before the library is open wait for it. It keeps its end in view
with `VerticalScroll.anchor()` (until the reader scrolls up), and saves itself with the question
history (`qa.history`) after each change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import LoadingIndicator, Static

from qa.display import describe_os_error, inert
from tui.widgets import AnswerView, QuestionView, welcome

if TYPE_CHECKING:
    from qa import Library
    from qa.models import Answer, Source


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


class Busy(Horizontal):
    """Under a question being answered (or waiting its turn): says so, with a moving indicator."""

    def __init__(self, waiting_for_library: bool) -> None:
        super().__init__(classes="busy")
        self.waiting_for_library = waiting_for_library

    def compose(self) -> ComposeResult:
        yield LoadingIndicator()
        yield Static(self.label(), classes="busy-label")

    def label(self) -> Text:
        said = ("The library is still opening: this is answered as soon as it is ready."
                if self.waiting_for_library else "Finding the passages that answer this…")
        return Text(said, style="dim italic")

    def library_opened(self) -> None:
        self.waiting_for_library = False
        self.query_one(".busy-label", Static).update(self.label())


class Conversation(VerticalScroll):
    """Owns the exchanges shown, the queue of questions, the sources they are asked within, and
    what ctrl+l cleared."""

    class Changed(Message):
        """An answer arrived or the conversation was cleared or restored: key hints may change."""

    def __init__(self, questions: Callable[[], list[str]], **kwargs) -> None:
        super().__init__(**kwargs)
        self.exchanges: list[Exchange] = []
        self.cleared: list[Exchange] = []  # what ctrl+l took away, until the next question
        self.within: tuple[Source, ...] = ()  # the sources the next questions are asked within (none: all)
        self.library: Library | None = None
        self.sources: list[Source] | None = None
        self._questions = questions  # the question box's history, saved with the conversation
        self._queue: list[Question] = []
        self._answering = False

    def on_mount(self) -> None:
        self.anchor()
        self.mount(Static(welcome(None), classes="welcome"))

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

    def restore(self, answers: Sequence[Answer], cleared: Sequence[Answer] = ()) -> None:
        """Show the last session's conversation under the welcome; what it had cleared can come back."""
        if self.exchanges or self.cleared:
            return
        self.cleared = [Exchange(answer) for answer in cleared]
        if not answers:
            self.post_message(self.Changed())
            return
        self.mount(Static(Text("Your last conversation with this library (ctrl+l clears it):",
                               style="dim italic"), classes="restored"))
        for answer in answers:
            self.mount(QuestionView(answer.question), AnswerView(answer))
        self.exchanges = [Exchange(answer) for answer in answers]
        self.post_message(self.Changed())

    def opened(self, library: Library, sources: list[Source]) -> None:
        self.library = library
        self.show_sources(sources)
        for busy in self.query(Busy):
            busy.library_opened()
        self._next()

    def show_sources(self, sources: list[Source]) -> None:
        """The welcome (if still shown) names these sources.

        A new widget in place of the old, not an update of it: an updated one could keep its
        old height, cut short, for a while above a restored conversation.
        """
        self.sources = sources
        shown = self.query(".welcome")
        if shown:
            old = shown.first(Static)
            self.mount(Static(welcome(sources), classes="welcome"), before=old)
            old.remove()

    def ask(self, text: str, alone: bool = False) -> None:
        """Ask ``text`` within `within`: as a possible follow-up of the questions before, or ``alone``."""
        self.cleared = []  # a new conversation has begun: the cleared one is gone for good
        previous = () if alone else self.asked
        self.mount(QuestionView(text), Busy(waiting_for_library=self.library is None))
        self.anchor()  # asking brings the end into view, even after scrolling up
        self._queue.append(Question(text, previous, self.within))
        self._next()
        self.save()

    def ask_last_alone(self) -> None:
        if self.last_is_follow_up:
            self.ask(self.exchanges[-1].answer.question, alone=True)

    def save(self) -> None:
        """Keep the questions and the conversation for the next session (a convenience: never an error)."""
        from qa import history

        if self.library is not None:
            try:
                history.save(self.library.folder, history.History(
                    questions=self._questions(), answers=self.answers, cleared=[e.answer for e in self.cleared]))
            except OSError:
                pass  # a read-only folder still answers questions

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
        busy = self.query(Busy)
        spot = busy.first() if busy else None
        if answer is not None:
            exchange = Exchange(answer, tuple(" ".join(s.title.split()) for s in question.within))
            self.exchanges.append(exchange)
            self.mount(AnswerView(answer, exchange.within), before=spot)
            self.save()
        else:  # said where the answer would have been, so it cannot fade unread
            self.mount(Static(Text(inert(error or ""), style="bold"), classes="ask-error"), before=spot)
        if spot is not None:
            spot.remove()
        self.post_message(self.Changed())
        self._next()

    async def clear(self) -> None:
        """Start again; what was cleared comes back with `undo_clear` until the next question."""
        if self.exchanges:
            self.cleared = self.exchanges
            self.notify("Conversation cleared: ctrl+z brings it back (until the next question).",
                        title="Cleared", timeout=8)
        self.exchanges = []
        self._queue.clear()
        await self.remove_children()
        await self.mount(Static(welcome(self.sources), classes="welcome"))
        self.save()
        self.post_message(self.Changed())

    async def undo_clear(self) -> bool:
        if not self.cleared:
            return False
        cleared, self.cleared = self.cleared, []
        for exchange in cleared:
            await self.mount(QuestionView(exchange.answer.question), AnswerView(exchange.answer, exchange.within))
        self.exchanges = cleared
        self.save()
        self.anchor()
        self.post_message(self.Changed())
        return True

    def markdown(self, last_only: bool = False) -> str:
        """The conversation (or its last answer) as Markdown, each answer with its context."""
        from qa.transcript import to_markdown

        exchanges = self.exchanges[-1:] if last_only else self.exchanges
        return to_markdown([e.answer for e in exchanges], title="Answer" if last_only else "Conversation",
                           within=[e.within for e in exchanges])

    def export(self, folder: Path) -> None:
        """Write the conversation to a new Markdown file in ``folder``, and say where (or why not)."""
        from qa.files import atomic_write

        if not self.exchanges:
            self.notify("Nothing to export yet: ask a question first.")
            return
        path = folder / f"qa-conversation-{datetime.now():%Y%m%d-%H%M%S}.md"
        try:
            atomic_write(path, self.markdown().encode())
        except OSError as error:
            self.notify(describe_os_error(error), severity="error", markup=False)
            return
        self.notify(inert(f"Conversation written to {path}"), title="Exported", markup=False)

    def copy_last(self) -> None:
        if not self.exchanges:
            self.notify("No answer to copy yet.")
            return
        self.app.copy_to_clipboard(self.markdown(last_only=True))
        self.notify("The last answer is on the clipboard.")

    def views(self) -> list[Widget]:
        """What ctrl+f searches: the questions and answers, in order."""
        return [w for w in self.children if isinstance(w, (QuestionView, AnswerView))]

