"""A conversation as Markdown: questions, answers as `>` quotes, citations with their places.

A citation is named as everywhere else, by its place: title, section and page of a PDF, or
paragraph and lines of a text file, then its path, so a reader of the exported file can find
the passage. What shaped an answer is kept with it: the sources it was asked within, the
question it was read as a follow-up to, and the spellings it suggested.
"""

from __future__ import annotations

from collections.abc import Sequence

from qa.models import Answer


def to_markdown(answers: Sequence[Answer], title: str = "Conversation",
                within: Sequence[Sequence[str]] = ()) -> str:
    """``within[i]`` names the sources answer ``i`` was restricted to (missing or empty: all)."""
    lines = [f"# {title}", ""]
    for index, answer in enumerate(answers):
        lines += [f"## {answer.question}", ""]
        scope = within[index] if index < len(within) else ()
        if scope:
            lines += ["*Asked within: " + "; ".join(scope) + "*", ""]
        if answer.interpreted_as:
            earlier = answer.interpreted_as.split(" → ")[0]
            lines += [f"*Read as a follow-up to: {earlier}*", ""]
        if answer.suggestions:
            lines += [f"*Did you mean: {', '.join(answer.suggestions)}?*", ""]
        if not answer.answered:
            lines += [f"*{answer.text}*", ""]
            continue
        for quote in answer.quotes:
            text = " ".join(quote.text.split())  # a quote with line breaks stays one quoted paragraph
            lines += [f"> {'…' if quote.cut_start else ''}{text}{'…' if quote.cut_end else ''} [{quote.citation}]",
                      ""]
        # "[n]", not a numbered list: a title that starts with a number would read "1. 1. …".
        lines += [f"[{citation.n}] {citation.place}: `{citation.path}`  " for citation in answer.citations]
        lines.append("")
    return "\n".join(lines)
