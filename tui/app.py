"""The terminal UI: a chat over the sources, with citations that open to their passage.

A thin client of `qa.Library`: no retrieval or answer logic lives here. The app shows itself
at once and opens the library in a worker; questions typed meanwhile wait their turn. Slow
work (opening, asking, removing, listing) runs in threads, one question at a time so answers
arrive in the order asked. Adding runs in a child process (`qa.background`): its analysis
would otherwise compete with typing for the interpreter, and questions asked meanwhile are
answered from what it has committed so far.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Static

from qa import Library, LibraryError, Settings
from qa import history as saved
from qa.display import describe_os_error, inert, plural
from qa.background import AddFailed, BackgroundAdd
from qa.models import AddProgress, Answer, Source
from qa.store import atomic_write
from qa.transcript import to_markdown
from tui.browser import SourcesScreen
from tui.dialogs import AddSourceScreen, HelpScreen
from tui.finder import FindBar
from tui.indexing import AddEnded, IndexingStatus, summary
from tui.source_list import SourceList
from tui.viewer import PassageScreen, Place
from tui.widgets import (AnswerView, AskAgain, OpenCitation, QuestionInput, QuestionView,
                         SourcesPanel, welcome)

PLACEHOLDER = "Ask a question about your sources…"
# While adding, whether a batch has landed is checked this often (seconds); only then is the
# sidebar's list re-read (listing 10,000 sources takes a fifth of a second of the interpreter).
LIST_REFRESH = 1.0


class QaApp(App[None]):
    TITLE = "qa"
    SUB_TITLE = "answers quoted from your sources"
    CSS_PATH = "qa.tcss"
    BINDINGS = [
        Binding("f1", "help", "Help", id="help"),
        Binding("ctrl+o", "add_source", "Add", id="add"),
        Binding("f2", "browse", "Sources", id="browse"),
        Binding("ctrl+f", "find", "Find", id="find"),
        Binding("ctrl+g", "ask_last_again", "Ask alone", id="ask-again"),
        Binding("ctrl+b", "toggle_sources", "Sidebar", id="sidebar", show=False),
        Binding("ctrl+r", "browse", "Remove sources", id="remove", show=False),
        Binding("ctrl+s", "export", "Export", id="export", show=False),
        Binding("ctrl+y", "copy_answer", "Copy last answer", id="copy", show=False),
        Binding("ctrl+l", "clear", "Clear", id="clear", show=False),
        Binding("escape", "ask_everywhere", "All sources", id="everywhere"),
        Binding("pageup", "scroll_chat(-1)", "Scroll up", show=False),
        Binding("pagedown", "scroll_chat(1)", "Scroll down", show=False),
    ]

    adding: var[BackgroundAdd | None] = var(None)
    add_progress: var[AddProgress | None] = var(None)

    def __init__(self, folder: Path, open_library: Callable[[], Library], export_dir: Path | None = None,
                 cursor_blink: bool = True) -> None:
        super().__init__()
        self.folder = folder
        self.open_library = open_library
        self.library: Library | None = None
        self.export_dir = export_dir or Path.cwd()
        self.cursor_blink = cursor_blink
        self.answers: list[Answer] = []
        self.queue: list[tuple[str, tuple[str, ...], list[str] | None]] = []
        self.answering = False
        self.within: list[Source] = []
        self._listed_at = 0.0
        self._listed_generation: int | None = None
        self.theme = "textual-dark"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield VerticalScroll(id="chat")
            yield SourcesPanel(id="sources-panel")
        yield FindBar(id="find-bar")
        yield QuestionInput(placeholder=PLACEHOLDER, id="question", select_on_focus=False)
        yield Footer()

    def on_mount(self) -> None:
        box = self.query_one(QuestionInput)
        box.cursor_blink = self.cursor_blink
        self.screen.set_focus(box)  # at once: keys typed as `qa` starts arrive right after this
        chat = self.query_one("#chat", VerticalScroll)
        self.query_one(SourcesPanel).loading()
        past = saved.load(self.folder)
        box.recall(past.questions)
        chat.mount(Static(welcome(None), classes="welcome"))
        if past.answers:
            self._append(Static(Text("Your last conversation with this library (ctrl+l clears it):",
                                     style="dim italic"), classes="restored"))
            for answer in past.answers:
                self._append(QuestionView(answer.question), AnswerView(answer))
            self.answers = list(past.answers)
        self.set_interval(0.1, self._poll_progress)
        self._open()

    def on_unmount(self) -> None:
        if self.adding is not None:  # the child stops after the file in hand, keeping what it analysed
            self.adding.cancel()

    # -- opening ---------------------------------------------------------------------------

    @work(thread=True, group="open")
    def _open(self) -> None:
        try:
            library = self.open_library()
        except (LibraryError, OSError) as error:  # printed after the UI is gone: one inert sentence
            self.call_from_thread(self.exit, return_code=1, message=f"qa: {_sentence(error)}")
            return
        self._listed_generation = library.generation
        sources = library.sources
        self.call_from_thread(self._opened, library, sources)

    def _opened(self, library: Library, sources: list[Source]) -> None:
        self.library = library
        self._renew_welcome(sources)
        self.query_one(SourcesPanel).show(sources)
        for warning in library.warnings[:3]:
            self.notify(inert(warning), severity="warning", markup=False)
        if len(library.warnings) > 3:
            self.notify(f"… and {len(library.warnings) - 3} more warnings.", severity="warning")
        self.refresh_bindings()
        self._next_question()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_source", "browse", "export", "copy_answer") and self.library is None:
            return None  # shown, disabled, until the library is open
        if action == "ask_last_again":
            return bool(self.answers and self.answers[-1].interpreted_as)
        if action == "ask_everywhere":
            return bool(self.within)
        return True

    # -- asking ----------------------------------------------------------------------------

    @on(Input.Submitted, "#question")
    def submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if not question:
            return
        box = self.query_one(QuestionInput)
        box.remember(question)
        box.value = ""
        earlier = tuple(a.question for a in self.answers) + tuple(q for q, _, _ in self.queue)
        self._ask(question, earlier)
        self._save()

    def _ask(self, question: str, previous: tuple[str, ...]) -> None:
        within = [s.id for s in self.within] or None
        self._append(QuestionView(question))
        if self.library is None:
            self._append(Static(Text("The library is still opening: this is answered as soon as it is ready.",
                                   style="dim italic"), classes="pending"))
        self.queue.append((question, previous, within))
        self._next_question()

    def _append(self, *widgets: Widget) -> None:
        """Add to the conversation and keep its end in view (newest at the bottom)."""
        chat = self.query_one("#chat", VerticalScroll)
        chat.mount(*widgets)
        self.call_after_refresh(chat.scroll_end, animate=False)

    def _next_question(self) -> None:
        if self.library is not None and self.queue and not self.answering:
            self.answering = True
            self._answer(self.library, *self.queue.pop(0))

    @work(thread=True, group="answers")
    def _answer(self, library: Library, question: str, previous: tuple[str, ...],
                within: list[str] | None) -> None:
        try:
            answer = library.ask(question, previous, sources=within)
        except LibraryError as error:
            self.call_from_thread(self._answered, None, str(error))
            return
        self.call_from_thread(self._answered, answer, None)

    def _answered(self, answer: Answer | None, error: str | None) -> None:
        self.answering = False
        pending = self.query(".pending")
        if pending:
            pending.first().remove()
        if answer is not None:
            self.answers.append(answer)
            self._append(AnswerView(answer))
            self._save()
            self.refresh_bindings()
        else:
            self.notify(inert(error or ""), severity="error", markup=False)
        self._next_question()

    @on(AskAgain)
    def ask_again(self, message: AskAgain) -> None:
        self._ask(message.question, ())
        self.query_one(QuestionInput).focus()

    def action_ask_last_again(self) -> None:
        if self.answers and self.answers[-1].interpreted_as:
            self._ask(self.answers[-1].question, ())

    def ask_within(self, sources: Sequence[Source]) -> None:
        """Restrict the next questions to ``sources``, until escape in the question box."""
        self.within = list(sources)
        first = " ".join(self.within[0].title.split())
        first = first if len(first) <= 40 else first[:39] + "…"
        more = f" and {len(self.within) - 1} more" if len(self.within) > 1 else ""
        box = self.query_one(QuestionInput)
        box.placeholder = inert(f"Ask within {first}{more} · escape: all sources")
        box.add_class("within")
        self.refresh_bindings()

    def action_ask_everywhere(self) -> None:
        self.within = []
        box = self.query_one(QuestionInput)
        box.placeholder = PLACEHOLDER
        box.remove_class("within")
        self.notify("Asking all sources again.")
        self.refresh_bindings()

    def _save(self) -> None:
        record = saved.History(questions=self.query_one(QuestionInput).history, answers=self.answers)
        try:
            saved.save(self.folder, record)
        except OSError:
            pass  # history is a convenience: a read-only folder still answers questions

    # -- viewing ---------------------------------------------------------------------------

    @on(OpenCitation)
    def open_citation(self, message: OpenCitation) -> None:
        self._view(message.answer, Place.of_citation(message.citation))

    @on(SourceList.Opened, ".panel-list")
    def open_from_sidebar(self, message: SourceList.Opened) -> None:
        self.open_source(message.source)

    def open_source(self, source: Source) -> None:
        self._view(None, Place.of_source(source))

    def _view(self, answer: Answer | None, place: Place) -> None:
        if self.library is None:
            return
        self.push_screen(PassageScreen(self.library.text, answer, place), self._back_to_question)

    def _back_to_question(self, _: object = None) -> None:
        """After a dialog or the viewer, typing goes to the question box again."""
        if len(self.screen_stack) == 1:
            self.query_one(QuestionInput).focus()

    def action_scroll_chat(self, pages: int) -> None:
        chat = self.query_one("#chat", VerticalScroll)
        chat.scroll_page_down() if pages > 0 else chat.scroll_page_up()

    def action_find(self) -> None:
        self.query_one(FindBar).open()

    @on(FindBar.Closed)
    def find_closed(self) -> None:
        self.query_one(QuestionInput).focus()

    # -- sources ---------------------------------------------------------------------------

    def action_toggle_sources(self) -> None:
        panel = self.query_one(SourcesPanel)
        panel.display = not panel.display

    def action_browse(self) -> None:
        if self.library is not None:
            library = self.library
            self._list_then(lambda sources: self.push_screen(SourcesScreen(sources, library.layouts),
                                                             self._back_to_question))

    @work(thread=True, group="listing")
    def _list_then(self, show: Callable[[list[Source]], object]) -> None:
        """Read the sources off the UI thread (a big library takes a moment), then ``show`` them."""
        assert self.library is not None
        sources = self.library.sources
        self.call_from_thread(show, sources)

    def _show_sources(self, sources: list[Source]) -> None:
        self.query_one(SourcesPanel).show(sources)

    def action_add_source(self) -> None:
        if self.library is not None:
            self.push_screen(AddSourceScreen(), self._back_to_question)

    def start_add(self, paths: Sequence[Path]) -> None:
        if self.library is None or self.adding is not None:
            return
        self.adding = BackgroundAdd(self.library.folder, self.library.settings, paths)
        # A daemon thread, not a worker: quitting must not wait for the child, which finishes
        # the file in hand and commits what it analysed on its own.
        threading.Thread(target=self._follow_add, args=(self.adding,), name="qa-add", daemon=True).start()

    def cancel_add(self) -> None:
        if self.adding is not None:
            self.adding.cancel()
            self._show_progress()

    @on(IndexingStatus.CancelPressed)
    def cancel_pressed(self) -> None:
        self.cancel_add()

    def _follow_add(self, job: BackgroundAdd) -> None:
        """Follow the child process to its end (this thread only reads its lines)."""
        try:
            self.post_message(AddEnded(job, job.run(), None))
        except AddFailed as error:
            self.post_message(AddEnded(job, [], inert(str(error))))

    def watch_adding(self, job: BackgroundAdd | None) -> None:
        self.query_one(SourcesPanel).query_one(IndexingStatus).display = job is not None
        self._show_progress()

    def _poll_progress(self) -> None:
        """The worker only writes its progress; the screen catches up ten times a second."""
        if self.adding is not None and self.adding.progress is not self.add_progress:
            self.add_progress = self.adding.progress
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

    def _show_progress(self) -> None:
        job = self.adding
        for status in [*self.query(IndexingStatus), *self.screen.query(IndexingStatus)]:
            status.show(job.progress if job else None, job is not None and job.cancelled)

    @on(AddEnded)
    def _added(self, ended: AddEnded) -> None:
        job, results, error = ended.job, ended.results, ended.error
        self.adding = None
        self.add_progress = None
        dialog = self.screen if isinstance(self.screen, AddSourceScreen) else None
        message, failed = summary(results, job.cancelled) if error is None else (error, True)
        if failed and dialog is not None and not job.cancelled:
            errors = [r.error for r in results if r.error]
            dialog.failed(errors[0] if len(errors) == 1 else message)
        else:
            if dialog is not None:
                dialog.dismiss()
            self.notify(inert(message), title="Sources", severity="error" if failed else "information",
                        markup=False, timeout=8)
        self._list_then(self._opened_sources)

    def _opened_sources(self, sources: list[Source]) -> None:
        self._show_sources(sources)
        self._renew_welcome(sources)

    def _renew_welcome(self, sources: list[Source]) -> None:
        """The welcome (if still shown) with these sources, the conversation's end kept in view.

        A new widget in place of the old, not an update of it: an updated one could keep its
        old height, cut short, for a while above a restored conversation.
        """
        shown = self.query(".welcome")
        if not shown:
            return
        chat = self.query_one("#chat", VerticalScroll)
        at_end = chat.scroll_y >= chat.max_scroll_y
        old = shown.first(Static)
        chat.mount(Static(welcome(sources), classes="welcome"), before=old)
        old.remove()
        if at_end:
            self.call_after_refresh(chat.scroll_end, animate=False)

    def remove_sources(self, sources: Sequence[Source]) -> None:
        if self.library is not None:
            self._remove(self.library, list(sources))

    @work(thread=True, group="sources")
    def _remove(self, library: Library, sources: list[Source]) -> None:
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
            if remaining:
                self.ask_within(remaining)
            else:
                self.action_ask_everywhere()
        self._opened_sources(sources)

    # -- conversation ----------------------------------------------------------------------

    def action_export(self) -> None:
        if not self.answers:
            self.notify("Nothing to export yet: ask a question first.")
            return
        path = self.export_dir / f"qa-conversation-{datetime.now():%Y%m%d-%H%M%S}.md"
        try:
            atomic_write(path, to_markdown(self.answers).encode())
        except OSError as error:
            self.notify(describe_os_error(error, path), severity="error", markup=False)
            return
        self.notify(inert(f"Conversation written to {path}"), title="Exported", markup=False)

    def action_copy_answer(self) -> None:
        if not self.answers:
            self.notify("No answer to copy yet.")
            return
        self.copy_to_clipboard(to_markdown(self.answers[-1:], title="Answer"))
        self.notify("The last answer is on the clipboard.")

    async def action_clear(self) -> None:
        self.answers.clear()
        chat = self.query_one("#chat")
        await chat.remove_children()
        sources = None if self.library is None else self.query_one(SourcesPanel).query_one(SourceList).rows
        await chat.mount(Static(welcome(sources), classes="welcome"))
        self._save()
        self.refresh_bindings()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(), self._back_to_question)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = [
            ("Add sources", "Copy files or a folder into the sources and index them (ctrl+o)",
             self.action_add_source),
            ("Browse sources", "Filter, open, ask within or remove sources (f2)", self.action_browse),
            ("Remove sources", "Mark sources in the browser, then ctrl+r (ctrl+r)", self.action_browse),
            ("Find in the conversation", "Search questions and answers (ctrl+f)", self.action_find),
            ("Ask all sources", "Stop asking within chosen sources (escape)", self.action_ask_everywhere),
            ("Re-ask the last question alone", "Not as a follow-up (ctrl+g)", self.action_ask_last_again),
            ("Export conversation", "Write the conversation to a Markdown file (ctrl+s)", self.action_export),
            ("Copy last answer", "As Markdown, to the clipboard (ctrl+y)", self.action_copy_answer),
            ("Clear conversation", "Start again with an empty chat (ctrl+l)", self.action_clear),
            ("Toggle sidebar", "Show or hide the list of sources (ctrl+b)", self.action_toggle_sources),
            ("Help", "Every key (f1)", self.action_help),
        ]
        for title, help_text, callback in commands:
            yield SystemCommand(title, help_text, callback)


def _sentence(error: LibraryError | OSError) -> str:
    """An error as one inert sentence for a notification."""
    return describe_os_error(error) if isinstance(error, OSError) else inert(str(error))


def _start_worker_helpers() -> None:
    """Start multiprocessing's fork server (and its resource tracker) while stderr is the terminal's.

    A large add analyses files in worker processes through a fork server. Started from inside
    the app, where ``sys.stderr`` is Textual's capture with no file descriptor, the helper fails
    ("bad value(s) in fds_to_keep") and the add crashes the UI.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        forkserver.ensure_running()


def run(folder: Path, settings: Settings) -> int:
    """Run the UI over the library in ``folder``; the exit code (1 if it could not be opened)."""
    _start_worker_helpers()
    app = QaApp(folder, lambda: Library.open(folder, settings, create=True))
    app.run()
    return app.return_code or 0
