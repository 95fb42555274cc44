"""The terminal UI: a chat over the sources, with citations that open to their passage.

A thin client of `qa.Library`: no retrieval or answer logic lives here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from qa import Library, LibraryError
from qa.display import describe_os_error, inert
from qa.models import AddResult, Answer, Source
from qa.store import atomic_write
from qa.transcript import to_markdown
from tui.screens import AddSourceScreen, HelpScreen, PassageScreen, RemoveSourceScreen
from tui.widgets import AnswerView, OpenCitation, QuestionInput, QuestionView, SourcesPanel

EXAMPLES = [
    "How many officers has Kenya pledged to send to Haiti?",
    "How many people have been displaced?",
    "When does the mission's mandate expire?",
]


class QaApp(App[None]):
    TITLE = "qa"
    SUB_TITLE = "answers quoted from your sources"
    CSS_PATH = "qa.tcss"
    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("ctrl+o", "add_source", "Add source", id="add"),
        Binding("ctrl+r", "remove_source", "Remove", id="remove"),
        Binding("ctrl+b", "toggle_sources", "Sources", id="sources"),
        Binding("ctrl+s", "export", "Export", id="export"),
        Binding("ctrl+y", "copy_answer", "Copy answer", id="copy"),
        Binding("ctrl+l", "clear", "Clear", id="clear"),
    ]

    def __init__(self, library: Library, export_dir: Path | None = None, cursor_blink: bool = True) -> None:
        super().__init__()
        self.library = library
        self.export_dir = export_dir or Path.cwd()
        self.cursor_blink = cursor_blink
        self.answers: list[Answer] = []
        self.theme = "textual-dark"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield VerticalScroll(id="chat")
            yield SourcesPanel(id="sources-panel")
        yield QuestionInput(placeholder="Ask a question about your sources…", id="question",
                            select_on_focus=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#question", Input).cursor_blink = self.cursor_blink
        chat = self.query_one("#chat", VerticalScroll)
        chat.anchor()
        chat.mount(Static(self._welcome(), id="welcome"))
        self._show_sources()
        for warning in self.library.warnings:
            self.notify(inert(warning), severity="warning", markup=False)
        self.query_one("#question").focus()

    def _welcome(self) -> Text:
        sources = self.library.sources
        text = Text("Ask a question: answers are sentences quoted word for word from your sources, "
                    "with [n] citations you can open.\n\n", style="")
        if sources:
            text.append("Sources loaded:\n", style="bold")
            for source in sources:
                text.append(f"  • {inert(source.title)}\n")
            text.append("\nTry:\n", style="bold")
            for example in EXAMPLES:
                text.append(f"  {example}\n", style="italic")
        else:
            text.append("No sources yet: press ctrl+o to add a file or folder.\n")
        text.append("\nf1 shows the keys.", style="dim")
        return text

    def _show_sources(self) -> None:
        self.query_one(SourcesPanel).show(self.library.sources)

    # -- asking ----------------------------------------------------------------------------

    @on(Input.Submitted, "#question")
    def ask(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if not question:
            return
        box = self.query_one(QuestionInput)
        box.remember(question)
        box.value = ""
        previous = [a.question for a in self.answers]
        self.query_one("#chat").mount(QuestionView(question))
        self._answer(question, previous)

    @work(thread=True, group="answers")
    def _answer(self, question: str, previous: list[str]) -> None:
        try:
            answer = self.library.ask(question, previous)
        except LibraryError as error:
            self.call_from_thread(self.notify, inert(str(error)), severity="error", markup=False)
            return
        self.call_from_thread(self._show_answer, answer)

    def _show_answer(self, answer: Answer) -> None:
        self.answers.append(answer)
        self.query_one("#chat").mount(AnswerView(answer))

    @on(OpenCitation)
    def open_citation(self, message: OpenCitation) -> None:
        try:
            text = self.library.text(message.citation.source)
        except LibraryError as error:
            self.notify(inert(str(error)), severity="error", markup=False)
            return
        self.push_screen(PassageScreen(text, message.answer, message.citation))

    # -- sources ---------------------------------------------------------------------------

    def action_toggle_sources(self) -> None:
        panel = self.query_one(SourcesPanel)
        panel.display = not panel.display

    def action_add_source(self) -> None:
        self.push_screen(AddSourceScreen(self.library), self._added)

    def _added(self, results: list[AddResult] | None) -> None:
        if not results:
            return
        added = [r.source.title for r in results if r.source and not r.duplicate_of]
        duplicates = [r.path.name for r in results if r.duplicate_of]
        for result in results:
            if result.warning:
                self.notify(inert(result.warning), severity="warning", markup=False)
        if added:
            self.notify(inert(f"Added {', '.join(added)}. Ask away."), title="Source added", markup=False)
        if duplicates:
            self.notify(inert(f"Already in the sources: {', '.join(duplicates)}."), markup=False)
        self._show_sources()

    def action_remove_source(self) -> None:
        if not self.library.sources:
            self.notify("There are no sources to remove.")
            return
        self.push_screen(RemoveSourceScreen(self.library.sources), self._remove)

    def _remove(self, source: Source | None) -> None:
        if source is not None:
            self._remove_in_worker(source)

    @work(thread=True, group="sources")
    def _remove_in_worker(self, source: Source) -> None:
        try:
            self.library.remove(source.id)
        except (LibraryError, OSError) as error:
            message = describe_os_error(error) if isinstance(error, OSError) else inert(str(error))
            self.call_from_thread(self.notify, message, severity="error", markup=False)
            return
        self.call_from_thread(self.notify, inert(f"Removed {source.title}."), markup=False)
        self.call_from_thread(self._show_sources)

    # -- conversation ----------------------------------------------------------------------

    def action_export(self) -> None:
        if not self.answers:
            self.notify("Nothing to export yet: ask a question first.")
            return
        path = self.export_dir / f"qa-conversation-{datetime.now():%Y%m%d-%H%M%S}.md"
        try:
            atomic_write(path, to_markdown(self.answers).encode())
        except OSError as error:
            self.notify(f"Could not write {path}: {error.strerror}.", severity="error", markup=False)
            return
        self.notify(f"Conversation written to {path}", title="Exported", markup=False)

    def action_copy_answer(self) -> None:
        if not self.answers:
            self.notify("No answer to copy yet.")
            return
        self.copy_to_clipboard(to_markdown(self.answers[-1:], title="Answer"))
        self.notify("The last answer is on the clipboard.")

    def action_clear(self) -> None:
        self.answers.clear()
        chat = self.query_one("#chat")
        chat.remove_children()
        chat.mount(Static(self._welcome(), id="welcome"))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Add source", "Copy a file or folder into the sources and index it",
                            self.action_add_source)
        yield SystemCommand("Remove source", "Delete a source from the sources folder",
                            self.action_remove_source)
        yield SystemCommand("Export conversation", "Write the conversation to a Markdown file",
                            self.action_export)
        yield SystemCommand("Clear conversation", "Start again with an empty chat", self.action_clear)
        yield SystemCommand("Toggle sources panel", "Show or hide the list of sources",
                            self.action_toggle_sources)
        yield SystemCommand("Help", "The key bindings", self.action_help)


def run(library: Library) -> None:
    QaApp(library).run()
