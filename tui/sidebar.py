"""The sidebar: how many sources, the add in progress (it runs the adds), and the list.

It reads the sources again, in a thread, whenever an add commits, a removal ends or a followed
folder changed (checked every few seconds), and says so with `Listed` (the welcome names them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.lazy import Lazy
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from qa.display import inert, plural
from tui.adding import Adding
from tui.indexing import IndexingStatus
from tui.source_list import SourceList
from tui.text import said

if TYPE_CHECKING:
    from qa import Library
    from qa.models import Source

# How often followed folders are checked for changes while the UI runs (one stat per file:
# 20 ms for 2,000 files).
FOLLOW_EVERY = 5.0


class SourcesPanel(Vertical):
    """The sidebar (enter or a click opens a source); ctrl+b hides it, the add goes on."""

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

    def compose(self) -> ComposeResult:
        yield Static(Text("Sources: opening…", style="bold"), classes="panel-title")
        # Hidden until an add runs: mounted after the first frame, which it would hold back.
        status = IndexingStatus(classes="indexing in-sidebar")
        status.display = False
        yield Lazy(status)
        yield SourceList(detailed=False, markable=False, classes="panel-list")
        yield Adding()

    def opened(self, library: Library, sources: list[Source]) -> None:
        self.library = self.query_one(Adding).library = library
        self.show(sources)
        self.set_interval(FOLLOW_EVERY, self._follow)

    @work(thread=True, exclusive=True, group="follow")
    def _follow(self) -> None:
        """Followed folders kept in sync while the UI runs: their changes are read, one stat per
        file, and the sources listed again when something changed."""
        library = self.library
        if library is None or self.query_one(Adding).job is not None or not library.followed(counts=False):
            return
        before, warned = library.generation, len(library.warnings)
        library.refresh(wait=0)  # another process writing: the next tick tries again
        del library.warnings[warned:]  # shown at open only: a skipped file would be said every tick
        if library.generation != before:
            self._list(library)

    @on(IndexingStatus.CancelPressed)
    def cancel_pressed(self) -> None:
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
                messages.append(f"Removed {removed[0].title if len(removed) == 1 else plural(len(removed), 'source')}.")
        except (LibraryError, OSError) as error:
            self.app.call_from_thread(self.notify, said(error), severity="error", markup=False)
        if messages:
            self.app.call_from_thread(self.notify, inert(" ".join(messages)), markup=False)
        self.post_message(self.Removed({s.id for s in gone}))
        self._list(library)  # also after a failure: what is listed is what the library holds

    @work(thread=True, exclusive=True, group="listing")
    def _list(self, library: Library) -> None:
        """Read the sources off the UI thread (10,000 take a fifth of a second), then show them."""
        sources = library.sources
        # A listing asked for since (an add's last batch) may have finished first: this older
        # one would put a stale count back in the sidebar beside the add's summary.
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, sources)

    def show(self, sources: list[Source]) -> None:
        title = f"Sources ({len(sources):,})" if sources else "No sources yet: ctrl+o adds one."
        self.query_one(".panel-title", Static).update(Text(title, style="bold"))
        self.query_one(SourceList).set_rows(sources)
        self.post_message(self.Listed(sources))
