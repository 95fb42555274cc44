"""What the chat shows: the welcome, the questions and their answers, an answer on its way.

The conversation (`tui.conversation`) decides what is asked and answered; this is where it is
shown, its end kept in view with `VerticalScroll.anchor()` (until the reader scrolls up).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import LoadingIndicator, Static

from qa.display import inert
from tui.widgets import AnswerView, QuestionView, welcome

if TYPE_CHECKING:
    from qa.models import Answer, Source


class Busy(Horizontal):
    """Under a question being answered (or waiting its turn): says so, with a moving indicator."""

    def __init__(self, waiting_for_library: bool) -> None:
        super().__init__(classes="busy")
        self.waiting_for_library = waiting_for_library
        self.answered = False  # its answer is in place: it goes, and the next answer is not for it

    def compose(self) -> ComposeResult:
        yield LoadingIndicator()
        yield Static(self.label(), classes="busy-label")

    def label(self) -> Text:
        said = ("The library is still opening: this is answered as soon as it is ready."
                if self.waiting_for_library else "Finding the passages that answer this…")
        return Text(said, style="dim italic")

    def library_opened(self) -> None:
        self.waiting_for_library = False
        for label in self.query(".busy-label").results(Static):  # none yet if just asked: composed with the new label
            label.update(self.label())


class Transcript(VerticalScroll):
    """The questions and answers in the order asked, under the welcome (until cleared)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.sources: list[Source] | None = None  # what the welcome names (None: not listed yet)

    def on_mount(self) -> None:
        self.anchor()
        self.mount(Static(welcome(None), classes="welcome"))

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

    def restored(self, exchanges: Sequence[tuple[Answer, tuple[str, ...]]]) -> None:
        """The last session's conversation, under the welcome: above the questions asked while
        the library opened."""
        self.mount(Static(Text("Your last conversation with this library (ctrl+l clears it):", style="dim italic"),
                          classes="restored"),
                   *[view for answer, within in exchanges
                     for view in (QuestionView(answer.question), AnswerView(answer, within))],
                   after=self.query(".welcome").last())

    def asked(self, question: str, waiting_for_library: bool) -> None:
        self.mount(QuestionView(question), Busy(waiting_for_library))
        self.anchor()  # asking brings the end into view, even after scrolling up

    def library_opened(self) -> None:
        for busy in self.query(Busy):
            busy.library_opened()

    def answered(self, answer: Answer | None, within: tuple[str, ...], error: str | None) -> None:
        """The oldest question waiting gets its answer (or the error, said where the answer
        would have been, so it cannot fade unread)."""
        spot = next((busy for busy in self.query(Busy) if not busy.answered), None)
        shown = AnswerView(answer, within) if answer is not None else \
            Static(Text(inert(error or ""), style="bold"), classes="ask-error")
        self.mount(shown, before=spot)
        if spot is not None:  # removed a few messages later: the next answer may come first
            spot.answered = True
            spot.remove()

    async def start_again(self) -> None:
        await self.remove_children()
        await self.mount(Static(welcome(self.sources), classes="welcome"))

    async def bring_back(self, exchanges: Sequence[tuple[Answer, tuple[str, ...]]]) -> None:
        for answer, within in exchanges:
            await self.mount(QuestionView(answer.question), AnswerView(answer, within))
        self.anchor()

    def views(self) -> list[Widget]:
        """What ctrl+f searches: the questions and answers, in order."""
        return [w for w in self.children if isinstance(w, (QuestionView, AnswerView))]
