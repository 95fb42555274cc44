"""The terminal UI: a chat over the sources, with citations that open to their passage.

A thin client of `qa.Library`: the conversation (`tui.conversation`), adding (`tui.indexing`)
and browsing (`tui.browser`) are their own pieces, and this app wires them to keys. It shows
itself before the engine is imported and opens the library in a worker; dialogs are typed
`ModalScreen`s awaited in workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Input

from qa.display import describe_os_error, inert, plural
from tui import preferences
from tui.browser import OpenSource, RemoveSources, SourcesScreen
from tui.conversation import Conversation
from tui.dialogs import AddChoice, AddPathScreen, AddProgressScreen, HelpScreen
from tui.finder import FindBar
from tui.indexing import AddEnded, AddProgressed, IndexingStatus, start_add, summary
from tui.passage_text import PassageText
from tui.source_list import SourceList
from tui.viewer import PassageScreen, Place
from tui.widgets import AnswerView, AskAgain, QuestionInput, SourcesPanel

if TYPE_CHECKING:
    from qa import Library, history
    from qa.background import BackgroundAdd
    from qa.models import Answer, Citation, Source
    from qa.settings import Settings

PLACEHOLDER = "Ask a question about your sources…"
# While adding, the sidebar's list is re-read at most this often (seconds), and only when a
# batch has landed: listing 10,000 sources takes a fifth of a second of the interpreter.
LIST_REFRESH = 1.0


class QaApp(App[None]):
    TITLE = "qa"
    SUB_TITLE = "answers quoted from your sources"
    CSS_PATH = "qa.tcss"
    BINDINGS = [
        Binding("f1", "help", "Help", tooltip="this help"),
        Binding("ctrl+o", "add_source", "Add", tooltip="add files or a folder (while adding: its progress)"),
        Binding("f2", "browse", "Sources", tooltip="browse the sources: filter, open, mark, ask within, remove"),
        Binding("ctrl+f", "find", "Find", tooltip="find in the conversation (enter or up/down: next match)"),
        Binding("ctrl+g", "ask_last_again", "Ask alone", tooltip="ask the last question again, not as a follow-up"),
        Binding("escape", "ask_everywhere", "All sources", tooltip="after \"ask within\": ask all sources again"),
        Binding("ctrl+z", "undo_clear", "Undo clear", tooltip="bring back the conversation ctrl+l cleared"),
        Binding("ctrl+b", "toggle_sources", "Sidebar", show=False, tooltip="show or hide the sources sidebar"),
        Binding("ctrl+r", "browse", "Remove sources", show=False, tooltip="the sources browser, to mark and remove"),
        Binding("ctrl+s", "export", "Export", show=False, tooltip="export the conversation to a Markdown file"),
        Binding("ctrl+y", "copy_answer", "Copy last answer", show=False, tooltip="copy the last answer (Markdown)"),
        Binding("ctrl+l", "clear", "Clear", show=False, tooltip="clear the conversation (ctrl+z brings it back)"),
        Binding("pageup", "scroll_chat(-1)", "Scroll up", show=False, tooltip="scroll the conversation"),
        Binding("pagedown", "scroll_chat(1)", "Scroll down", show=False, tooltip="scroll the conversation"),
    ]

    def __init__(self, open_library: Callable[[], Library], export_dir: Path, preferences_path: Path | None,
                 cursor_blink: bool = True) -> None:
        super().__init__()
        self.open_library = open_library
        self.library: Library | None = None
        self.export_dir = export_dir
        self.preferences_path = preferences_path
        self.cursor_blink = cursor_blink
        self.within: list[Source] = []
        self.adding: BackgroundAdd | None = None
        self._failure = ""  # why the last add failed, to show under its path
        self._listed_at = 0.0
        self._listed_generation: int | None = None
        self.theme = (preferences.load_theme(preferences_path) if preferences_path else None) or "textual-dark"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield Conversation(self._save, id="chat")
            yield SourcesPanel(id="sources-panel")
        yield FindBar(id="find-bar")
        yield QuestionInput(placeholder=PLACEHOLDER, id="question", select_on_focus=False)
        yield Footer()

    @property
    def box(self) -> QuestionInput:
        return self.query_one(QuestionInput)

    @property
    def chat(self) -> Conversation:
        return self.query_one(Conversation)

    def on_mount(self) -> None:
        self.box.cursor_blink = self.cursor_blink
        self.screen.set_focus(self.box)  # at once: keys typed as `qa` starts arrive right after this
        self.query_one(SourcesPanel).loading()
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._open()

    def on_unmount(self) -> None:
        if self.adding is not None:  # the child stops after the file in hand, keeping what it analysed
            self.adding.cancel()

    def _theme_changed(self, _: object) -> None:
        if self.preferences_path is not None:
            try:
                preferences.save_theme(self.preferences_path, self.theme)
            except OSError:
                pass  # a preference: not worth an error where the config folder is read-only

    @work(thread=True, group="open")
    def _open(self) -> None:
        from qa import history
        from qa.library import LibraryError

        try:
            library = self.open_library()
        except (LibraryError, OSError) as error:  # printed after the UI is gone: one inert sentence
            self.call_from_thread(self.exit, return_code=1, message=f"qa: {_sentence(error)}")
            return
        self._listed_generation = library.generation
        sources, past = library.sources, history.load(library.folder)
        self.call_from_thread(self._opened, library, sources, past)

    def _opened(self, library: Library, sources: list[Source], past: history.History) -> None:
        self.library = library
        self.box.recall([*past.questions, *self.box.history])
        if not self.chat.exchanges:
            self.chat.restore(past.answers)
        self.chat.opened(library, sources)
        self.query_one(SourcesPanel).show(sources)
        for warning in library.warnings[:3]:
            self.notify(inert(warning), severity="warning", markup=False)
        if len(library.warnings) > 3:
            self.notify(f"… and {len(library.warnings) - 3} more warnings.", severity="warning")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_source", "browse", "export", "copy_answer") and self.library is None:
            return None  # shown, disabled, until the library is open
        if action == "ask_last_again":
            answers = self.chat.answers
            return bool(answers and answers[-1].interpreted_as)
        if action == "ask_everywhere":
            return bool(self.within)
        if action == "undo_clear":
            return bool(self.chat.cleared)
        return True

    @on(Conversation.Changed)
    def conversation_changed(self) -> None:
        self.refresh_bindings()

    # -- asking ----------------------------------------------------------------------------

    @on(Input.Submitted, "#question")
    def submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if question:
            self.box.remember(question)
            self.box.value = ""
            self.chat.ask(question, self.chat.asked, self.within)
            self._save(self.chat.answers)

    @on(AskAgain)
    def ask_again(self, message: AskAgain) -> None:
        self.chat.ask(message.question, (), self.within)
        self.box.focus()

    def action_ask_last_again(self) -> None:
        if self.chat.answers and self.chat.answers[-1].interpreted_as:
            self.chat.ask(self.chat.answers[-1].question, (), self.within)

    def ask_within(self, sources: Sequence[Source]) -> None:
        """Restrict the next questions to ``sources``, until escape in the question box."""
        self.within = list(sources)
        first = " ".join(self.within[0].title.split())
        first = first if len(first) <= 40 else first[:39] + "…"
        more = f" and {len(self.within) - 1} more" if len(self.within) > 1 else ""
        self.box.placeholder = inert(f"Ask within {first}{more} · escape: all sources")
        self.box.add_class("within")
        self.refresh_bindings()

    def action_ask_everywhere(self) -> None:
        self.within = []
        self.box.placeholder = PLACEHOLDER
        self.box.remove_class("within")
        self.notify("Asking all sources again.")
        self.refresh_bindings()

    def _save(self, answers: list[Answer]) -> None:
        from qa import history

        if self.library is not None:
            try:
                history.save(self.library.folder, history.History(questions=self.box.history, answers=answers))
            except OSError:
                pass  # history is a convenience: a read-only folder still answers questions

    # -- viewing ---------------------------------------------------------------------------

    def open_citation(self, answer: Answer, citation: Citation) -> None:
        self._view(answer, Place.of_citation(citation))

    @on(SourceList.Opened)
    @on(OpenSource)
    def open_source(self, message: SourceList.Opened | OpenSource) -> None:
        self._view(None, Place.of_source(message.source))

    @work(group="viewer")
    async def _view(self, answer: Answer | None, place: Place) -> None:
        if self.library is None:
            return
        question = await self.push_screen_wait(PassageScreen(self.library, answer, place))
        if question:
            self.chat.ask(question, (), self.within)
        self._back_to_question()

    def _back_to_question(self) -> None:
        """After a dialog or the viewer, typing goes to the question box again."""
        if len(self.screen_stack) == 1:
            self.box.focus()

    def action_scroll_chat(self, pages: int) -> None:
        self.chat.scroll_page_down() if pages > 0 else self.chat.scroll_page_up()

    def action_find(self) -> None:
        self.query_one(FindBar).open()

    @on(FindBar.Closed)
    def find_closed(self) -> None:
        self.box.focus()

    # -- sources ---------------------------------------------------------------------------

    def action_toggle_sources(self) -> None:
        panel = self.query_one(SourcesPanel)
        panel.display = not panel.display

    @work(group="browser")
    async def action_browse(self) -> None:
        library = self.library
        if library is None:
            return
        chosen = await self.push_screen_wait(SourcesScreen(lambda: library.sources, library.layouts,
                                                           lambda: self.adding is not None))
        if chosen:
            self.ask_within(chosen)
        self._back_to_question()

    @work(group="add-dialog", exclusive=True)
    async def action_add_source(self) -> None:
        """The path dialog, then the add's progress; a path refused at once comes back with why."""
        if self.library is None:
            return
        value, error = "", ""
        while True:
            if self.adding is None:
                path = await self.push_screen_wait(AddPathScreen(value, error))
                if path is None:
                    break
                self.start_adding([path])
                value = str(path)
            job = self.adding
            assert job is not None
            choice = await self.push_screen_wait(AddProgressScreen(job.progress, job.cancelled))
            if choice is AddChoice.CANCEL:
                self.cancel_add()
            if choice is not AddChoice.ENDED or not self._failure:
                break
            error = self._failure
        self._back_to_question()

    def start_adding(self, paths: Sequence[Path]) -> None:
        if self.library is not None and self.adding is None:
            self.adding = start_add(self.library, paths, self)
            self._show_progress()

    def cancel_add(self) -> None:
        if self.adding is not None:
            self.adding.cancel()
            self._show_progress()

    @on(IndexingStatus.CancelPressed)
    def cancel_pressed(self) -> None:
        self.cancel_add()

    @on(AddProgressed)
    def add_progressed(self, message: AddProgressed) -> None:
        if message.job is self.adding:
            self._show_progress()
            if time.monotonic() - self._listed_at > LIST_REFRESH:
                self._listed_at = time.monotonic()
                self._list_if_changed()

    @work(thread=True, group="listing")
    def _list_if_changed(self) -> None:
        """Show the sources again if the add has committed a batch since they were last listed."""
        assert self.library is not None
        generation = self.library.generation
        if generation != self._listed_generation:
            self._listed_generation = generation
            self.call_from_thread(self._show_sources, self.library.sources)

    def _show_sources(self, sources: list[Source]) -> None:
        self.query_one(SourcesPanel).show(sources)
        self.chat.show_sources(sources)

    def _show_progress(self) -> None:
        job = self.adding
        self.query_one(SourcesPanel).query_one(IndexingStatus).display = job is not None
        for screen in self.screen_stack:
            for status in screen.query(IndexingStatus):
                status.show(job.progress if job else None, job is not None and job.cancelled)

    @on(AddEnded)
    def _added(self, ended: AddEnded) -> None:
        job, results, error = ended.job, ended.results, ended.error
        self.adding = None
        self._show_progress()
        message, failed = summary(results, job.cancelled) if error is None else (error, True)
        errors = [r.error for r in results if r.error]
        dialog = self.screen if isinstance(self.screen, AddProgressScreen) else None
        self._failure = (errors[0] if len(errors) == 1 else message) if failed and not job.cancelled else ""
        if dialog is not None:
            dialog.dismiss(AddChoice.ENDED)
        if not (self._failure and dialog is not None):  # else said in the dialog, under the path
            self.notify(inert(message), title="Sources", severity="error" if failed else "information",
                        markup=False, timeout=8)
        self._list_again()

    @work(thread=True, group="listing")
    def _list_again(self) -> None:
        assert self.library is not None
        self.call_from_thread(self._show_sources, self.library.sources)

    @on(RemoveSources)
    def remove_sources(self, message: RemoveSources) -> None:
        if self.library is not None:
            self._remove(self.library, message.sources)

    @work(thread=True, group="sources")
    def _remove(self, library: Library, sources: list[Source]) -> None:
        from qa.library import LibraryError

        try:
            gone = library.remove([s.id for s in sources])
        except (LibraryError, OSError) as error:
            self.call_from_thread(self.notify, _sentence(error), severity="error", markup=False)
            return
        self.call_from_thread(self._removed, gone, library.sources)

    def _removed(self, gone: list[Source], sources: list[Source]) -> None:
        names = gone[0].title if len(gone) == 1 else plural(len(gone), "source")
        self.notify(inert(f"Removed {names}."), markup=False)
        removed = {s.id for s in gone}
        if any(s.id in removed for s in self.within):
            remaining = [s for s in self.within if s.id not in removed]
            self.ask_within(remaining) if remaining else self.action_ask_everywhere()
        self._show_sources(sources)

    # -- the conversation as a whole -------------------------------------------------------

    def markdown(self, last_only: bool = False) -> str:
        from qa.transcript import to_markdown

        exchanges = self.chat.exchanges[-1:] if last_only else self.chat.exchanges
        return to_markdown([e.answer for e in exchanges], title="Answer" if last_only else "Conversation",
                           within=[e.within for e in exchanges])

    def action_export(self) -> None:
        from qa.store import atomic_write

        if not self.chat.exchanges:
            self.notify("Nothing to export yet: ask a question first.")
            return
        path = self.export_dir / f"qa-conversation-{datetime.now():%Y%m%d-%H%M%S}.md"
        try:
            atomic_write(path, self.markdown().encode())
        except OSError as error:
            self.notify(describe_os_error(error, path), severity="error", markup=False)
            return
        self.notify(inert(f"Conversation written to {path}"), title="Exported", markup=False)

    def action_copy_answer(self) -> None:
        if not self.chat.exchanges:
            self.notify("No answer to copy yet.")
            return
        self.copy_to_clipboard(self.markdown(last_only=True))
        self.notify("The last answer is on the clipboard.")

    async def action_clear(self) -> None:
        await self.chat.clear()
        if self.chat.cleared:
            self.notify("Conversation cleared: ctrl+z brings it back (until the next question).",
                        title="Cleared", timeout=8)

    async def action_undo_clear(self) -> None:
        await self.chat.undo_clear()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(help_sections()), lambda _: self._back_to_question())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette: every key of the app, from its bindings, with what it does."""
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            if self.check_action(binding.action, ()) and binding.action != "scroll_chat":
                yield SystemCommand(binding.description, f"{binding.tooltip} ({binding.key.split(',')[0]})",
                                    lambda action=binding.action: self.run_action(action))
        if self.adding is not None:
            yield SystemCommand("Cancel the add", "Stop adding after the file in hand", self.cancel_add)


# Textual's own keys, described for the help (the app inherits them).
BUILT_IN = [Binding("ctrl+p", "command_palette", tooltip="the command palette: every action by name, and themes"),
            Binding("ctrl+q", "quit", tooltip="quit (an add in progress stops after the file in hand)")]


def help_sections() -> list[tuple[str, Sequence[Binding]]]:
    return [("Everywhere", [*QaApp.BINDINGS, *BUILT_IN]), ("In the question box", QuestionInput.BINDINGS),
            ("On a selected answer (shift+tab selects; other keys go to the question box)", AnswerView.BINDINGS),
            ("In the passage viewer", [*PassageScreen.BINDINGS, *PassageText.BINDINGS]),
            ("In the sources browser (f2)", SourcesScreen.BINDINGS)]


def _sentence(error: Exception) -> str:
    """An error as one inert sentence for a notification."""
    return describe_os_error(error) if isinstance(error, OSError) else inert(str(error))


def run(folder: Path, settings: Settings) -> int:
    """Run the UI over the library in ``folder``; the exit code (1 if it could not be opened).

    The library is opened in the app's worker, after its first frame: the engine (NLTK, NumPy)
    is imported there.
    """
    def open_library() -> Library:
        from qa.library import Library

        return Library.open(folder, settings, create=True)

    _start_worker_helpers()
    app = build(open_library, preferences_path=preferences.preferences_path())
    app.run()
    return app.return_code or 0


def _start_worker_helpers() -> None:
    """Start multiprocessing's fork server (and its resource tracker) while stderr is the terminal's.

    A large add analyses files in worker processes through a fork server. Started from inside
    the app, where ``sys.stderr`` is Textual's capture with no file descriptor, the helper fails
    ("bad value(s) in fds_to_keep") and the add crashes the UI.
    """
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        forkserver.ensure_running()


def build(open_library: Callable[[], Library], export_dir: Path | None = None,
          preferences_path: Path | None = None, cursor_blink: bool = True) -> QaApp:
    """The app, the same for production and tests (which give their own folders)."""
    return QaApp(open_library, export_dir or Path.cwd(), preferences_path, cursor_blink)
