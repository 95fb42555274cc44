"""Modal screens: the passage viewer, adding and removing sources, help."""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from qa import Library, LibraryError
from qa.display import describe_os_error, inert
from qa.models import AddResult, Answer, Citation, Source


class PassageScreen(ModalScreen[None]):
    """The whole source, scrolled to the cited passage, its quoted sentences highlighted."""

    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def __init__(self, text: str, answer: Answer, citation: Citation) -> None:
        super().__init__()
        self.source_text = text
        self.citation = citation
        self.quotes = [(q.start, q.end) for q in answer.quotes if q.citation == citation.n]

    def compose(self) -> ComposeResult:
        with Vertical(id="passage-dialog"):
            yield Static(Text.assemble((inert(self.citation.title), "bold"), "\n",
                                       (f"paragraph {self.citation.paragraph} · {inert(self.citation.path.name)}", "dim")),
                         id="passage-title")
            with VerticalScroll(id="passage-text"):
                offset = 0
                for number, line in enumerate(self.source_text.split("\n")):
                    start, end = offset, offset + len(line)
                    offset = end + 1
                    if not line.strip():
                        continue
                    cited = start < self.citation.end and end > self.citation.start
                    yield Static(self._highlighted(line, start), id=f"line-{number}",
                                 classes="line cited" if cited else "line")
            yield Static(Text("escape closes", style="dim"), id="passage-help")

    def _highlighted(self, line: str, start: int) -> Text:
        text = Text(inert(line, multiline=True))  # same length: the highlight offsets still hold
        for quote_start, quote_end in self.quotes:
            a, b = max(quote_start - start, 0), min(quote_end - start, len(line))
            if a < b:
                text.stylize("bold reverse", a, b)
        return text

    def on_mount(self) -> None:
        cited = self.query(".cited")
        if cited:
            self.call_after_refresh(self.query_one("#passage-text").scroll_to_widget,
                                    cited.first(), animate=False, top=True)


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


class AddSourceScreen(ModalScreen[list[AddResult] | None]):
    """Ask for a path; add it in a worker; show errors here, not as a crash."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library

    def compose(self) -> ComposeResult:
        with Vertical(id="add-dialog", classes="dialog"):
            yield Static(Text("Add a source", style="bold"))
            yield Static(Text("A .txt, .md or .html file, or a folder of them. → completes a name.",
                              style="dim"))
            yield Input(placeholder="path/to/article.txt", suggester=PathSuggester(), id="add-path")
            yield Static("", id="add-error")
            yield LoadingIndicator(id="add-loading")
            yield Button("Add", variant="primary", id="add-button")

    def on_mount(self) -> None:
        self.query_one("#add-loading").display = False

    @on(Input.Submitted, "#add-path")
    @on(Button.Pressed, "#add-button")
    def submit(self) -> None:
        value = self.query_one("#add-path", Input).value.strip()
        error = self.query_one("#add-error", Static)
        if not value:
            error.update(Text("Type the path of a file or folder."))
            return
        error.update("")
        self.query_one("#add-loading").display = True
        self.query_one("#add-button").disabled = True
        self.add(Path(os.path.expanduser(value)))

    @work(thread=True, exclusive=True)
    def add(self, path: Path) -> None:
        try:
            results = self.library.add([path])
        except (LibraryError, OSError) as problem:
            message = describe_os_error(problem) if isinstance(problem, OSError) else str(problem)
            self.app.call_from_thread(self._failed, message)
            return
        errors = [result.error for result in results if result.error]
        if errors and len(errors) == len(results):
            self.app.call_from_thread(self._failed, errors[0])
            return
        self.app.call_from_thread(self.dismiss, results)

    def _failed(self, message: str) -> None:
        self.query_one("#add-loading").display = False
        self.query_one("#add-button").disabled = False
        self.query_one("#add-error", Static).update(Text(inert(message)))


class RemoveSourceScreen(ModalScreen[Source | None]):
    """Pick a source to delete from the sources folder."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, sources: list[Source]) -> None:
        super().__init__()
        self.sources = sources

    def compose(self) -> ComposeResult:
        with Vertical(id="remove-dialog", classes="dialog"):
            yield Static(Text("Remove which source? Its file is deleted from the sources folder.",
                              style="bold"))
            yield OptionList(*[Option(Text(inert(f"{s.title}  ({s.path.name})")), id=s.id) for s in self.sources],
                             id="remove-list")

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(next(s for s in self.sources if s.id == event.option.id))


HELP = """\
Type a question and press enter. Answers are quotes from the sources, with [n] markers.

enter          ask the question
up / down      earlier and later questions
tab            move between the question box and the answers
1-9            on a selected answer: open citation [n] (or click a quote or a source)
escape         close a dialog or the passage viewer
ctrl+o         add a source            ctrl+r   remove a source
ctrl+b         show or hide sources    ctrl+s   export the conversation to Markdown
ctrl+y         copy the last answer    ctrl+l   clear the conversation
ctrl+p         command palette         f1       this help
ctrl+q         quit
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss", "Close"), Binding("f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(Text("Keys", style="bold"))
            yield Static(Text(HELP))
