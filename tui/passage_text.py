"""A source's whole text, wrapped to the width, drawn a row at a time through the Line API.

A 300-page PDF is a million characters: one widget per paragraph took seconds to mount. Here
the text is wrapped into rows of (start, end) offsets, in a worker thread for a long text, and
only the rows on screen are drawn, with the cited paragraph marked, its quotes highlighted
and the search's matches shown. Offsets are the source's own: citations and quotes point
straight into it, and `inert` changes one character into one.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qa.display import inert

WORD = re.compile(r"\S+\s*")
# Readable lines on a wide screen; the marker column of the cited paragraph comes before.
MAX_WIDTH = 100
MARKER = 2
# Tabs and other spacing controls shown as spaces, one for one so that offsets hold.
FLAT = str.maketrans("\t\r\v\f", "    ")
# How many refreshes a scroll to the cited passage is retried for, while the scroll limits
# catch up with a new layout.
FOLLOW_REFRESHES = 20
# Below this many characters the text is wrapped at once; above, in a worker thread.
WRAP_AT_ONCE = 50_000
# A long text is first shown laid out only this many characters either side of the cited
# passage (the rest follows): a 300-page PDF's passage then shows as soon as a short file's.
AROUND = 20_000


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Prepared:
    """A text made ready to show, off the UI thread: its paragraphs, and its rows at one width."""

    text: str
    spans: list[Span]
    width: int
    rows: tuple[list[int], list[int], list[int]]
    partial: bool = False  # only the paragraphs around a passage are laid out


def prepare_around(text: str, width: int, offset: int) -> Prepared | None:
    """The paragraphs within `AROUND` characters of ``offset`` made ready, the rest of the text
    as it is; None for a text short enough to `prepare` whole at once."""
    if len(text) <= 4 * AROUND:
        return None
    start = text.rfind("\n", 0, max(0, offset - AROUND)) + 1
    end = text.find("\n", min(len(text), offset + AROUND))
    end = len(text) if end < 0 else end
    flat = text[:start] + text[start:end].translate(FLAT) + text[end:]
    spans = [Span(span.start + start, span.end + start) for span in paragraphs(flat[start:end])]
    return Prepared(flat, spans, width, wrap(flat, spans, width), partial=True)


def prepare(text: str, width: int) -> Prepared:
    """Tabs as spaces (one for one: offsets hold), the paragraphs, the rows (slow for a long text)."""
    flat = text.translate(FLAT)
    spans = paragraphs(flat)
    return Prepared(flat, spans, width, wrap(flat, spans, width))


def paragraphs(text: str) -> list[Span]:
    """Each non-blank line of the text (a paragraph of the sources as stored)."""
    spans, offset = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append(Span(offset, offset + len(line)))
        offset += len(line) + 1
    return spans


def wrap(text: str, spans: Sequence[Span], width: int) -> tuple[list[int], list[int], list[int]]:
    """Rows of ``width`` cells: for each, its start and end offsets and its paragraph's index.

    A blank row stands where the text has a blank line (its paragraph index is -1): lines of
    one paragraph (a man page's, a Markdown file's) follow each other. A word longer than the width
    (or a paragraph of a script written without spaces) is cut where the row is full.
    """
    width = max(width, 8)
    starts: list[int] = []
    ends: list[int] = []
    owners: list[int] = []

    def row(start: int, end: int, owner: int) -> None:
        starts.append(start)
        ends.append(end)
        owners.append(owner)

    # Where every character is one cell, a regular expression finds the rows (ten times faster).
    fast = re.compile(r"[^\n]{1,%d}(?:\s+|$)|[^\n]{%d}" % (width, width))
    everywhere = text.isascii()
    for index, span in enumerate(spans):
        if index and text.count("\n", spans[index - 1].end, span.start) > 1:
            row(span.start, span.start, -1)
        line = text[span.start:span.end]
        if everywhere or line.isascii():
            for match in fast.finditer(text, span.start, span.end):
                row(match.start(), match.end(), index)
            continue
        cells = cell_len
        row_start, used = 0, cells(line) - cells(line.lstrip())  # a man page's indentation takes cells too
        for word in WORD.finditer(line):
            visible = cells(word.group().rstrip())
            if used and used + visible > width:
                row(span.start + row_start, span.start + word.start(), index)
                row_start, used = word.start(), 0
            while used == 0 and visible > width:
                cut = row_start + _fitting(line, row_start, width, cells)
                row(span.start + row_start, span.start + cut, index)
                visible -= cells(line[row_start:cut])
                row_start = cut
            used += cells(line[max(row_start, word.start()):word.end()])
        row(span.start + row_start, span.end, index)
    return starts, ends, owners


def _fitting(line: str, start: int, width: int, cells) -> int:
    """How many characters from ``start`` fill at most ``width`` cells (at least one)."""
    used = 0
    for count, character in enumerate(line[start:start + width]):
        used += cell_len(character)
        if used > width:
            return max(1, count)
    return min(width, len(line) - start)


class PassageText(ScrollView, can_focus=True):
    """The text of one source; `show` marks a cited passage and its quotes, `search` finds words."""

    COMPONENT_CLASSES = {"passage--text", "passage--cited", "passage--marker", "passage--quote",
                         "passage--match", "passage--match-current"}
    DEFAULT_CSS = """
    PassageText { height: 1fr; scrollbar-gutter: stable; }
    PassageText > .passage--text { color: $text-muted; }
    PassageText > .passage--cited { color: $text; }
    PassageText > .passage--marker { color: $accent; }
    PassageText > .passage--quote { text-style: bold reverse; }
    PassageText > .passage--match { background: $warning 30%; }
    PassageText > .passage--match-current { background: $warning; color: $text; text-style: bold underline; }
    """
    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False, tooltip="scroll down a line"),
        Binding("k", "scroll_up", "Up", show=False, tooltip="scroll up a line"),
        Binding("g", "scroll_home", "Top", show=False, tooltip="the top of the source"),
        Binding("G", "scroll_end", "End", show=False, tooltip="the end of the source"),
        Binding("space", "page_down", "Page down", show=False, tooltip="a page down"),
        Binding("b", "page_up", "Page up", show=False, tooltip="a page up"),
    ]

    class Wrapped(Message):
        """The text is laid out (after `load` or a resize)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.text = ""
        self.spans: list[Span] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.owners: list[int] = []
        self.cited: Span | None = None
        self.quotes: list[Span] = []
        self.matches: list[Span] = []
        self._match_ends: list[int] = []
        self.current = -1
        self._wrapped_width = 0
        self._layout = 0  # which layout is wanted: a finished wrap for an older one is dropped
        self._height = 0  # rows on screen when last resized
        self._wanted: int | None = None  # the text kept at the top until the reader scrolls

    # -- the text and its layout -----------------------------------------------------------

    def load(self, text: str | Prepared, keep_place: bool = False) -> None:
        """Show ``text``, or a text `prepare`d in a worker (its rows are used if the width is the
        same); ``keep_place``: the same source whole, where its part was shown, keeping what is
        at the top (the cited passage, until the reader scrolls)."""
        keep = None
        if keep_place and self.starts:
            top = int(self.scroll_y)
            keep = self._wanted if self._wanted is not None else self.starts[min(top, len(self.starts) - 1)]
        prepared = text if isinstance(text, Prepared) else None
        self.text = prepared.text if prepared else text.translate(FLAT)
        self.spans = prepared.spans if prepared else paragraphs(self.text)
        self._wrapped_width = 0
        self._layout += 1
        if prepared is not None and prepared.width == self.text_width and self.size.width:
            self._laid_out(self._layout, prepared.width, keep, *prepared.rows)
        else:
            self._lay_out(keep=keep)

    @property
    def text_width(self) -> int:
        return max(8, min(MAX_WIDTH, self.scrollable_content_region.width - MARKER))

    def _lay_out(self, keep: int | None) -> None:
        width = self.text_width
        if not self.size.width or width == self._wrapped_width:
            return
        self._layout += 1
        if len(self.text) <= WRAP_AT_ONCE:
            self._laid_out(self._layout, width, keep, *wrap(self.text, self.spans, width))
        else:
            self._wrap_in_thread(self._layout, width, keep)

    @work(thread=True, exclusive=True, group="wrap")
    def _wrap_in_thread(self, layout: int, width: int, keep: int | None) -> None:
        rows = wrap(self.text, self.spans, width)
        self.app.call_from_thread(self._laid_out, layout, width, keep, *rows)

    def _laid_out(self, layout: int, width: int, keep: int | None, starts: list[int], ends: list[int],
                  owners: list[int]) -> None:
        if layout != self._layout:
            return
        self.starts, self.ends, self.owners = starts, ends, owners
        self._wrapped_width = width
        self.virtual_size = Size(width + MARKER, len(starts))
        if keep is not None:
            self._scroll_to_row(self.row_of(keep))
        self.refresh()
        self.post_message(self.Wrapped())

    def on_resize(self) -> None:
        # The cited passage, if it is in view, or else the row at the top, stays at the top.
        top = self.starts[int(self.scroll_y)] if self.starts and int(self.scroll_y) < len(self.starts) else None
        if self._wanted is not None:
            top = self._wanted
        elif self.cited is not None and self.starts:
            row = self.row_of(self.cited.start)  # in the rows laid out for the height before
            if self.scroll_y - 1 <= row < self.scroll_y + max(1, self._height):
                top = self.cited.start
        self._height = self.scrollable_content_region.height
        self._lay_out(keep=top)

    @property
    def laid_out(self) -> bool:
        return bool(self._wrapped_width)

    def row_of(self, offset: int) -> int:
        """The row holding the text at ``offset``."""
        return max(0, bisect_right(self.starts, offset) - 1)

    # -- what is marked --------------------------------------------------------------------

    def show(self, cited: Span | None, quotes: list[Span]) -> None:
        """Mark the cited passage and its quotes, and bring it to the top (a line of context above)."""
        self.cited, self.quotes = cited, quotes
        self._scroll_to_row(self.row_of(cited.start) - 1 if cited is not None else 0)
        self.refresh()

    def _scroll_to_row(self, row: int) -> None:
        """Bring ``row`` to the top, and keep it there through layouts until the reader scrolls."""
        self._wanted = self.starts[row] if 0 <= row < len(self.starts) else None
        self._follow()

    def _follow(self) -> None:
        if self._wanted is not None and self.starts:
            self._follow_once(self.row_of(self._wanted), FOLLOW_REFRESHES)

    def _follow_once(self, row: int, refreshes: int) -> None:
        """Scroll to ``row``, and again after each refresh until the scroll is there: a new
        layout's height can reach the scroll limits a few refreshes late, and a scroll made
        before then is cut short at the old limit (often 0, the top of the source)."""
        if self._wanted is None or not self.starts:
            return
        if self.scroll_y != min(row, self.max_scroll_y):
            self.scroll_to(y=row, animate=False, immediate=True)
        if refreshes and self.scroll_y != row:
            self.call_after_refresh(self._follow_once, row, refreshes - 1)

    def _released(self) -> None:
        """The reader scrolled: the text no longer follows a passage."""
        self._wanted = None

    def action_scroll_down(self) -> None:
        self._released()
        super().action_scroll_down()

    def action_scroll_up(self) -> None:
        self._released()
        super().action_scroll_up()

    # g and G jump, as in a pager: animated over a long text they took most of a second.
    def action_scroll_home(self) -> None:
        self._released()
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self._released()
        self.scroll_end(animate=False)

    def action_page_down(self) -> None:
        self._released()
        super().action_page_down()

    def action_page_up(self) -> None:
        self._released()
        super().action_page_up()

    def _on_mouse_scroll_down(self, event) -> None:
        self._released()
        super()._on_mouse_scroll_down(event)

    def _on_mouse_scroll_up(self, event) -> None:
        self._released()
        super()._on_mouse_scroll_up(event)

    def search(self, query: str, step: int = 0) -> tuple[int, int]:
        """Highlight ``query`` (any case) and go to a match: the first from the top of the screen,
        or, with ``step``, the next (1) or previous (-1) one. (which match, how many)."""
        if step == 0:
            self.matches = [Span(m.start(), m.end()) for m in re.finditer(re.escape(query), self.text, re.IGNORECASE)] \
                if query else []
            self._match_ends = [match.end for match in self.matches]
            top = self.starts[int(self.scroll_y)] if self.starts and int(self.scroll_y) < len(self.starts) else 0
            self.current = next((i for i, match in enumerate(self.matches) if match.start >= top), 0) \
                if self.matches else -1
        elif self.matches:
            self.current = (self.current + step) % len(self.matches)
        if self.current >= 0 and self.starts:
            row = self.row_of(self.matches[self.current].start)
            if not self.scroll_y <= row < self.scroll_y + self.scrollable_content_region.height:
                self._scroll_to_row(row - 2)
        self.refresh()
        return self.current, len(self.matches)

    def clear_search(self) -> None:
        self.matches, self._match_ends, self.current = [], [], -1
        self.refresh()

    # -- drawing ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + int(self.scroll_y)
        base = self.rich_style
        if index >= len(self.starts) or self.owners[index] < 0:
            return Strip.blank(width, base)
        start, end = self.starts[index], self.ends[index]
        span = self.spans[self.owners[index]]
        cited = self.cited is not None and span.start < self.cited.end and span.end > self.cited.start
        style = base + self.get_component_rich_style("passage--cited" if cited else "passage--text")
        marker = Segment("▌ " if cited else "  ", base + self.get_component_rich_style("passage--marker"))
        segments = [marker, *self._styled(start, end, style)]
        return Strip(segments).crop_extend(0, width, base)

    def _styled(self, start: int, end: int, style: Style) -> list[Segment]:
        """The row's text, each character with its style: quotes, then matches over them."""
        marks: list[tuple[int, int, Style]] = []
        quote = self.get_component_rich_style("passage--quote")
        marks += [(q.start, q.end, quote) for q in self.quotes if q.start < end and q.end > start]
        match, current = (self.get_component_rich_style("passage--match"),
                          self.get_component_rich_style("passage--match-current"))
        if self.matches:
            first = bisect_right(self._match_ends, start)  # matches are in order
            for i in range(first, len(self.matches)):
                found = self.matches[i]
                if found.start >= end:
                    break
                marks.append((found.start, found.end, current if i == self.current else match))
        cuts = sorted({start, end, *(max(start, min(end, p)) for a, b, _ in marks for p in (a, b))})
        segments = []
        for a, b in zip(cuts, cuts[1:]):
            if a == b:
                continue
            piece = style
            for mark_start, mark_end, mark in marks:
                if mark_start <= a and b <= mark_end:
                    piece = piece + mark
            segments.append(Segment(inert(self.text[a:b]), piece))
        return segments
