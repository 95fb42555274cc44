"""The terminal UI: a chat over the sources, with citations that open to their passage.

A thin client of `qa.Library` that wires keys (`tui.keys`) and messages to its pieces: the
conversation (`tui.conversation`), the sidebar with the adds (`tui.sidebar`, `tui.adding`), the
browser (`tui.browser`) and the viewer (`tui.viewer`). It draws its first frame before the
engine is imported and opens the library in a worker; dialogs are typed screens awaited in workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Input

from qa.display import inert
from tui import keys, preferences
from tui.adding import Adding
from tui.conversation import Conversation
from tui.finder import FindBar
from tui.sidebar import SourcesPanel
from tui.text import said
from tui.widgets import AnswerView, AskAgain, QuestionInput

if TYPE_CHECKING:
    from qa import Library, history
    from qa.models import Answer, Citation, Source
    from tui.browser import OpenSource, RemoveSources
    from tui.source_list import SourceList
    from tui.viewer import Place

# The screens (browser, viewer, dialogs) are imported when first opened, not before the first
# frame; messages from them are handled by name (`on_open_source`) for the same reason.


class QaApp(keys.EscapeThenKeyApp[None]):
    TITLE = "qa"
    SUB_TITLE = "answers quoted from your sources"
    CSS_PATH = "qa.tcss"
    BINDINGS = keys.APP_BINDINGS

    def __init__(self, open_library: Callable[[], Library], export_dir: Path, preferences_path: Path | None,
                 cursor_blink: bool = True) -> None:
        super().__init__()
        self.open_library = open_library
        self.library: Library | None = None
        self.export_dir = export_dir
        self.preferences_path = preferences_path
        self.cursor_blink = cursor_blink
        self.theme = "textual-dark"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield Conversation(lambda: self.box.history, id="chat")
            yield SourcesPanel(id="sources-panel")
        yield FindBar(id="find-bar")
        yield QuestionInput(placeholder="Ask a question about your sources…", id="question", select_on_focus=False)
        yield Footer()

    @property
    def box(self) -> QuestionInput:
        return self.query_one(QuestionInput)

    @property
    def chat(self) -> Conversation:
        return self.query_one(Conversation)

    @property
    def sidebar(self) -> SourcesPanel:
        return self.query_one(SourcesPanel)

    @property
    def adding(self) -> Adding:
        return self.query_one(Adding)

    def on_mount(self) -> None:
        self.box.cursor_blink = self.cursor_blink
        self.screen.set_focus(self.box)  # at once: keys typed as `qa` starts arrive right after this
        if self.preferences_path is not None:
            preferences.keep_theme(self, self.preferences_path)
        self.call_after_refresh(self._open)  # after the first frame: its imports would hold it back

    @work(thread=True, group="open")
    def _open(self) -> None:
        from qa import history
        from qa.errors import LibraryError

        try:
            library = self.open_library()
        except (LibraryError, OSError) as error:  # printed after the UI is gone: one inert sentence
            self.call_from_thread(self.exit, return_code=1, message=f"qa: {said(error)}")
            return
        sources, past = library.sources, history.load(library.folder)
        self.call_from_thread(self._opened, library, sources, past)

    def _opened(self, library: Library, sources: list[Source], past: history.History) -> None:
        self.library = library
        self.box.recall([*past.questions, *self.box.history])
        self.chat.restore(past.answers, past.cleared)
        self.chat.opened(library, sources)
        self.sidebar.opened(library, sources)
        for warning in library.warnings[:3]:
            self.notify(inert(warning), severity="warning", markup=False)
        if len(library.warnings) > 3:
            self.notify(f"… and {len(library.warnings) - 3} more warnings.", severity="warning")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_source", "browse", "export", "copy_answer") and self.library is None:
            return None  # shown, disabled, until the library is open
        return {"ask_last_again": self.chat.last_is_follow_up, "ask_corrected": bool(self.chat.last_corrected),
                "ask_everywhere": bool(self.chat.within),
                "undo_clear": bool(self.chat.cleared)}.get(action, True)

    @on(Conversation.Changed)
    def conversation_changed(self) -> None:
        self.refresh_bindings()

    def _back_to_question(self, _: object = None) -> None:
        """After a dialog or the viewer, typing goes to the question box again."""
        if len(self.screen_stack) == 1:
            self.box.focus()

    @on(Input.Submitted, "#question")
    def submitted(self, event: Input.Submitted) -> None:
        if question := event.value.strip():
            self.box.remember(question)
            self.box.value = ""
            self.chat.ask(question)

    @on(AskAgain)
    def ask_again(self, message: AskAgain) -> None:
        self.chat.ask(message.question, alone=message.alone)
        self.box.focus()

    def ask_within(self, sources: Sequence[Source]) -> None:
        """Ask the next questions within ``sources`` (none: all of them again)."""
        self.chat.within = tuple(sources)
        self.box.show_within(sources)
        self.refresh_bindings()

    @on(SourcesPanel.Removed)
    def removed(self, message: SourcesPanel.Removed) -> None:
        if any(s.id in message.source_ids for s in self.chat.within):
            self.ask_within([s for s in self.chat.within if s.id not in message.source_ids])

    def open_citation(self, answer: Answer, citation: Citation) -> None:
        from tui.viewer import Place

        self._view(answer, Place.of_citation(citation))

    def on_open_source(self, message: OpenSource | SourceList.Opened) -> None:
        from tui.viewer import Place

        self._view(None, Place.of_source(message.source))

    on_source_list_opened = on_open_source

    @work(group="viewer")
    async def _view(self, answer: Answer | None, place: Place) -> None:
        from tui.viewer import PassageScreen

        if self.library is not None:
            if question := await self.push_screen_wait(PassageScreen(self.library, answer, place)):
                self.chat.ask(question, alone=True)
            self._back_to_question()

    @work(group="browser")
    async def action_browse(self) -> None:
        from tui.browser import SourcesScreen

        if (library := self.library) is not None:
            screen = SourcesScreen(lambda: library.sources, library.layouts, lambda: self.adding.job is not None)
            if chosen := await self.push_screen_wait(screen):
                self.ask_within(chosen)
            self._back_to_question()

    def on_remove_sources(self, message: RemoveSources) -> None:
        self.sidebar.remove(message.sources, message.folders)

    @on(SourcesPanel.Listed)
    def listed(self, message: SourcesPanel.Listed) -> None:
        self.chat.show_sources(message.sources)

    @work(group="add-dialog", exclusive=True)
    async def action_add_source(self) -> None:
        await self.adding.dialog()
        self._back_to_question()

    @on(FindBar.Closed)
    def find_closed(self) -> None:
        self.box.focus()

    def action_help(self) -> None:
        from tui.dialogs import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(keys.help_sections()), self._back_to_question)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from keys.palette(lambda action: bool(self.check_action(action, ())), self.run_action)
        if self.adding.job is not None:
            yield SystemCommand("Cancel the add", "Stop adding after the file in hand", self.adding.cancel)

    # The keys that act on one piece, handed to it.
    def action_select_answer(self) -> None:
        """From the question box, shift+tab selects the newest answer (Textual's order: the sidebar)."""
        answers = self.query(AnswerView)
        answers.last().focus() if answers else self.action_focus_previous()

    def action_ask_last_again(self) -> None:
        self.chat.ask_last_alone()

    def action_ask_corrected(self) -> None:
        if question := self.chat.last_corrected:
            self.chat.ask(question)

    def action_ask_everywhere(self) -> None:
        self.ask_within([])
        self.notify("Asking all sources again.")

    def action_scroll_chat(self, pages: int) -> None:
        self.chat.scroll_page_down() if pages > 0 else self.chat.scroll_page_up()

    def action_find(self) -> None:
        self.query_one(FindBar).open()

    def action_toggle_sources(self) -> None:
        self.sidebar.display = not self.sidebar.display

    def action_export(self) -> None:
        self.chat.export(self.export_dir)

    def action_copy_answer(self) -> None:
        self.chat.copy_last()

    async def action_clear(self) -> None:
        await self.chat.clear()

    async def action_undo_clear(self) -> None:
        await self.chat.undo_clear()


def build(open_library: Callable[[], Library], export_dir: Path | None = None,
          preferences_path: Path | None = None, cursor_blink: bool = True) -> QaApp:
    """The app, the same for `qa` and the tests (which give their own folders)."""
    return QaApp(open_library, export_dir or Path.cwd(), preferences_path, cursor_blink)
