"""Reading the sources: the passage viewer (at a citation, or a whole source) and the browser.

`Reading` is an invisible widget of the conversation. Each screen is awaited in a worker, and
what the reader chose there (a question to ask again, sources to ask within) comes back to the
conversation as `Reading.Closed`. The screens are imported when first opened, not before the
first frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.widget import Widget

if TYPE_CHECKING:
    from qa import Library
    from qa.models import Answer, Citation, Source
    from tui.viewer import Place


class Reading(Widget):
    """Opens the viewer and the browser over the library once it is open."""

    DEFAULT_CSS = "Reading { display: none; }"

    class Closed(Message):
        """The viewer or the browser has closed, with the reader's choice in it, if any."""

        def __init__(self, question: str | None = None, within: Sequence[Source] = ()) -> None:
            super().__init__()
            self.question = question  # to ask again, on its own
            self.within = within  # to ask the next questions within

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.library: Library | None = None
        self.browsing = False  # the browser is open (f2 in it opens no second one)

    def citation(self, answer: Answer, citation: Citation) -> None:
        from tui.viewer import Place

        self._view(answer, Place.of_citation(citation))

    def source(self, source: Source) -> None:
        from tui.viewer import Place

        self._view(None, Place.of_source(source))

    @work(group="viewer")
    async def _view(self, answer: Answer | None, place: Place) -> None:
        from tui.viewer import PassageScreen

        if self.library is not None:
            question = await self.app.push_screen_wait(PassageScreen(self.library, answer, place))
            self.post_message(self.Closed(question=question))

    def browse(self, adding: Callable[[], bool]) -> None:
        """The browser, unless it is open already; ``adding``: whether an add is under way (its
        sources cannot be removed yet)."""
        if self.library is not None and not self.browsing:
            self.browsing = True
            self._browse(self.library, adding)

    @work(group="browser")
    async def _browse(self, library: Library, adding: Callable[[], bool]) -> None:
        from tui.browser import SourcesScreen

        try:
            chosen = await self.app.push_screen_wait(SourcesScreen(lambda: library.sources, library.layouts, adding))
        finally:
            self.browsing = False
        self.post_message(self.Closed(within=chosen or ()))
