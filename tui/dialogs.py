"""Dialogs, each a `ModalScreen` dismissed with its answer: a path to add, an add's progress, yes or no, help."""

from __future__ import annotations

import os
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Checkbox, Input, Static

from tui.indexing import IndexingStatus
from tui.keys import FittingFooter
from tui.text import shown

if TYPE_CHECKING:
    from qa.models import AddProgress


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


class AddRequest(BaseModel):
    """What the add dialog asks for: a path, and the options `qa add` offers."""

    path: Path
    link: bool = False  # a file linked, a folder followed in place (`qa add --link`)
    hidden: bool = False  # a folder's hidden files and folders too (`--hidden`; not when followed)
    ocr: bool = False  # scanned PDF pages read with Tesseract (`--ocr`)


class AddPathScreen(ModalScreen[AddRequest | None]):
    """Ask for a file or folder to add, and how; dismissed with the request, or None (escape)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", tooltip="close without adding")]

    def __init__(self, value: str = "", error: str = "", options: AddRequest | None = None) -> None:
        super().__init__()
        self.value, self.error = value, error
        self.options = options or AddRequest(path=Path())

    def compose(self) -> ComposeResult:
        options = self.options
        with Vertical(id="add-dialog", classes="dialog"):
            yield Static(Text("Add sources", style="bold"))
            yield Static(Text("A file, or a folder of them (→ completes a name). "
                              "They are copied into the sources folder unless followed.", style="dim"))
            yield Input(self.value, placeholder="path/to/article.txt or a folder", suggester=PathSuggester(),
                        id="add-path")
            yield Static(shown(self.error), id="add-error")
            yield Checkbox("Follow it in place: a folder is kept in sync, nothing is copied", options.link,
                           id="add-link", tooltip="qa add --link: new, changed and deleted files are picked up")
            yield Checkbox("Include hidden files and folders", options.hidden and not options.link,
                           id="add-hidden", disabled=options.link,
                           tooltip="qa add --hidden (a followed folder's hidden files are never read)")
            yield Checkbox("Read scanned PDFs with OCR", options.ocr, id="add-ocr",
                           tooltip="qa add --ocr: needs Tesseract (sudo apt install tesseract-ocr)")
            with Horizontal(classes="buttons"):
                yield Button("Add", variant="primary", id="add-button")
                yield Button("Close", id="add-close")
        yield FittingFooter()

    @on(Checkbox.Changed, "#add-link")
    def link_changed(self, changed: Checkbox.Changed) -> None:
        # A followed folder is scanned without its hidden files: the option would be a promise not kept.
        hidden = self.query_one("#add-hidden", Checkbox)
        hidden.disabled = changed.value
        if changed.value:
            hidden.value = False

    @on(Input.Submitted, "#add-path")
    @on(Button.Pressed, "#add-button")
    def submit(self) -> None:
        value = self.query_one("#add-path", Input).value.strip()
        if not value:
            self.query_one("#add-error", Static).update(Text("Type the path of a file or folder."))
            return
        path = Path(os.path.expanduser(value))
        if not path.exists() and not path.is_symlink():  # said at once: not after the add has started
            self.query_one("#add-error", Static).update(shown(f"{path} does not exist."))
            return
        self.dismiss(AddRequest(path=path, link=self.query_one("#add-link", Checkbox).value,
                                hidden=self.query_one("#add-hidden", Checkbox).value,
                                ocr=self.query_one("#add-ocr", Checkbox).value))

    @on(Button.Pressed, "#add-close")
    def close(self) -> None:
        self.dismiss(None)


class AddChoice(str, Enum):
    HIDE = "hide"
    CANCEL = "cancel"
    ENDED = "ended"


class AddProgressScreen(ModalScreen[AddChoice]):
    """An add's progress. Escape (or Hide) leaves it running, shown in the sidebar; c cancels it.

    The app runs the add, so it outlives this dialog; the app dismisses it with ENDED when the
    add ends while it is open.
    """

    BINDINGS = [
        Binding("escape", "hide", "Hide", tooltip="hide the add's progress; it goes on in the sidebar"),
        Binding("c", "cancel", "Cancel the add",
                tooltip="stop adding after the files in hand (what was read is kept)"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="add-dialog", classes="dialog"):
            yield Static(Text("Adding sources", style="bold"))
            yield IndexingStatus(id="add-progress", classes="indexing")
            with Horizontal(classes="buttons"):
                yield Button("Hide", variant="primary", id="add-hide")
                yield Button("Cancel the add", variant="error", id="add-cancel")
        yield FittingFooter()

    def __init__(self, progress: AddProgress | None, cancelling: bool) -> None:
        super().__init__()
        self.progress, self.cancelling = progress, cancelling
        self._typed: list[str] = []  # typed here (but c): the question box's once hidden

    def on_mount(self) -> None:
        self.query_one(IndexingStatus).show(self.progress, self.cancelling)
        self.query_one("#add-hide").focus()

    def on_key(self, event: events.Key) -> None:
        # A question begun while the dialog is up is not lost: the letters wait, and go to the
        # question box when it is hidden.
        if event.character and event.is_printable and event.key != "c":
            event.stop()
            event.prevent_default()
            self._typed.append(event.character)
            if not self.is_active:  # already hidden
                self._hand_over()

    def _hand_over(self) -> None:
        from tui.widgets import QuestionInput

        typed, self._typed = "".join(self._typed), []
        if typed:
            box = self.app.screen_stack[0].query_one(QuestionInput)
            box.insert_text_at_cursor(typed)

    @on(Button.Pressed, "#add-hide")
    def action_hide(self) -> None:
        self.dismiss(AddChoice.HIDE)
        self._hand_over()

    @on(Button.Pressed, "#add-cancel")
    def action_cancel(self) -> None:
        self.dismiss(AddChoice.CANCEL)

    @on(IndexingStatus.CancelPressed)
    def cancel_pressed(self, event: IndexingStatus.CancelPressed) -> None:
        event.stop()
        self.dismiss(AddChoice.CANCEL)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; the default answer is no."""

    BINDINGS = [Binding("escape", "dismiss(False)", "No"), Binding("y", "dismiss(True)", "Yes"),
                Binding("n", "dismiss(False)", "No")]

    def __init__(self, question: Text, detail: Text, yes: str, no: str = "Keep them") -> None:
        super().__init__()
        self.question, self.detail, self.yes, self.no = question, detail, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(self.question, id="confirm-question")
            with VerticalScroll(id="confirm-detail"):
                yield Static(self.detail)
            with Horizontal(classes="buttons"):
                yield Button(self.yes, variant="error", id="confirm-yes")
                yield Button(self.no, id="confirm-no")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#confirm-no").focus()

    @on(Button.Pressed)
    def answered(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")


class HelpScreen(ModalScreen[None]):
    """Every key, in a table made from the bindings themselves (their tooltips say what they do)."""

    BINDINGS = [Binding("escape", "dismiss", "Close"), Binding("f1", "dismiss", "Close"),
                Binding("q", "dismiss", "Close")]

    def __init__(self, sections: Sequence[tuple[str, Sequence[Binding]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Static(Text("Keys", style="bold"))
            yield Static(Text("Type a question and press enter: answers are quotes from the sources, "
                              "with [n] citations that open to the passage.", style="dim"))
            yield Static(self.table(), id="help-table")
        yield FittingFooter()

    def table(self) -> Group:
        """A table per section, its keys in a narrow column, what they do wrapped beside them."""
        tables = []
        for title, bindings in self.sections:
            table = Table(box=None, show_header=False, expand=True, padding=(0, 1, 0, 0), title=title,
                          title_justify="left", title_style="bold underline")
            table.add_column("key", style="bold", no_wrap=True, width=KEY_WIDTH)
            table.add_column("does", ratio=1)
            for keys, tooltip in described(bindings, self.app):
                table.add_row(Text(keys), Text(tooltip))  # text, not markup: "[n]" stays
            tables += [Text(""), table]
        return Group(*tables)


KEY_WIDTH = 12


def described(bindings: Sequence[Binding], app: App) -> list[tuple[str, str]]:
    """(keys, what they do) for each binding with a tooltip; one row for keys doing the same."""
    rows: dict[str, list[str]] = {}
    for binding in bindings:
        if binding.tooltip:
            rows.setdefault(binding.tooltip, []).append(binding.key_display or app.get_key_display(binding))
    return [(" / ".join(dict.fromkeys(keys)), tooltip) for tooltip, keys in rows.items()]
