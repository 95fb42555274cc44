"""The passage viewer: a whole source, scrolled to a cited passage with its quotes highlighted.

n and p step through the answer's citations, / searches the source, e opens the file outside
(in $VISUAL or $EDITOR at the passage's line; a PDF or other document in the system's viewer).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from qa import LibraryError
from qa.display import inert, plural
from qa.models import Answer, Citation, Source
from tui.text import shown

# Formats an editor shows as they are stored, so a line number in the text is one in the file.
EDITABLE = {"txt", "md", "markdown", "text"}


def editor_command(path: Path, line: int | None, environ: Mapping[str, str]) -> list[str] | None:
    """The reader's editor opening ``path`` at ``line`` (``vim +12 file``), or None if none is set."""
    editor = environ.get("VISUAL") or environ.get("EDITOR")
    if not editor:
        return None
    return [*shlex.split(editor), *([f"+{line}"] if line else []), str(path)]


def opener_command(path: Path) -> list[str]:
    """The system's own viewer for a document (a PDF reader, a word processor)."""
    return ["open" if sys.platform == "darwin" else "xdg-open", str(path)]


class Place:
    """What the viewer shows: a source, and the citation in it (None for the whole source)."""

    def __init__(self, source_id: str, title: str, path: Path, citation: Citation | None) -> None:
        self.source_id, self.title, self.path, self.citation = source_id, title, path, citation

    @classmethod
    def of_citation(cls, citation: Citation) -> Place:
        return cls(citation.source, citation.title, citation.path, citation)

    @classmethod
    def of_source(cls, source: Source) -> Place:
        return cls(source.id, source.title, source.path, None)


class PassageScreen(ModalScreen[None]):
    """One place at a time; ``read`` gives a source's text (raises to say it cannot)."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("n", "step(1)", "Next citation"),
        Binding("p", "step(-1)", "Previous citation"),
        Binding("slash", "search", "Search"),
        Binding("e", "edit", "Open in editor"),
    ]

    def __init__(self, read: Callable[[str], str], answer: Answer | None, place: Place) -> None:
        super().__init__()
        self.read = read
        self.answer = answer
        self.place = place
        self.found: list[int] = []  # line numbers matching the search, and where we are in them
        self.found_at = -1

    def compose(self) -> ComposeResult:
        place, citation = self.place, self.place.citation
        try:
            text = self.read(place.source_id)
        except LibraryError as error:
            text = ""
            self.notify(inert(str(error)), severity="error", markup=False)
        heading = citation.place if citation else place.title  # title › section, page or lines
        where = [f"[{citation.n}] of {len(self.answer.citations)}"] if citation and self.answer else []
        where.append(place.path.name)
        stale = citation is not None and text[citation.start:citation.end] != citation.passage
        with Vertical(id="passage-dialog"):
            yield Static(Text.assemble(shown(heading, "bold"), "\n", shown(" · ".join(where), "dim")),
                         id="passage-title")
            if stale:
                yield Static("The source has changed since this answer; its passage may have moved.",
                             classes="note")
            with VerticalScroll(id="passage-text"):
                yield from self._lines(text, citation)
            yield Input(placeholder="search this source (enter: next match, escape: done)",
                        id="passage-search")
            # Short enough for one line of an 80-column screen: the help line is one row high.
            keys = ("n/p next/prev citation · " if self.answer else "") + "/ search · e editor · escape closes"
            yield Static(Text(keys, style="dim"), id="passage-help")

    def _lines(self, text: str, citation: Citation | None):
        quotes = [(q.start, q.end) for q in self.answer.quotes if citation and q.citation == citation.n] \
            if self.answer else []
        offset = 0
        for line in text.split("\n"):
            start, end = offset, offset + len(line)
            offset = end + 1
            if not line.strip():
                continue
            cited = citation is not None and start < citation.end and end > citation.start
            styled = shown(line, multiline=True)  # a line: only its tabs are kept
            for quote_start, quote_end in quotes:
                a, b = max(quote_start - start, 0), min(quote_end - start, len(line))
                if a < b:
                    styled.stylize("bold reverse", a, b)
            yield Static(styled, classes="line cited" if cited else "line")

    def on_mount(self) -> None:
        self.query_one("#passage-search").display = False
        self._scroll_to_citation()

    def _scroll_to_citation(self) -> None:
        cited = self.query(".cited")
        if cited:
            self.call_after_refresh(self.query_one("#passage-text").scroll_to_widget,
                                    cited.first(), animate=False, top=True)

    def action_close(self) -> None:
        search = self.query_one("#passage-search", Input)
        if search.display:
            search.display = False
            self.query_one("#passage-text").focus()
            return
        self.dismiss()

    async def action_step(self, step: int) -> None:
        if self.answer is None or self.place.citation is None:
            return
        count = len(self.answer.citations)
        n = (self.place.citation.n - 1 + step) % count
        self.place = Place.of_citation(self.answer.citations[n])
        await self.recompose()
        self.on_mount()

    def action_search(self) -> None:
        search = self.query_one("#passage-search", Input)
        search.display = True
        search.focus()

    @on(Input.Submitted, "#passage-search")
    def next_match(self, event: Input.Submitted) -> None:
        query = event.value.strip().casefold()
        lines = list(self.query(".line").results(Static))
        for line in lines:
            line.remove_class("found")
        if not query:
            return
        found = [i for i, line in enumerate(lines) if query in str(line.render()).casefold()]
        if found != self.found:
            self.found, self.found_at = found, -1
        if not found:
            self.notify(inert(f"Not in this source: {event.value.strip()}"), markup=False)
            return
        self.found_at = (self.found_at + 1) % len(found)
        line = lines[found[self.found_at]]
        line.add_class("found")
        self.query_one("#passage-text").scroll_to_widget(line, animate=False, top=True)
        self.query_one("#passage-help", Static).update(Text(
            f"match {self.found_at + 1} of {plural(len(found), 'line')} · enter: next · escape: done",
            style="dim"))

    def action_edit(self) -> None:
        path, citation = self.place.path, self.place.citation
        source_format = path.suffix.lower().lstrip(".")
        if source_format not in EDITABLE:
            self._open_in_viewer(path)
            return
        line = None
        if citation is not None:  # a citation saved before lines were recorded: count them in the text
            line = citation.lines[0] if citation.lines else \
                self.read(self.place.source_id)[:citation.start].count("\n") + 1
        command = editor_command(path, line, os.environ)
        if command is None:
            self.notify("Set $VISUAL or $EDITOR to open sources in your editor.")
            return
        try:
            with self.app.suspend():
                subprocess.run(command, check=False)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an editor.", severity="error")
        except OSError as error:
            self.notify(inert(f"Could not run {command[0]}: {error.strerror or error}."), severity="error",
                        markup=False)

    def _open_in_viewer(self, path: Path) -> None:
        try:
            subprocess.Popen(opener_command(path), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError:
            self.notify(inert(f"No program to open {path.name} with; it is at {path}."), markup=False)
