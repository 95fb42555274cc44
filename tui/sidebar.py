"""The sidebar: how many sources, the folders followed, the add in progress (it runs the adds),
and the list (a followed folder's sources marked ↻, each title with its folder where there is
room). With the list focused, u stops following the folder of the source under the cursor.

It reads the sources again, in a thread, whenever an add commits, a removal ends or a followed
folder changed (checked every few seconds), and says so with `Listed` (the welcome names them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.lazy import Lazy
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from qa.display import inert, plural
from tui.adding import Adding
from tui.indexing import IndexingStatus
from tui.keys import hold_keys_for_screen
from tui.source_list import FOLLOWED_MARK, SourceList
from tui.text import said, shown
from tui.widgets import type_into_question_box

if TYPE_CHECKING:
    from qa import Library
    from qa.models import Source

# How often, while the UI runs, followed folders are checked for changes (one stat per file:
# 20 ms for 2,000 files) and the library for what another process changed (`qa add`, `qa remove`).
FOLLOW_EVERY = 5.0


class SourcesPanel(Vertical):
    """The sidebar (enter or a click opens a source); ctrl+b hides it, the add goes on."""

    BINDINGS = [
        Binding("u", "unfollow", "Stop following",
                tooltip="on a followed folder's source (↻): stop following that folder, after you confirm "
                        "(its files stay)"),
        Binding("c", "cancel_add", "Cancel the add",
                tooltip="while adding: stop after the files in hand (what was read is kept)"),
    ]

    class Listed(Message):
        """The sources were read again."""

        def __init__(self, sources: list[Source]) -> None:
            super().__init__()
            self.sources = sources

    class Removed(Message):
        """Sources were removed (after the browser's confirmation)."""

        def __init__(self, source_ids: set[str]) -> None:
            super().__init__()
            self.source_ids = source_ids

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.library: Library | None = None
        self._listed_generation: int | None = None  # the commit the listed sources were read at

    def compose(self) -> ComposeResult:
        yield Static(Text("Sources: opening…", style="bold"), classes="panel-title")
        # Hidden until an add runs: mounted after the first frame, which it would hold back.
        status = IndexingStatus(classes="indexing in-sidebar")
        status.display = False
        yield Lazy(status)
        yield SourceList(detailed=False, markable=False, classes="panel-list")
        yield Adding()

    @property
    def listing(self) -> SourceList:
        return self.query_one(SourceList)

    def on_mount(self) -> None:
        # What u does depends on the source under the cursor: the footer follows it.
        self.watch(self.listing, "cursor", lambda _: self.refresh_bindings(), init=False)

    def opened(self, library: Library, sources: list[Source]) -> None:
        """The library is open: list its sources, say what it could not read, follow its folders."""
        self.library = self.query_one(Adding).library = library
        self.show(sources)
        for warning in library.warnings[:3]:
            self.notify(inert(warning), severity="warning", markup=False)
        if len(library.warnings) > 3:
            self.notify(f"… and {len(library.warnings) - 3} more warnings.", severity="warning")
        self.set_interval(FOLLOW_EVERY, self._follow)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "unfollow":
            source = self.listing.current
            return bool(source and source.followed) and self.library is not None
        if action == "cancel_add":
            job = self.query_one(Adding).job
            return job is not None and not job.cancelled
        return True

    def on_key(self, event: events.Key) -> None:
        """Letters typed in the list go to the question box; u and c stay the sidebar's, also
        where they do nothing (a u on the wrong row should not leave the list)."""
        if self.screen.focused is self.listing and event.key not in ("u", "c"):
            type_into_question_box(self, event)

    def action_unfollow(self) -> None:
        """The browser's confirmation ("Stop following notes?", the files stay), then unfollow."""
        source = self.listing.current
        if source is not None and source.followed:
            hold_keys_for_screen(self)  # u then y typed at once: y is the confirmation's
            self._unfollow(source)

    @work(exclusive=True, group="unfollow")
    async def _unfollow(self, source: Source) -> None:
        from tui.browser import confirmed_removal

        if await confirmed_removal(self, [], [source.followed], self.listing.rows,
                                   self.query_one(Adding).job is not None):
            self.remove([], [source.followed])

    @work(thread=True, exclusive=True, group="follow")
    def _follow(self) -> None:
        """The sidebar kept in sync while the UI runs: followed folders' changes are read, one
        stat per file, and the sources listed again when they or another process changed them."""
        library = self.library
        if library is None or self.query_one(Adding).job is not None:
            return
        if self._listed_generation is None:  # about when the sources listed at open were read
            self._listed_generation = library.generation
        if library.followed(counts=False):
            warned = len(library.warnings)
            library.refresh(wait=0)  # another process writing: the next tick tries again
            del library.warnings[warned:]  # shown at open only: a skipped file would be said every tick
        if library.generation != self._listed_generation:
            self._list(library)

    @on(IndexingStatus.CancelPressed)
    def action_cancel_add(self) -> None:
        self.query_one(Adding).cancel()

    @on(Adding.SourcesChanged)
    def list_again(self) -> None:
        if self.library is not None:
            self._list(self.library)

    @work(thread=True, group="removing")
    def remove(self, sources: list[Source], folders: Sequence[str] = ()) -> None:
        """Remove ``sources`` from the library (a thread: it deletes files) and stop following
        ``folders`` (their files are never touched), then list again."""
        from qa.errors import LibraryError

        if (library := self.library) is None:
            return
        gone: list[Source] = []
        messages: list[str] = []
        try:
            for name in folders:
                folder, left = library.unfollow(name)
                gone += left
                messages.append(f"Stopped following {folder.name} ({plural(len(left), 'source')}); "
                             f"its files in {folder.path} are untouched.")
            if sources:
                removed = library.remove([s.id for s in sources])
                gone += removed
                messages.append(f"Removed “{removed[0].title}”." if len(removed) == 1
                                else f"Removed {plural(len(removed), 'source')}.")
        except (LibraryError, OSError) as error:
            self.app.call_from_thread(self.notify, said(error), severity="error", markup=False)
        if messages:
            self.app.call_from_thread(self.notify, inert(" ".join(messages)), markup=False)
        self.post_message(self.Removed({s.id for s in gone}))
        self._list(library)  # also after a failure: what is listed is what the library holds

    @work(thread=True, exclusive=True, group="listing")
    def _list(self, library: Library) -> None:
        """Read the sources off the UI thread (10,000 take a fifth of a second), then show them."""
        generation, sources = library.generation, library.sources
        self._listed_generation = generation
        # A listing asked for since (an add's last batch) may have finished first: this older
        # one would put a stale count back in the sidebar beside the add's summary.
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, sources)

    def show(self, sources: list[Source]) -> None:
        title = Text(f"Sources ({len(sources):,})" if sources else "No sources yet: ctrl+o adds one.", style="bold")
        if followed := sorted({s.followed for s in sources if s.followed}):
            title.append(f"\n{FOLLOWED_MARK}followed: ", style="dim")
            title.append_text(shown(", ".join(followed), "dim"))
        self.query_one(".panel-title", Static).update(title)
        self.listing.set_rows(sources)
        self.refresh_bindings()
        self.post_message(self.Listed(sources))
