"""A list of sources that stays fast at 10,000 and more: only the rows on screen are drawn.

Textual's OptionList and DataTable measure every row when their content is set (seconds for
10,000 sources), which is too slow to refilter on each keystroke. This widget draws one line
per source through the Line API, like a log viewer, so setting or filtering rows costs
nothing but the filter itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.segment import Segment
from textual import events, work
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qa.display import library_name, source_labels
from tui.text import shown, size

if TYPE_CHECKING:
    from qa.models import Source, SourceLayout

# Pages and sections of sources by id (`Library.layouts`): slow for many, so asked for the rows drawn.
CountLayouts = Callable[[list[str]], "dict[str, SourceLayout]"]


def details(source: Source, layout: SourceLayout | None = None, compact: bool = False) -> str:
    """Format, size, pages (a PDF) or sections (a document with headings), paragraphs (¶) and
    chunks, in columns that line up from row to row; pages and sections once counted.

    ``compact`` (a narrow screen): format, size, pages or sections only, so titles keep room.
    """
    places = ""
    if layout is not None and source.format == "pdf":
        places = f"{layout.pages:,} {'p' if layout.pages == 1 else 'pp'}"
    elif layout is not None and layout.sections:
        places = f"{layout.sections:,} §"
    if compact:
        return f"{source.format:>4} {size(source.size):>7} {places:>7}"
    return (f"{source.format:>5} {size(source.size):>7} {places:>8} "
            f"{source.paragraphs:>6,} ¶ {source.chunks:>6,} ch")


# Narrower than this, a detailed list shows the compact details.
COMPACT_BELOW = 90
# A source's folder is shown after its title only with at least this many cells to spare.
MIN_PLACE = 8
# Before each source of a followed folder (read in place, kept in sync), when the list has any.
FOLLOWED_MARK = "↻ "


def folder_of(source: Source) -> str:
    """The folder of the library a source is in (``docs/manual``), or "" at the top."""
    return library_name(source).rpartition("/")[0]


def nearest_folders(folder: str, room: int) -> str:
    """``  …/manual/`` for ``docs/manual``: as many of the folders nearest the file as fit
    ``room`` ("" if not even the nearest does: a cut name says nothing)."""
    kept: list[str] = []
    for part in reversed(folder.split("/")):
        if cell_len(f"  …/{'/'.join([part, *kept])}/") > room:
            break
        kept.insert(0, part)
    return f"  …/{'/'.join(kept)}/" if kept else ""


def titled(source: Source, label: str) -> str:
    """A source's title on one line, or its ``label`` when it has none."""
    return " ".join(source.title.split()) or label


class SourceList(ScrollView, can_focus=True):
    """Sources one per line: a mark, ↻ for a followed folder's source, the title, its folder
    (dimmed, where there is room: "README  docs/manual/"), and (when ``detailed``) format, size,
    counts.

    Up/down move the cursor, enter opens the source under it, space marks it.
    """

    COMPONENT_CLASSES = {"source-list--cursor", "source-list--details", "source-list--mark",
                         "source-list--followed"}
    DEFAULT_CSS = """
    SourceList { height: 1fr; overflow-x: hidden; }  /* rows are cut to the width: never a horizontal bar */
    SourceList > .source-list--cursor { background: $block-cursor-blurred-background; }
    SourceList:focus > .source-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    SourceList > .source-list--details { color: $text-muted; }
    SourceList > .source-list--mark { color: $accent; text-style: bold; }
    SourceList > .source-list--followed { color: $success; }
    """
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "move_to(0)", "First", show=False),
        Binding("end", "move_to(-1)", "Last", show=False),
        Binding("enter", "open", "Open", tooltip="open the source under the cursor"),
        Binding("space", "mark", "Mark", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    class Opened(Message):
        """A reader chose a source (enter or a click)."""

        def __init__(self, source_list: SourceList, source: Source) -> None:
            super().__init__()
            self.source_list = source_list
            self.source = source

        @property
        def control(self) -> SourceList:
            return self.source_list

    class MarksChanged(Message):
        """A source was marked or unmarked."""

    def __init__(self, detailed: bool = True, markable: bool = True, count_layouts: CountLayouts | None = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: list[Source] = []
        self.labels: Mapping[str, str] = {}
        self.following = False  # some rows are a followed folder's: they are marked
        self.marked: set[str] = set()
        self.detailed = detailed
        self.markable = markable
        self.layouts: dict[str, SourceLayout] = {}
        self._count_layouts = count_layouts
        self._asked: set[str] = set()  # ids whose layout is counted or being counted
        self._wanted: list[str] = []  # ids drawn without a layout since the last count

    def set_rows(self, rows: Sequence[Source], labels: Mapping[str, str] | None = None) -> None:
        """Show ``rows``, keeping the cursor on the same source when it is still there; each
        under its label (made from ``rows`` unless given: a filtered list keeps the whole one's)."""
        current = self.current
        self.rows = list(rows)
        self.labels = labels if labels is not None else source_labels(self.rows)
        self.following = any(row.followed for row in self.rows)
        self.virtual_size = Size(self.size.width, len(self.rows))
        index = next((i for i, row in enumerate(self.rows) if current and row.id == current.id), 0)
        self.cursor = index
        self.refresh()

    @property
    def current(self) -> Source | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self.rows) - 1))

    def watch_cursor(self, cursor: int) -> None:
        self.scroll_to_region(Region(0, cursor, 1, 1), animate=False, force=True)
        self.refresh()

    def action_move(self, step: int) -> None:
        self.cursor += step

    def action_page(self, step: int) -> None:
        self.cursor += step * max(1, self.scrollable_content_region.height - 1)

    def action_move_to(self, index: int) -> None:
        self.cursor = index if index >= 0 else len(self.rows) - 1

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self, self.current))

    def opens_a_screen(self, key: str) -> bool:
        """Whether ``key`` opens the viewer (the app holds the keys typed after it for it)."""
        return key == "enter" and self.current is not None

    def action_mark(self) -> None:
        source = self.current
        if source is None or not self.markable:
            return
        self.marked.symmetric_difference_update({source.id})
        self.cursor += 1
        self.refresh()
        self.post_message(self.MarksChanged())

    def on_click(self, event: events.Click) -> None:
        index = event.y + self.scroll_offset.y
        if 0 <= index < len(self.rows):
            self.cursor = index
            self.action_open()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + self.scroll_offset.y
        base = self.rich_style
        if index >= len(self.rows):
            return Strip.blank(width, base)
        source = self.rows[index]
        style = base + self.get_component_rich_style("source-list--cursor") if index == self.cursor else base
        segments = []
        if self.markable:
            mark = "● " if source.id in self.marked else "  "
            segments.append(Segment(mark, style + self.get_component_rich_style("source-list--mark")))
        if self.following:
            mark = FOLLOWED_MARK if source.followed else " " * len(FOLLOWED_MARK)
            segments.append(Segment(mark, style + self.get_component_rich_style("source-list--followed")))
        right = f"  {details(source, self.layouts.get(source.id), compact=width < COMPACT_BELOW)}" \
            if self.detailed else ""
        if self.detailed and self._count_layouts is not None and source.id not in self._asked:
            self._want(source.id)
        title_width = max(0, width - cell_len("".join(s.text for s in segments)) - cell_len(right))
        # The folder it is in, after the title where there is room: a generic title ("README")
        # says where it is, and a filter (which matches paths too) why it matched. A narrow list
        # (the sidebar) shows the title of a source in a folder, told apart by the folder: its
        # path would be cut before the file name ("docs/manual/REA…").
        folder = folder_of(source)
        label = self.labels.get(source.id, source.title)
        title = shown(titled(source, label) if folder and not self.detailed else label)
        muted = self.get_component_rich_style("source-list--details")
        place = shown(f"  {folder}/") if folder and folder not in title.plain else None
        if place is not None and cell_len(title.plain) + MIN_PLACE < title_width:
            room = title_width - cell_len(title.plain)
            if not self.detailed and cell_len(place.plain) > room:
                place = shown(nearest_folders(folder, room))
            place.truncate(room, overflow="ellipsis", pad=True)
            segments.append(Segment(title.plain, style))
            segments.append(Segment(place.plain, style if index == self.cursor else style + muted))
        else:
            title.truncate(title_width, overflow="ellipsis", pad=True)
            segments.append(Segment(title.plain, style))
        if right:
            segments.append(Segment(right, style if index == self.cursor else style + muted))
        return Strip(segments).crop_extend(0, width, base)

    def _want(self, source_id: str) -> None:
        if not self._wanted:  # the first row of a frame without its layout: count after the frame
            self.call_later(self._count_wanted)
        self._asked.add(source_id)
        self._wanted.append(source_id)

    def _count_wanted(self) -> None:
        wanted, self._wanted = self._wanted, []
        self._count_in_thread(wanted)

    @work(thread=True, group="layouts")
    def _count_in_thread(self, source_ids: list[str]) -> None:
        assert self._count_layouts is not None
        counted = self._count_layouts(source_ids)
        self.app.call_from_thread(self._counted, counted)

    def _counted(self, counted: dict[str, SourceLayout]) -> None:
        self.layouts.update(counted)
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows))

