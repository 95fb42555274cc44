"""The passage viewer: a whole source, scrolled to a cited passage with its quotes highlighted.

n and p step through the answer's citations, / searches the source as you type (then n / N),
e opens the file outside (in $VISUAL or $EDITOR at the passage's line; a PDF or other document
in the system's viewer); j/k, g/G, space/b and q as in a pager.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from qa.display import inert
from tui.keys import FittingFooter
from tui.passage_text import FLAT, PassageText, Prepared, Span, prepare, prepare_around
from tui.text import flat

if TYPE_CHECKING:
    from qa.models import Answer, Citation, Source

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


def covers(prepared: Prepared, place: Place) -> bool:
    """Whether ``prepared`` has the place's passage laid out (a text shown around another
    passage has not: "n" to a citation 160 pages on showed some other page, unmarked)."""
    offset = place.citation.start if place.citation is not None else 0
    return not prepared.partial or bool(prepared.spans) and prepared.spans[0].start <= offset <= prepared.spans[-1].end


class Reader(Protocol):
    """What the viewer needs of the library."""

    def text(self, source_id: str) -> str: ...

    def holds(self, source_id: str) -> bool: ...


# A long text's rest is laid out this long after its passage shows: at once, it took the
# interpreter from drawing and reading the passage (measured: the passage showed 1.6× later
# than a short file's).
REST_AFTER = 0.5
HELP = "/ search · e editor · q closes"
CLOSE_HELP = "q closes"  # a removed source: nothing to search or edit


class PassageScreen(ModalScreen[str | None]):
    """One place at a time, its source's text loaded in a worker; stepping within a source scrolls.

    Dismissed with a question to ask again (the source was removed since the answer), or None.
    """

    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="end the search, or close the viewer"),
        Binding("q", "dismiss(None)", "Close", show=False, tooltip="close the viewer"),
        Binding("n", "next(1)", "Next", tooltip="next citation of the answer (next match while searching)"),
        Binding("p", "step(-1)", "Previous citation", tooltip="previous citation of the answer"),
        Binding("N", "next(-1)", "Previous match", show=False, tooltip="previous match while searching"),
        Binding("slash", "search", "Search", tooltip="search the source as you type; enter, then n / N"),
        Binding("e", "edit", "Editor", tooltip="open the source in $EDITOR at the passage (a PDF in its viewer)"),
        Binding("a", "ask_again", "Ask again", tooltip="ask the question again (its source was removed)"),
    ]

    def __init__(self, library: Reader, answer: Answer | None, place: Place) -> None:
        super().__init__()
        self.library = library
        self.answer = answer
        self.place = place
        self.texts: dict[str, Prepared] = {}
        self.loaded: str | None = None  # the source whose text is shown
        self.removed = False
        self._show_when_wrapped = False

    def compose(self) -> ComposeResult:
        with Vertical(id="passage-dialog"):
            yield Static(id="passage-title")
            yield Static("", id="passage-note", classes="note")
            yield PassageText(id="passage-text")
            yield Input(placeholder="search this source (enter: done, then n / N)", id="passage-search")
            yield Static(id="passage-help")
        yield FittingFooter()

    @property
    def text_view(self) -> PassageText:
        return self.query_one(PassageText)

    def on_mount(self) -> None:
        self.query_one("#passage-search").display = False
        self.text_view.focus()
        # After the first layout: the text is wrapped at the viewer's width, which read before it
        # was 8 columns (a 300-page PDF wrapped into 190,000 rows, then again).
        self.call_after_refresh(lambda: self._go(self.place))

    def _go(self, place: Place) -> None:
        self.place = place
        citation = place.citation
        heading = citation.place if citation else place.title  # title › section, page or lines
        where = [f"[{citation.n}] of {len(self.answer.citations)}"] if citation and self.answer else []
        where.append(place.path.name)
        self.query_one("#passage-title", Static).update(
            Text.assemble(flat(heading, "bold"), "\n", flat(" · ".join(where), "dim")))
        self._status()
        kept = self.texts.get(place.source_id)
        if kept is not None and not covers(kept, place):  # a long text laid out around another passage
            self._show_when_wrapped = True
            self._prepare_around(place.source_id, kept.text)
        elif self.loaded == place.source_id:
            self._mark()
        elif kept is not None:
            self._load(place.source_id, kept)
        else:
            self._note(Text("Opening the source…", style="dim italic"))
            self._read(place.source_id)

    @work(thread=True, exclusive=True, group="read")
    def _read(self, source_id: str) -> None:
        from qa.library import LibraryError

        try:
            text = self.library.text(source_id)
        except LibraryError as error:
            removed = not self.library.holds(source_id)
            self.app.call_from_thread(self._unreadable, source_id, str(error), removed)
            return
        width, citation = self.text_view.text_width, self.place.citation
        around = prepare_around(text, width, citation.start) if citation is not None else None
        self.app.call_from_thread(self._load, source_id, around or prepare(text, width))

    @work(thread=True, exclusive=True, group="read")
    def _prepare_around(self, source_id: str, text: str) -> None:
        """``n`` in a long text shown only around the passage before: the next one laid out
        around it (the whole text may still be on its way)."""
        width, offset = self.text_view.text_width, self.place.citation.start if self.place.citation else 0
        self.app.call_from_thread(self._load, source_id, prepare_around(text, width, offset) or prepare(text, width))

    @work(thread=True, group="read-rest")
    def _read_rest(self, source_id: str, text: str, width: int) -> None:
        """The whole of a text shown in part, laid out once the part is on screen: sooner, it
        competed with drawing the part for the interpreter."""
        self.app.call_from_thread(self._load, source_id, prepare(text, width))

    def _load(self, source_id: str, prepared: Prepared) -> None:
        kept = self.texts.get(source_id)
        if kept is None or kept.partial or not prepared.partial:  # the whole text is never replaced by a part
            self.texts[source_id] = prepared
        if source_id != self.place.source_id:
            return  # read for a place left meanwhile
        if self.loaded == source_id and kept is not None and kept.partial and not prepared.partial:
            self.text_view.load(prepared, keep_place=True)  # the whole text, where its part was shown
            return
        self.loaded, self.removed = source_id, False
        self._show_when_wrapped = True
        self.text_view.load(prepared)
        if self.text_view.laid_out:
            self._mark()
        if prepared.partial:
            self.set_timer(REST_AFTER, lambda: self._read_rest(source_id, prepared.text, prepared.width))

    @property
    def ready(self) -> bool:
        """The place's text is shown, laid out, with its passage marked (or it cannot be read)."""
        return (self.loaded == self.place.source_id or self.removed) and not self._show_when_wrapped

    @on(PassageText.Wrapped)
    def wrapped(self) -> None:
        if self._show_when_wrapped:
            self._mark()

    def _mark(self) -> None:
        """The cited passage marked and scrolled to (the whole source: its top)."""
        self._show_when_wrapped = False
        citation = self.place.citation
        text = self.texts[self.place.source_id].text
        quotes = [Span(q.start, q.end) for q in self.answer.quotes if citation and q.citation == citation.n] \
            if self.answer else []
        stale = citation is not None and text[citation.start:citation.end] != citation.passage.translate(FLAT)
        self._note(Text("The source has changed since this answer; its passage may have moved.")
                   if stale else Text(""))
        self.text_view.show(Span(citation.start, citation.end) if citation else None, quotes)
        if citation is None:
            self.text_view.scroll_home(animate=False, immediate=True)

    def _unreadable(self, source_id: str, error: str, removed: bool) -> None:
        if source_id != self.place.source_id:
            return
        self.loaded, self.removed = None, removed
        self._show_when_wrapped = False
        self.text_view.load("")
        if removed:
            self._note(Text.assemble(flat(self.place.title, "bold"), " was removed from the library after this "
                                     "answer; press a to ask the question again."))
        else:
            self._note(Text(inert(error)))
        self._status()
        self.refresh_bindings()

    def _note(self, text: Text) -> None:
        note = self.query_one("#passage-note", Static)
        note.update(text)
        note.display = bool(text.plain)

    def _status(self, said: str | None = None) -> None:
        readable = self.loaded is not None or not self.removed
        stepping = self.answer is not None and len(self.answer.citations) > 1
        keys = ("n/p next/prev citation · " if stepping else "") + (HELP if readable else CLOSE_HELP)
        self.query_one("#passage-help", Static).update(Text(said or keys, style="dim"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "ask_again":
            return self.removed and self.answer is not None
        if action == "step":
            return self.answer is not None and len(self.answer.citations) > 1
        if action == "next":  # n: the next match while searching, else the next citation
            return bool(self.text_view.matches) or (self.answer is not None and len(self.answer.citations) > 1)
        if action in ("edit", "search"):
            return not self.removed
        return True

    # -- keys ------------------------------------------------------------------------------

    def action_close(self) -> None:
        search = self.query_one("#passage-search", Input)
        if search.display or self.text_view.matches:
            search.display = False
            search.value = ""
            self.text_view.clear_search()
            self.text_view.focus()
            self._status()
            self.refresh_bindings()
            return
        self.dismiss(None)

    def action_ask_again(self) -> None:
        if self.answer is not None:
            self.dismiss(self.answer.question)

    def action_next(self, step: int) -> None:
        if self.text_view.matches:
            self._found(*self.text_view.search("", step))
        elif step > 0:
            self.action_step(1)

    def action_step(self, step: int) -> None:
        if self.answer is None or self.place.citation is None or not self.answer.citations:
            return
        n = (self.place.citation.n - 1 + step) % len(self.answer.citations)
        self._go(Place.of_citation(self.answer.citations[n]))

    def action_search(self) -> None:
        search = self.query_one("#passage-search", Input)
        search.display = True
        search.focus()

    @on(Input.Changed, "#passage-search")
    def searching(self, event: Input.Changed) -> None:
        self._found(*self.text_view.search(event.value.strip()))

    @on(Input.Submitted, "#passage-search")
    def searched(self) -> None:
        self.query_one("#passage-search").display = False
        self.text_view.focus()

    def _found(self, current: int, count: int) -> None:
        self.refresh_bindings()
        query = self.query_one("#passage-search", Input).value.strip()
        if not query:
            self._status()
        elif not count:
            self._status(f"no match for “{inert(query)}” · escape: done")
        else:
            self._status(f"match {current + 1} of {count:,} · n / N next / previous · escape: done")

    def action_edit(self) -> None:
        path, citation = self.place.path, self.place.citation
        source_format = path.suffix.lower().lstrip(".")
        if source_format not in EDITABLE:
            self._open_in_viewer(path)
            return
        line = None
        if citation is not None:  # a citation saved before lines were recorded: count them in the text
            line = citation.lines[0] if citation.lines else \
                self.text_view.text[:citation.start].count("\n") + 1
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
