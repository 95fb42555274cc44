"""Dialogs: adding a source (with its progress), confirming, help."""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Static

from tui.indexing import IndexingStatus
from tui.text import shown


class PathSuggester(Suggester):
    """Completes file and folder names as a path is typed."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = Path(os.path.expanduser(value))
        folder, stem = (typed, "") if value.endswith(os.sep) else (typed.parent, typed.name)
        try:
            names = sorted(p.name + (os.sep if p.is_dir() else "") for p in folder.iterdir()
                           if p.name.startswith(stem) and not p.name.startswith("."))
        except OSError:
            return None
        return value + names[0][len(stem):] if names else None


class AddSourceScreen(ModalScreen[None]):
    """Ask for a path, then show the add's progress. The app runs the add, so it outlives this.

    Escape before starting closes; while adding it cancels. "Hide" leaves the add running,
    its progress in the sidebar.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="add-dialog", classes="dialog"):
            yield Static(Text("Add sources", style="bold"))
            yield Static(Text("A file, or a folder of them (→ completes a name). "
                              "They are copied into the sources folder.", style="dim"))
            yield Input(placeholder="path/to/article.txt or a folder", suggester=PathSuggester(),
                        id="add-path")
            yield Static("", id="add-error")
            yield IndexingStatus(id="add-progress", classes="indexing")
            with Horizontal(classes="buttons"):
                yield Button("Add", variant="primary", id="add-button")
                yield Button("Hide", id="add-hide")

    def on_mount(self) -> None:
        self.running(self.app.adding is not None)

    def running(self, adding: bool) -> None:
        """Show the path box (waiting for a path) or the progress (adding)."""
        self.query_one("#add-path").display = not adding
        self.query_one("#add-button").display = not adding
        self.query_one("#add-progress").display = adding
        self.query_one("#add-hide").display = adding
        if not adding:
            self.query_one("#add-path").focus()

    def failed(self, message: str) -> None:
        self.running(False)
        self.query_one("#add-error", Static).update(shown(message))

    @on(Input.Submitted, "#add-path")
    @on(Button.Pressed, "#add-button")
    def submit(self) -> None:
        value = self.query_one("#add-path", Input).value.strip()
        error = self.query_one("#add-error", Static)
        if not value:
            error.update(Text("Type the path of a file or folder."))
            return
        error.update("")
        self.running(True)
        self.app.start_add([Path(os.path.expanduser(value))])

    @on(Button.Pressed, "#add-hide")
    def hide(self) -> None:
        self.dismiss()

    def action_cancel(self) -> None:
        if self.app.adding is not None:
            self.app.cancel_add()
        else:
            self.dismiss()


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; the default answer is no."""

    BINDINGS = [Binding("escape", "dismiss(False)", "No"), Binding("y", "dismiss(True)", "Yes"),
                Binding("n", "dismiss(False)", "No")]

    def __init__(self, question: Text, detail: Text, yes: str) -> None:
        super().__init__()
        self.question, self.detail, self.yes = question, detail, yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(self.question, id="confirm-question")
            with VerticalScroll(id="confirm-detail"):
                yield Static(self.detail)
            with Horizontal(classes="buttons"):
                yield Button(self.yes, variant="error", id="confirm-yes")
                yield Button("Keep them", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no").focus()

    @on(Button.Pressed)
    def answered(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")


HELP = """\
Type a question and press enter. Answers are quotes from the sources, with [n] markers.

In the question box
  enter            ask                       up / down    earlier and later questions
  pageup/pagedown  scroll the conversation   escape       ask all sources again (after "ask within")
  tab / shift+tab  select an answer          ctrl+f       find in the conversation

On a selected answer (a ring marks it)
  1-9   open citation [n] (or click a quote or a source)
  c     copy the answer (Markdown)           r            ask it on its own, not as a follow-up

In the passage viewer
  n / p  next / previous citation    /  search the source    e  open in $EDITOR (a PDF: its viewer)

Everywhere
  f2 / ctrl+r  browse sources: type to filter, enter opens, space marks,
               ctrl+a asks within the marked, ctrl+r removes them (after you confirm)
  ctrl+o  add sources        ctrl+b  show or hide the sidebar       ctrl+g  re-ask the last question alone
  ctrl+s  export to Markdown ctrl+y  copy the last answer           ctrl+l  clear the conversation
  ctrl+p  command palette    f1      this help                      ctrl+q  quit
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", "Close"), Binding("f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Static(Text("Keys", style="bold"))
            yield Static(Text(HELP))
