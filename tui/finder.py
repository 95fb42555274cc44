"""Find in the conversation (ctrl+f): questions and answers holding the words are ringed in turn."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from tui.widgets import AnswerView, QuestionView


def searchable(widget: Widget) -> str | None:
    if isinstance(widget, QuestionView):
        return widget.question
    if isinstance(widget, AnswerView):
        return widget.searchable()
    return None


class FindBar(Horizontal):
    """A search box above the question box; enter/down go to the next match, up to the previous."""

    BINDINGS = [
        Binding("escape", "close", "Done", show=False),
        Binding("down", "step(1)", "Next match", show=False),
        Binding("up", "step(-1)", "Previous match", show=False),
    ]

    class Closed(Message):
        """The search is over; focus goes back to the question box."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.matches: list[Widget] = []
        self.at = 0

    def compose(self) -> ComposeResult:
        yield Input(placeholder="find in the conversation", id="find-input")
        yield Static("", id="find-count")

    def on_mount(self) -> None:
        self.display = False

    def open(self) -> None:
        self.display = True
        self.query_one(Input).focus()

    @on(Input.Changed, "#find-input")
    def search(self, event: Input.Changed) -> None:
        words = event.value.casefold().split()
        for widget in self.matches:
            widget.remove_class("found", "found-current")
        chat = self.app.query_one("#chat")
        self.matches = [widget for widget in chat.children
                        if words and (text := searchable(widget)) is not None
                        and all(word in text.casefold() for word in words)]
        self.at = len(self.matches) - 1  # the newest first: what was just read is likeliest
        for widget in self.matches:
            widget.add_class("found")
        self._show()

    @on(Input.Submitted, "#find-input")
    def submitted(self) -> None:
        self.action_step(-1)

    def action_step(self, step: int) -> None:
        if self.matches:
            self.at = (self.at + step) % len(self.matches)
            self._show()

    def _show(self) -> None:
        count = self.query_one("#find-count", Static)
        if not self.matches:
            count.update("no match" if self.query_one(Input).value.strip() else "")
            return
        for widget in self.matches:
            widget.remove_class("found-current")
        current = self.matches[self.at]
        current.add_class("found-current")
        current.scroll_visible(animate=False, top=True)
        count.update(f"{self.at + 1} of {len(self.matches)}")

    def action_close(self) -> None:
        for widget in self.matches:
            widget.remove_class("found", "found-current")
        self.matches = []
        self.query_one(Input).value = ""
        self.display = False
        self.post_message(self.Closed())
