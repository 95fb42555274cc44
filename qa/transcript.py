"""A conversation as Markdown: questions, answers as `>` quotes, citations as a numbered list.

A citation is named as everywhere else, by its place: title, section and page of a PDF, or
paragraph and lines of a text file, so a reader of the exported file can find the passage.
"""

from __future__ import annotations

from collections.abc import Sequence

from qa.models import Answer


def to_markdown(answers: Sequence[Answer], title: str = "Conversation") -> str:
    lines = [f"# {title}", ""]
    for answer in answers:
        lines += [f"## {answer.question}", ""]
        if not answer.answered:
            lines += [f"*{answer.text}*", ""]
            continue
        for quote in answer.quotes:
            lines += [f"> {quote.text} [{quote.citation}]", ""]
        for citation in answer.citations:
            lines.append(f"{citation.n}. {citation.place}: `{citation.path}`")
        lines.append("")
    return "\n".join(lines)
