"""The terminal UI: a chat over the sources, with citations that open to their passage.

A thin client of `qa.Library`. The app opens the library (in a worker, after its first frame,
before which the engine is not imported) and hands it to the conversation (`tui.conversation`),
the main pane, which holds the sidebar (`tui.sidebar`, with the adds: `tui.adding`) and the
viewer and browser (`tui.reading`); each piece owns its keys. The app keeps the keys that work
everywhere, which open those pieces' screens and the help.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header

from tui import keys, preferences
from tui.adding import Adding
from tui.conversation import Conversation
from tui.sidebar import SourcesPanel
from tui.text import said
from tui.widgets import QuestionInput

if TYPE_CHECKING:
    from qa import Library, history
    from qa.models import Answer, Citation, Source
    from tui.browser import (  # handled by name: imported when first opened
        OpenSource,
        RemoveSources,
    )


class QaApp(keys.KeysInOrderApp[None]):
    TITLE = "qa"
    SUB_TITLE = "answers quoted from your sources"
    CSS_PATH = "qa.tcss"
    SUSPENDED_SCREEN_CLASS = "-under-another"
    # The keys that open a screen hold the keys typed after them for it (`hold_keys_for_screen`),
    # and work from any widget (priority), a text box included.
    BINDINGS = [
        Binding("f1", "help", "Help", priority=True, tooltip="this help"),
        Binding("ctrl+o", "add_source", "Add", priority=True,
                tooltip="add files or a folder (while adding: its progress)"),
        Binding("f2", "browse", "Sources", priority=True,
                tooltip="browse the sources: filter, open, mark, ask within, remove"),
        Binding("ctrl+r", "browse", "Remove sources", show=False, tooltip="the sources browser, to mark and remove"),
        Binding("ctrl+b", "toggle_sources", "Sidebar", show=False, tooltip="show or hide the sources sidebar"),
    ]

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
        yield Conversation(self.export_dir, id="conversation")
        yield keys.FittingFooter()

    @property
    def chat(self) -> Conversation:
        return self.query_one(Conversation)

    @property
    def adding(self) -> Adding:
        return self.query_one(Adding)

    def on_mount(self) -> None:
        box = self.query_one(QuestionInput)
        box.cursor_blink = self.cursor_blink
        self.screen.set_focus(box)  # at once: keys typed as `qa` starts arrive right after this
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
        self.chat.opened(library, sources, past)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_source", "browse") and self.library is None:
            return None  # shown, disabled, until the library is open
        return not (action == "browse" and self.chat.reading.browsing)

    def open_citation(self, answer: Answer, citation: Citation) -> None:
        self.chat.reading.citation(answer, citation)

    def on_open_source(self, message: OpenSource) -> None:  # from the browser, on top of it
        self.chat.reading.source(message.source)

    def action_browse(self) -> None:
        self.hold_keys_for_screen()  # here, not in the worker: that starts after the next keys
        self.chat.reading.browse(lambda: self.adding.job is not None)

    def on_remove_sources(self, message: RemoveSources) -> None:
        self.query_one(SourcesPanel).remove(message.sources, message.folders)

    def action_add_source(self) -> None:
        self.hold_keys_for_screen()
        self._add_source()

    @work(group="add-dialog", exclusive=True)
    async def _add_source(self) -> None:
        await self.adding.dialog()
        self.chat.back_to_question()

    def action_toggle_sources(self) -> None:
        sidebar = self.query_one(SourcesPanel)
        sidebar.display = not sidebar.display

    def action_help(self) -> None:
        from tui.dialogs import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.hold_keys_for_screen()
        self.push_screen(HelpScreen(keys.help_sections(self)), self.chat.back_to_question)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Textual's "Keys" panel stood beside Help, which lists every key of every screen.
        yield from (command for command in super().get_system_commands(screen) if command.title != "Keys")
        yield from keys.palette(self, [self, self.chat, self.query_one(SourcesPanel)])


def build(open_library: Callable[[], Library], export_dir: Path | None = None,
          preferences_path: Path | None = None, cursor_blink: bool = True) -> QaApp:
    """The app, the same for `qa` and the tests (which give their own folders)."""
    return QaApp(open_library, export_dir or Path.cwd(), preferences_path, cursor_blink)
