"""The sources browser: type to filter, enter opens, space marks, then ask within or remove."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from qa.display import inert, library_name, plural, source_labels
from tui.dialogs import ConfirmScreen
from tui.keys import FittingFooter, hold_keys_for_screen
from tui.source_list import FOLLOWED_MARK, CountLayouts, SourceList
from tui.text import shown, size

if TYPE_CHECKING:
    from qa.models import Source

HELP = "type to filter · enter opens · tab, then space marks"
# A removal names at most this many sources in its confirmation, then says how many more.
NAMED_IN_CONFIRMATION = 8


def haystack(source: Source) -> str:
    """What a filter is matched against: the title and the path in the library, case folded."""
    return f"{source.title} {library_name(source)}".casefold()


def matches(haystack: str, terms: Sequence[str]) -> bool:
    return all(term in haystack for term in terms)


def removal(files: Sequence[Source], folders: Sequence[str], sources: Sequence[Source]) -> tuple[Text, Text, str]:
    """A confirmation's question, its detail and its yes, for deleting ``files`` and no longer
    following ``folders`` (whose sources among ``sources`` are counted)."""
    asks, details, yeses = [], [], []
    if files:
        names = [f"  • {inert(s.title)} ({inert(library_name(s))})" for s in files[:NAMED_IN_CONFIRMATION]]
        if len(files) > NAMED_IN_CONFIRMATION:
            names.append(f"  … and {len(files) - NAMED_IN_CONFIRMATION:,} more")
        asks.append(f"delete {plural(len(files), 'source')} from the sources folder")
        one = len(files) == 1
        originals = ("; the original you added it from is not touched" if one else
                     "; the originals you added them from are not touched") if any(s.origin for s in files) else ""
        details.append("\n".join(names) + f"\n\nThe {'file is' if one else 'files are'} deleted from "
                       f"{inert(str(files[0].path.parent))}{originals}.")
        yeses.append(f"Delete {plural(len(files), 'file')}")
    if folders:
        named = ", ".join(inert(folder) for folder in folders)
        counts = [sum(s.followed == folder for s in sources) for folder in folders]
        asks.append(f"stop following {named}")
        details.append(f"{'It is a followed folder' if len(folders) == 1 else 'They are followed folders'}: "
                       f"{plural(sum(counts), 'source')} {'leaves' if sum(counts) == 1 else 'leave'} the library; the "
                       f"{'folder and its files are' if len(folders) == 1 else 'folders and their files are'} "
                       "not touched (qa never deletes a followed folder's files).")
        yeses.append("Stop following")
    question = " and ".join(asks)
    return (Text(question[0].upper() + question[1:] + "?", style="bold"),
            shown("\n\n".join(details), multiline=True), ", ".join(yeses))


async def confirmed_removal(asker: Widget | Screen, files: Sequence[Source], folders: Sequence[str],
                            sources: Sequence[Source], adding: bool) -> bool:
    """Whether the reader confirms deleting ``files`` and no longer following ``folders``
    (the browser's ctrl+r, the sidebar's u); not while an add runs. Call it in a worker."""
    if adding:  # the add holds the library's writer lock until it ends
        asker.notify("Sources can be removed once the add in progress has finished.", severity="warning")
        return False
    question, detail, yes = removal(files, folders, sources)
    return await asker.app.push_screen_wait(ConfirmScreen(question, detail, yes,
                                                          no=("Keep it" if len(files) == 1 else "Keep them")
                                                          if files else "Keep following"))


class RemoveSources(Message):
    """The reader confirmed deleting these sources and no longer following these folders (by name)."""

    def __init__(self, sources: list[Source], folders: list[str]) -> None:
        super().__init__()
        self.sources = sources
        self.folders = folders


class OpenSource(Message):
    """The reader chose a source to read in the viewer."""

    def __init__(self, source: Source) -> None:
        super().__init__()
        self.source = source


class SourcesScreen(ModalScreen[list["Source"] | None]):
    """Every source, filtered as you type: title and file name both match.

    Dismissed with the sources to ask within (ctrl+a), or None. Enter posts `OpenSource` (the
    viewer opens above the browser); a confirmed ctrl+r posts `RemoveSources`.
    """

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("ctrl+u", "clear_filter", "Clear filter", show=False, tooltip="clear the filter"),
        Binding("ctrl+a", "ask_within", "Ask within", priority=True,
                tooltip="ask the next questions within the marked sources (or the one under the cursor)"),
        Binding("ctrl+r", "remove", "Remove", priority=True,
                tooltip="delete the marked sources (or the one under the cursor), after you confirm"),
    ]

    def __init__(self, sources: Sequence[Source] | Callable[[], list[Source]],
                 count_layouts: CountLayouts | None = None, adding: Callable[[], bool] = lambda: False) -> None:
        """``sources``, or how to list them (then in a worker, while the screen takes keys)."""
        super().__init__()
        self.adding = adding
        self.count_layouts = count_layouts
        self.list_sources = sources if callable(sources) else None
        self._open_when_listed = False  # enter pressed before the list was there
        self.sources = [] if callable(sources) else list(sources)
        self.haystacks = [haystack(s) for s in self.sources]
        self._labels: tuple[list[Source], dict[str, str]] | None = None

    @property
    def takes_keys(self) -> bool:
        """Listed: keys typed with f2 wait for it (a space typed at once marked nothing: the
        list was still empty with 17,000 sources)."""
        return self.list_sources is None

    @property
    def labels(self) -> dict[str, str]:
        """Each source's label, told apart within the whole list (a filtered one keeps them)."""
        if self._labels is None or self._labels[0] is not self.sources:
            self._labels = (self.sources, source_labels(self.sources))
        return self._labels[1]

    def compose(self) -> ComposeResult:
        with Vertical(id="browser-dialog", classes="dialog"):
            yield Static(id="browser-count")
            yield Input(placeholder="type to filter by title or path", id="browser-filter")
            yield SourceList(id="browser-list", count_layouts=self.count_layouts)
            yield Static(Text(HELP, style="dim"), id="browser-help")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#browser-filter").focus()
        if self.list_sources is not None:
            self.query_one("#browser-count", Static).update(Text("Sources: listing…", style="bold"))
            self._list(self.list_sources)
        else:
            self.filter("")
            self._explain_marks()

    @work(thread=True, group="listing")
    def _list(self, list_sources: Callable[[], list[Source]]) -> None:
        sources = list_sources()
        haystacks = [haystack(s) for s in sources]
        self.app.call_from_thread(self._listed, sources, haystacks)

    def _listed(self, sources: list[Source], haystacks: list[str]) -> None:
        self.sources, self.haystacks = sources, haystacks
        self.list_sources = None
        self._explain_marks()
        self.filter(self.query_one("#browser-filter", Input).value)  # what was typed meanwhile
        if self._open_when_listed:
            self.listing.action_open()

    def _explain_marks(self) -> None:
        if any(s.followed for s in self.sources):  # the list marks them: say what the mark means
            self.query_one("#browser-help", Static).update(Text(f"{HELP} · {FOLLOWED_MARK}in a followed folder",
                                                                style="dim"))

    @property
    def listing(self) -> SourceList:
        return self.query_one("#browser-list", SourceList)

    @on(Input.Changed, "#browser-filter")
    def filtered(self, event: Input.Changed) -> None:
        self.filter(event.value)

    def filter(self, value: str) -> None:
        terms = value.casefold().split()
        shown_rows = [s for s, text in zip(self.sources, self.haystacks) if matches(text, terms)] \
            if terms else self.sources
        self.listing.set_rows(shown_rows, self.labels)
        self._count()

    def _count(self) -> None:
        listing = self.listing
        total = plural(len(self.sources), "source")
        count = total if len(listing.rows) == len(self.sources) else f"{len(listing.rows):,} of {total}"
        hidden = len(listing.marked - {s.id for s in listing.rows}) if listing.marked else 0
        marked = f" · {len(listing.marked):,} marked" + (f" ({hidden:,} not shown)" if hidden else "") \
            if listing.marked else ""
        volume = size(sum(s.size for s in listing.rows))
        typed = self.query_one("#browser-filter", Input).value.strip()
        if self.sources and not listing.rows and typed:
            said = Text.assemble((f"No title or path holds “{inert(typed)}”", "bold"),
                                 (f" · {total}{marked} · ctrl+u clears the filter", "dim"))
        else:
            said = Text.assemble((f"Sources: {count}", "bold"), (f" · {volume}{marked}", "dim"))
        self.query_one("#browser-count", Static).update(said)

    def action_clear_filter(self) -> None:
        self.query_one("#browser-filter", Input).value = ""

    def action_move(self, step: int) -> None:
        self.listing.action_move(step)

    def action_page(self, step: int) -> None:
        self.listing.action_page(step)

    @on(Input.Submitted, "#browser-filter")
    def open_current(self) -> None:
        if self.list_sources is not None:
            self._open_when_listed = True
        else:
            self.listing.action_open()

    @on(SourceList.Opened)
    def opened(self, event: SourceList.Opened) -> None:
        # Passed on as the screen's own: the list's message stops here when this screen sent it
        # (Textual ends a message's bubbling at the pump that posted it).
        event.stop()
        self.post_message(OpenSource(event.source))

    @on(SourceList.MarksChanged)
    def marks_changed(self) -> None:
        self._count()

    def on_key(self, event: events.Key) -> None:
        # Typing in the list goes on filtering: the reader never has to find the box first.
        if self.focused is self.listing and event.is_printable and event.character not in (None, " "):
            box = self.query_one("#browser-filter", Input)
            self.set_focus(box)  # at once, so the next key typed goes there too
            box.insert_text_at_cursor(event.character)
            event.stop()

    def chosen(self) -> list[Source]:
        """The marked sources, or the one under the cursor when none is marked."""
        listing = self.listing
        if listing.marked:
            return [s for s in self.sources if s.id in listing.marked]
        return [listing.current] if listing.current else []

    def action_ask_within(self) -> None:
        sources = self.chosen()
        if sources:
            self.dismiss(sources)

    def action_remove(self) -> None:
        if sources := self.chosen():
            hold_keys_for_screen(self)  # ctrl+r then y typed at once: y is the confirmation's
            self._remove(sources)

    @work(exclusive=True, group="remove")
    async def _remove(self, sources: list[Source]) -> None:
        # A followed folder's files are the user's own: qa never deletes them, it stops following.
        folders = sorted({s.followed for s in sources if s.followed})
        files = [s for s in sources if not s.followed]
        if await confirmed_removal(self, files, folders, self.sources, self.adding()):
            self.post_message(RemoveSources(files, folders))
            gone = {s.id for s in files} | {s.id for s in self.sources if s.followed in folders}
            self.sources = [s for s in self.sources if s.id not in gone]
            self.haystacks = [haystack(s) for s in self.sources]
            self.listing.marked -= gone
            self.filter(self.query_one("#browser-filter", Input).value)
