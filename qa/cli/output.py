"""What the `qa` commands print: answers, messages, warnings and exit codes."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

from qa.display import inert, one_line

if TYPE_CHECKING:
    from qa.models import Answer


EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what the shell reports for a tool its reader stopped reading


class Style:
    """ANSI styling, or none when the output is not a terminal (or NO_COLOR is set)."""

    def __init__(self, stream: TextIO) -> None:
        self.enabled = stream.isatty() and "NO_COLOR" not in os.environ

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text


def format_answer(answer: Answer, style: Style) -> str:
    """An answer for a person: quotes with their markers, then the numbered citations.

    Every piece of source text, title, path and question in it is made inert first.
    """
    lines = []
    if answer.suggestions:
        lines.append(style(f"Did you mean: {inert(', '.join(answer.suggestions))}?", "2"))
    if answer.interpreted_as:
        earlier = answer.interpreted_as.split(" → ")[0]
        lines.append(style(f"(read as a follow-up to: {inert(earlier)})", "2"))
    if not answer.answered:
        lines.append(style(inert(answer.text, multiline=True), "33"))
        return "\n".join(lines)
    for number, quote in enumerate(answer.quotes):
        # A quote may span a hard-wrapped line break: it reads on one line. Each piece is
        # folded on its own, so the answer span still marks the same words.
        span = answer.answer
        if span is not None and span.quote == number:
            text = one_line(quote.text[:span.start]) + style(one_line(quote.text[span.start:span.end]), "1") \
                + one_line(quote.text[span.end:])
        else:
            text = one_line(quote.text)
        text = ("…" if quote.cut_start else "") + text + ("…" if quote.cut_end else "")
        lines.append(f"“{text}” " + style(f"[{quote.citation}]", "1;36"))
        lines.append("")
    for citation in answer.citations:
        lines.append(
            style(f"[{citation.n}]", "1;36")
            + f" {inert(citation.place)}: " + style(inert(str(citation.path)), "2")
        )
    return "\n".join(lines)


def say(message: str) -> None:
    """One line for the user on stdout, made inert: it may quote names, titles and questions."""
    print(inert(message))


def warn(message: str) -> None:
    print(f"qa: warning: {inert(message)}", file=sys.stderr)


def fail(message: str) -> None:
    print(f"qa: {inert(message)}", file=sys.stderr)


def say_waiting() -> None:
    """For a write that waits for another process's (the wait may be long: a big add)."""
    print("qa: another qa process is updating this library; waiting for it to finish "
          "(Ctrl+C stops).", file=sys.stderr, flush=True)
