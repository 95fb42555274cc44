"""The chat's widgets. Text from sources and users reaches them only through `tui.text.shown`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, cast

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from qa.display import inert, one_line, plural, source_labels
from tui.source_list import FOLLOWED_MARK, folder_of, titled
from tui.text import flat, shown

if TYPE_CHECKING:
    from qa.models import Answer, Citation, Source


def type_into_question_box(where: Widget, event: events.Key) -> None:
    """A printable key typed where it means nothing (a selected answer, the sidebar) goes to the
    question box, and so does the focus: a question can be typed from anywhere."""
    if not (event.character and event.is_printable):
        return
    event.stop()
    event.prevent_default()
    box = where.screen.query_one(QuestionInput)
    where.screen.set_focus(box)  # at once, so the next key goes there too
    box.insert_text_at_cursor(event.character)


class QuestionInput(Input):
    """The question box: up and down recall earlier questions; its placeholder says when questions
    are asked within some sources."""

    BINDINGS = [
        Binding("enter", "submit", "Ask", show=False, tooltip="ask"),
        Binding("up", "history(-1)", "Earlier question", show=False,
                tooltip="earlier / later questions (also from earlier sessions)"),
        Binding("down", "history(1)", "Later question", show=False,
                tooltip="earlier / later questions (also from earlier sessions)"),
        Binding("shift+tab", "select_answer", "Answers", show=False,
                tooltip="select the newest answer (shift+tab again: the one before; tab: the next, then the sidebar)"),
        Binding("tab", "to_sources", "Sources list", show=False, tooltip="the sidebar's list of sources"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.history: list[str] = []
        self._position = 0
        self._placeholder = self.placeholder

    def show_within(self, sources: Sequence[Source]) -> None:
        """Say that the next questions are asked within ``sources`` (none: all of them again)."""
        if sources:
            first = " ".join(sources[0].title.split())
            first = first if len(first) <= 40 else first[:39] + "…"
            more = f" and {len(sources) - 1} more" if len(sources) > 1 else ""
            self.placeholder = inert(f"Ask within {first}{more} · escape: all sources")
        else:
            self.placeholder = self._placeholder
        self.set_class(bool(sources), "within")

    def recall(self, questions: list[str]) -> None:
        """Start with the questions of earlier sessions."""
        self.history = list(questions)
        self._position = len(self.history)

    def remember(self, question: str) -> None:
        if not self.history or self.history[-1] != question:
            self.history.append(question)
        self._position = len(self.history)

    def _on_paste(self, event: events.Paste) -> None:
        """A question pasted over several lines (from a document, a mail) is kept whole, its
        lines joined by spaces: Textual's box kept the first line only."""
        event.stop()
        event.prevent_default()  # not Input's own handler too
        if text := " ".join(event.text.split()):
            self.replace(text, *self.selection) if not self.selection.is_empty else self.insert_text_at_cursor(text)

    async def action_submit(self) -> None:
        question, self.value = self.value, ""
        self.post_message(self.Submitted(self, question))

    def action_to_sources(self) -> None:
        """tab goes to the sidebar's list at once, not through every answer on the way."""
        listing = self.screen.query(".panel-list")
        if listing and listing.first().display and listing.first().parent.display:
            listing.first().focus()
        else:
            self.screen.focus_next()

    def action_select_answer(self) -> None:
        """shift+tab selects the newest answer (in Textual's order it would be the sidebar's list)."""
        answers = self.screen.query(AnswerView)
        answers.last().focus() if answers else self.screen.focus_previous()

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        self._position = max(0, min(len(self.history), self._position + step))
        self.value = self.history[self._position] if self._position < len(self.history) else ""
        self.cursor_position = len(self.value)


class AskAgain(Message):
    """A reader wants a question answered again: on its own (not as a follow-up), or spelled
    as the sources spell it ("Did you mean")."""

    def __init__(self, question: str, alone: bool = True) -> None:
        super().__init__()
        self.question = question
        self.alone = alone


class CitationOpener(Protocol):
    """The app, as the answers see it: it opens a citation at once, before any key typed next."""

    def open_citation(self, answer: Answer, citation: Citation) -> None: ...


def open_citation(widget: Widget, answer: Answer, citation: Citation) -> None:
    # A call, not a message: a message would reach the app after keys already queued (an
    # escape typed right after "1" would land on the chat and the viewer open after it).
    cast(CitationOpener, widget.app).open_citation(answer, citation)


def citation_text(citation: Citation) -> Text:
    """[n] Title › Section, p. 14: the title (or path) plain, where in it dim (the place starts with it)."""
    return Text.assemble((f"[{citation.n}] ", "bold"), flat(citation.label),
                         flat(citation.place.removeprefix(citation.label), "dim"))


def quote_text(answer: Answer, index: int) -> Text:
    """“The quote” [n], with the words that answer the question (when the answer says) in bold.

    A quote cut from an over-long sentence shows "…" where words were left out.
    """
    quote = answer.quotes[index]
    span = answer.answer
    # On one line, each run of white space (a hard-wrapped line break and its indentation) one
    # space, as the CLI shows it; the pieces around the answer's span are folded on their own.
    if span is not None and span.quote == index:
        body = Text.assemble(one_line(quote.text[:span.start]), (one_line(quote.text[span.start:span.end]),
                             "bold underline"), one_line(quote.text[span.end:]))
    else:
        body = Text(one_line(quote.text))
    return Text.assemble(("“", "dim"), ("…" if quote.cut_start else ""), body, ("…" if quote.cut_end else ""),
                         ("”", "dim"), " ", (f"[{quote.citation}]", "bold"))


class QuoteLine(Static):
    """One quote with its [n] marker; a click opens its citation."""

    def __init__(self, answer: Answer, index: int) -> None:
        quote = answer.quotes[index]
        super().__init__(quote_text(answer, index), classes="quote")
        self.answer = answer
        self.citation = answer.citations[quote.citation - 1]

    def on_click(self, event: events.Click) -> None:
        event.stop()
        open_citation(self, self.answer, self.citation)


class CitationLine(Static):
    """A cited source in the answer's list; clicking it opens the passage."""

    def __init__(self, answer: Answer, citation: Citation) -> None:
        super().__init__(citation_text(citation), classes="citation")
        self.answer = answer
        self.citation = citation

    def on_click(self, event: events.Click) -> None:
        event.stop()
        open_citation(self, self.answer, self.citation)


class QuestionView(Static):
    def __init__(self, question: str) -> None:
        super().__init__(shown(question), classes="question")
        self.question = question


class AnswerView(Vertical):
    """An answer: quotes, then its cited sources. Select it to open, copy or re-ask it by key.

    Only its own keys stop here: the digits of its citations and two control keys. Any other
    printable key goes on to the question box, so a question typed with an answer selected is
    never lost, not even one starting with a letter that once copied the answer ("can…").
    ctrl+c copies, as in Textual's own inputs (posting and harlequin users expect it there);
    ctrl+g asks it on its own, as ctrl+g asks the last question from the question box.
    """

    can_focus = True
    # Key 1 is bound once for each count of citations an answer may have, so the footer says
    # "1 Open" or "1-3 Open [n]" (the range this answer's digits open): `check_action` hides
    # every one but the answer's own (public API; the key itself works the same in each).
    BINDINGS = [
        Binding("1", "open(1, 1)", "Open", key_display="1"),
        *[Binding("1", f"open(1, {count})", "Open [n]", key_display=f"1-{count}") for count in range(2, 9)],
        Binding("1", "open(1, 9)", "Open [n]", key_display="1-9",
                tooltip="open citation [n] of the selected answer (or click a quote or a source)"),
        *[Binding(str(n), f"open({n})", f"Open [{n}]", show=False) for n in range(2, 10)],
        Binding("ctrl+c", "copy", "Copy", tooltip="copy the selected answer, with its citations (Markdown)"),
        Binding("ctrl+g", "ask_again", "Ask alone", tooltip="ask this follow-up again, on its own"),
        Binding("ctrl+t", "ask_corrected", "Ask as corrected",
                tooltip="ask the question as \"Did you mean\" spells it"),
        Binding("escape", "leave", "Back", show=False, tooltip="back to the question box"),
    ]

    def __init__(self, answer: Answer, within: tuple[str, ...] = ()) -> None:
        super().__init__(classes="answer" if answer.answered else "answer not-covered")
        self.answer = answer
        self.within = within

    def compose(self) -> ComposeResult:
        answer = self.answer
        if self.within:
            more = f" and {len(self.within) - 1} more" if len(self.within) > 1 else ""
            yield Static(Text.assemble("Asked within ", flat(self.within[0]), more), classes="note")
        if answer.suggestions:
            asks = (" (ctrl+t asks it)", "dim") if answer.corrected else ""
            yield Static(Text.assemble("Did you mean: ", flat(", ".join(answer.suggestions)), "?", asks),
                         classes="note")
        if answer.interpreted_as:
            earlier = answer.interpreted_as.split(" → ")[0]
            yield Static(Text.assemble("Read as a follow-up to: ", flat(earlier),
                                       (" (ctrl+g asks it on its own)", "dim")), classes="note")
        if not answer.answered:
            yield Static(shown(answer.text, multiline=True), classes="refusal")
            return
        for index in range(len(answer.quotes)):
            yield QuoteLine(answer, index)
        for citation in answer.citations:
            yield CitationLine(answer, citation)

    def own_keys(self) -> set[str]:
        return {str(n) for n in range(1, min(9, len(self.answer.citations)) + 1)}

    def opens_a_screen(self, key: str) -> bool:
        """Whether ``key`` opens the viewer (the app holds the keys typed after it for it)."""
        return key in self.own_keys()

    def on_focus(self) -> None:
        hints = [f"1-{len(self.answer.citations)} open" if len(self.answer.citations) > 1
                 else "1 opens" if self.answer.citations else "", "^c copy",
                 "^g ask alone" if self.answer.interpreted_as else "",
                 "^t as corrected" if self.answer.corrected else ""]
        self.border_subtitle = " · ".join(hint for hint in hints if hint)

    def on_blur(self) -> None:
        self.border_subtitle = ""

    def on_key(self, event: events.Key) -> None:
        if event.key not in self.own_keys():
            type_into_question_box(self, event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            cited = len(self.answer.citations)
            if len(parameters) == 2:  # key 1 for answers of that many citations (see BINDINGS)
                return cited > 0 and parameters[1] == min(9, cited)
            return 1 <= int(str(parameters[0])) <= cited
        if action == "ask_again":
            return self.answer.interpreted_as is not None
        if action == "ask_corrected":
            return self.answer.corrected is not None
        return True

    def searchable(self) -> str:
        answer = self.answer
        return "\n".join([answer.text, *(q.text for q in answer.quotes), *(c.title for c in answer.citations)])

    def action_open(self, n: int, _count: int = 0) -> None:
        if 1 <= n <= len(self.answer.citations):
            open_citation(self, self.answer, self.answer.citations[n - 1])

    def action_leave(self) -> None:
        self.screen.set_focus(self.screen.query_one(QuestionInput))

    def action_copy(self) -> None:
        from qa.transcript import to_markdown

        self.app.copy_to_clipboard(to_markdown([self.answer], title="Answer", within=[self.within]))
        self.notify("The answer is on the clipboard, as Markdown.")

    def action_ask_again(self) -> None:
        self.post_message(AskAgain(self.answer.question))

    def action_ask_corrected(self) -> None:
        if self.answer.corrected:
            self.post_message(AskAgain(self.answer.corrected, alone=False))


def welcome(sources: list[Source] | None) -> Group:
    """What the empty chat says: how answers work, and what the library holds.

    The sources it names are a list whose long titles wrap under their first word, not under
    the bullet (a grid's second column).
    """
    parts: list[Text | Table] = []
    text = Text("Ask a question: answers are sentences quoted word for word from your sources, "
                "with [n] citations you can open.\n\n")
    parts.append(text)
    if sources is None:
        text.append("Opening the library… you can type your question now.", style="italic")
    elif sources:
        text.append(f"{plural(len(sources), 'source')}", style="bold")
        text.append(", including:" if len(sources) > 3 else ":")
        labels = source_labels(sources)
        listed = Table.grid()
        listed.add_column(width=4, no_wrap=True)
        listed.add_column(ratio=1)
        for source in sources[:3]:
            # A followed folder's source is marked as in the sidebar; a title that does not say
            # where the file is ("README") is followed by its folder, dimmed.
            bullet = Text(f"  {FOLLOWED_MARK}", style="green") if source.followed else "  • "
            folder = folder_of(source)
            title = titled(source, labels[source.id]) if folder else labels[source.id]
            place = f"  {folder}/" if folder and folder not in title else ""
            listed.add_row(bullet, Text.assemble(flat(title), flat(place, "dim")))
        parts += [listed]
        if any(source.followed for source in sources[:3]):
            parts.append(Text(f"{FOLLOWED_MARK}a followed folder's file, read where it is and kept in sync.",
                              style="dim"))
        parts.append(Text("f2 browses them; there you can also ask within chosen ones."))
    else:
        text.append("No sources yet: press ctrl+o to add a file or folder.")
    parts.append(Text("\nf1 shows every key.", style="dim"))
    return Group(*parts)
