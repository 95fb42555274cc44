"""The sources browser: type to filter, enter opens, space marks, then ask within or remove."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from qa.display import inert, plural
from qa.models import Source
from tui.dialogs import ConfirmScreen
from tui.source_list import CountLayouts, SourceList
from tui.text import shown, size

# A removal names at most this many sources in its confirmation, then says how many more.
NAMED_IN_CONFIRMATION = 8


def haystack(source: Source) -> str:
    """What a filter is matched against: the title and the file name, case folded."""
    return f"{source.title} {source.path.name}".casefold()


def matches(haystack: str, terms: Sequence[str]) -> bool:
    return all(term in haystack for term in terms)


class SourcesScreen(ModalScreen[None]):
    """Every source, filtered as you type: title and file name both match."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("ctrl+a", "ask_within", "Ask within", priority=True),
        Binding("ctrl+r", "remove", "Remove", priority=True),
    ]

    def __init__(self, sources: Sequence[Source], count_layouts: CountLayouts | None = None) -> None:
        super().__init__()
        self.count_layouts = count_layouts
        self.sources = list(sources)
        self.haystacks = [haystack(s) for s in self.sources]

    def compose(self) -> ComposeResult:
        with Vertical(id="browser-dialog", classes="dialog"):
            yield Static(id="browser-count")
            yield Input(placeholder="type to filter by title or file name", id="browser-filter")
            yield SourceList(id="browser-list", count_layouts=self.count_layouts)
            yield Static(Text("enter opens · tab, then space marks · ctrl+a asks within the marked "
                              "(or this one) · ctrl+r removes · escape closes", style="dim"),
                         id="browser-help")

    def on_mount(self) -> None:
        self.filter("")
        self.query_one("#browser-filter").focus()

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
        self.listing.set_rows(shown_rows)
        self._count()

    def _count(self) -> None:
        listing = self.listing
        total = plural(len(self.sources), "source")
        count = total if len(listing.rows) == len(self.sources) else f"{len(listing.rows):,} of {total}"
        marked = f" · {len(listing.marked):,} marked" if listing.marked else ""
        volume = size(sum(s.size for s in listing.rows))
        self.query_one("#browser-count", Static).update(Text.assemble((f"Sources: {count}", "bold"),
                                                                      (f" · {volume}{marked}", "dim")))

    def action_move(self, step: int) -> None:
        self.listing.action_move(step)

    def action_page(self, step: int) -> None:
        self.listing.action_page(step)

    @on(Input.Submitted, "#browser-filter")
    def open_current(self) -> None:
        self.listing.action_open()

    @on(SourceList.Opened)
    def opened(self, event: SourceList.Opened) -> None:
        self.app.open_source(event.source)

    def on_key(self, event: events.Key) -> None:
        # Typing in the list goes on filtering: the reader never has to find the box first.
        if self.focused is self.listing and event.is_printable and event.character not in (None, " "):
            box = self.query_one("#browser-filter", Input)
            box.focus()
            box.insert_text_at_cursor(event.character)
            event.stop()
        elif event.key == "space":
            self.call_after_refresh(self._count)

    def chosen(self) -> list[Source]:
        """The marked sources, or the one under the cursor when none is marked."""
        listing = self.listing
        if listing.marked:
            return [s for s in self.sources if s.id in listing.marked]
        return [listing.current] if listing.current else []

    def action_ask_within(self) -> None:
        sources = self.chosen()
        if sources:
            self.app.ask_within(sources)
            self.dismiss()

    def action_remove(self) -> None:
        sources = self.chosen()
        if not sources:
            return
        if self.app.adding is not None:  # the add holds the library's writer lock until it ends
            self.notify("Sources can be removed once the add in progress has finished.", severity="warning")
            return
        names = [f"  • {inert(s.title)} ({inert(s.path.name)})" for s in sources[:NAMED_IN_CONFIRMATION]]
        if len(sources) > NAMED_IN_CONFIRMATION:
            names.append(f"  … and {len(sources) - NAMED_IN_CONFIRMATION:,} more")
        question = Text(f"Delete {plural(len(sources), 'source')} from the sources folder?", style="bold")
        detail = shown("\n".join(names) + "\n\nThe files are deleted from "
                       f"{inert(str(sources[0].path.parent))}; originals you added them from are not touched.",
                       multiline=True)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.app.remove_sources(sources)
                gone = {s.id for s in sources}
                self.sources = [s for s in self.sources if s.id not in gone]
                self.haystacks = [haystack(s) for s in self.sources]
                self.listing.marked -= gone
                self.filter(self.query_one("#browser-filter", Input).value)

        self.app.push_screen(ConfirmScreen(question, detail, yes=f"Delete {plural(len(sources), 'file')}"),
                             confirmed)
