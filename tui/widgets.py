"""The chat's widgets. Text from sources and users is always `rich.text.Text`, never markup."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from qa.display import inert, plural
from qa.models import Answer, Citation, Source


class QuestionInput(Input):
    """The question box: up and down recall earlier questions."""

    BINDINGS = [
        Binding("up", "history(-1)", "Earlier question", show=False),
        Binding("down", "history(1)", "Later question", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.history: list[str] = []
        self._position = 0

    def remember(self, question: str) -> None:
        if not self.history or self.history[-1] != question:
            self.history.append(question)
        self._position = len(self.history)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        self._position = max(0, min(len(self.history), self._position + step))
        self.value = self.history[self._position] if self._position < len(self.history) else ""
        self.cursor_position = len(self.value)


class OpenCitation(Message):
    """A reader asked to see a citation's passage."""

    def __init__(self, answer: Answer, citation: Citation) -> None:
        super().__init__()
        self.answer = answer
        self.citation = citation


class QuoteLine(Static):
    """One quote with its [n] marker; clicking it opens the citation."""

    def __init__(self, answer: Answer, index: int) -> None:
        quote = answer.quotes[index]
        text = Text.assemble(("“", "dim"), inert(quote.text, multiline=True), ("”", "dim"), " ", (f"[{quote.citation}]", "bold"))
        super().__init__(text, classes="quote")
        self.answer = answer
        self.citation = answer.citations[quote.citation - 1]

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(OpenCitation(self.answer, self.citation))


class CitationLine(Static):
    """A cited source in the answer's list; clicking it opens the passage."""

    def __init__(self, answer: Answer, citation: Citation) -> None:
        text = Text.assemble((f"[{citation.n}] ", "bold"), inert(citation.title),
                             (f", paragraph {citation.paragraph}", "dim"))
        super().__init__(text, classes="citation")
        self.answer = answer
        self.citation = citation

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(OpenCitation(self.answer, self.citation))


class QuestionView(Static):
    def __init__(self, question: str) -> None:
        super().__init__(Text(inert(question)), classes="question")


class AnswerView(Vertical):
    """An answer: quotes, then its cited sources. Focus it and press a number to open one."""

    can_focus = True
    BINDINGS = [Binding(str(n), f"open({n})", f"Open [{n}]", show=False) for n in range(1, 10)]

    def __init__(self, answer: Answer) -> None:
        super().__init__(classes="answer" if answer.answered else "answer not-covered")
        self.answer = answer

    def compose(self) -> ComposeResult:
        answer = self.answer
        if answer.suggestions:
            yield Static(Text(f"Did you mean: {inert(', '.join(answer.suggestions))}?"), classes="note")
        if answer.interpreted_as:
            earlier = answer.interpreted_as.split(" → ")[0]
            yield Static(Text(f"Read as a follow-up to: {inert(earlier)}"), classes="note")
        if not answer.answered:
            yield Static(Text(inert(answer.text, multiline=True)), classes="refusal")
            return
        for index in range(len(answer.quotes)):
            yield QuoteLine(answer, index)
        for citation in answer.citations:
            yield CitationLine(answer, citation)

    def action_open(self, n: int) -> None:
        if 1 <= n <= len(self.answer.citations):
            self.post_message(OpenCitation(self.answer, self.answer.citations[n - 1]))


class SourcesPanel(Vertical):
    """The list of sources: title, paragraphs, file name."""

    def show(self, sources: list[Source]) -> None:
        self.remove_children()
        self.mount(Static(Text(f"Sources ({len(sources)})", style="bold"), classes="panel-title"))
        if not sources:
            self.mount(Static(Text("No sources yet: add one with ctrl+o."), classes="source"))
        for source in sources:
            self.mount(Static(Text.assemble(
                inert(source.title), "\n", (f"{plural(source.paragraphs, 'paragraph')} · {inert(source.path.name)}", "dim")
            ), classes="source"))
