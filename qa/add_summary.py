"""What an add did, in one sentence: the CLI prints it and the UI shows it, in the same words.

The sentence quotes file names and titles as they are: each client makes it inert to show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from qa.display import hidden_skipped, plural, renamed

if TYPE_CHECKING:
    from qa.models import AddResult


def add_summary(results: Sequence[AddResult], *, link: bool, into: str = "", hidden_hint: str = "",
                reasons_shown: int = 0) -> str:
    """One sentence for a whole add.

    ``into``: the library it went to, when that is worth naming; ``hidden_hint``: how to add
    the hidden files skipped; ``reasons_shown``: how many of the failures' own sentences to
    quote (none where each was already said on its own line).
    """
    added = [r for r in results if r.source is not None and not r.duplicate_of]
    duplicates = [r for r in results if r.duplicate_of]
    verb = _verb(added, link)
    if len(results) == 1 and (added or duplicates) and not (added and added[0].source.followed):
        return _one(results[0], verb)
    hidden = [r for r in results if r.hidden is not None]  # a folder's hidden files: counted and named
    unsupported = [r for r in results if r.unsupported and r.hidden is None]  # no news, only a count
    failed = [r for r in results if r.source is None and not r.duplicate_of and not r.unsupported and r.hidden is None]
    chunks = sum(r.source.chunks for r in added if r.source is not None)
    parts = [f"{verb} {plural(len(added), 'source')} ({plural(chunks, 'chunk')})"
             + (f" to {into}" if into and not verb.startswith("Following") else "")]
    if duplicates:
        parts.append(f"{len(duplicates):,} already there")
    if warned := sum(1 for r in added if r.warning):
        parts.append(f"{warned:,} read with a warning")
    if renamed_ := [r for r in added if r.name_taken]:
        parts.append(renamed(renamed_))
    if unsupported:
        parts.append(f"{plural(len(unsupported), 'file')} of other formats skipped")
    if hidden:
        parts.append(hidden_skipped(hidden, hint=hidden_hint))
    if failed:  # last: its reasons are whole sentences
        parts.append(f"{len(failed):,} could not be added" + _reasons(failed, reasons_shown))
    message = ", ".join(parts)
    return message if message.endswith(".") else message + "."


def _verb(added: Sequence[AddResult], link: bool) -> str:
    followed = list(dict.fromkeys(r.source.followed for r in added if r.source and r.source.followed))
    if followed:
        return f"Following {', '.join(followed)}:"
    return "Linked" if link else "Added"


def _one(result: AddResult, verb: str) -> str:
    source = result.source
    if source is None:
        return f"{result.path} is already in the sources as {result.duplicate_of}; nothing changed."
    return (f"{verb} {source.title} as {source.path} "
            f"({plural(source.paragraphs, 'paragraph')}, {plural(source.chunks, 'chunk')})"
            + (f"; {result.name_taken} was taken." if result.name_taken else "."))


def _reasons(failed: Sequence[AddResult], shown: int) -> str:
    if not shown:
        return ""
    reasons = [r.error or f"{r.path.name} was not added." for r in failed[:shown]]
    more = f" (and {len(failed) - shown:,} more)" if len(failed) > shown else ""
    return f": {' '.join(reasons)}{more}"
