"""`qa sources`, `qa text` and `qa remove`: the sources listed, read and removed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from qa.cli.output import EXIT_FAILURE, EXIT_OK, fail, say, say_waiting, warn
from qa.display import inert, plural
from qa.errors import LibraryError

if TYPE_CHECKING:
    from qa.models import Source
    from qa.settings import Settings


def remove(folder: Path, settings: Settings, references: list[str], all_from: Path | None,
           yes: bool) -> int:
    from qa.library import Library

    library = Library.open(folder, settings, refresh=False, waiting=say_waiting)
    # id → what to pass to `remove`, which resolves it again under the writer lock: the name
    # the user typed, so that a source another process removes meanwhile is named as typed.
    chosen: dict[str, str] = {}
    sweeping = all_from is not None  # a glob or a folder: the user may not know all it matches
    followed = library.followed(counts=False)
    unfollowing = []
    left = 0  # sources of followed folders a glob matched: the user's own files, never deleted
    for reference in references:
        if any(c in reference for c in "*?["):
            sweeping = True
            matches = library.matching(reference)
            if not matches:
                raise LibraryError(f"No source matches {reference!r} (see `qa sources`).")
            left += sum(1 for source in matches if source.followed)
            chosen.update((source.id, source.id) for source in matches if not source.followed)
        elif folder := next((folder for folder in followed if folder.named_by(reference)), None):
            unfollowing.append(folder.name)
        else:
            chosen.setdefault(library.find(reference).id, reference)
    if left:
        say(f"{plural(left, 'source')} of followed folders left as they are: `qa remove FOLDER` stops following one.")
    if all_from is not None and (folder := next((f for f in followed if f.named_by(str(all_from))), None)):
        unfollowing.append(folder.name)  # all that came from a followed folder: stop following it
    elif all_from is not None:
        matches = library.added_from(all_from)
        if not matches:
            raise LibraryError(f"No source was added from {all_from}.")
        chosen.update((source.id, source.id) for source in matches)
    # Only a person at a terminal is asked: a script's stdin is not one, and it gets what it
    # asked for, as before.
    if chosen and (sweeping or len(chosen) > 1) and not yes and sys.stdin.isatty():
        shown = [library.find(source_id) for source_id in list(chosen)[:REMOVALS_SHOWN]]
        if not _confirm_removal(shown, len(chosen)):
            fail("nothing was removed.")
            return EXIT_FAILURE
    for name in dict.fromkeys(unfollowing):
        gone, sources = library.unfollow(name)
        say(f"Stopped following {gone.path} ({gone.name}): {plural(len(sources), 'source')} left the library; "
            "its files are untouched.")
    for source in library.remove(list(chosen.values())):
        if source.link:
            say(f"Removed {source.title}: deleted the link {source.path}; {source.link} is untouched.")
        else:
            say(f"Removed {source.title} ({source.path}).")
    for warning in library.warnings:  # an index that cannot be written: the change is not kept
        warn(warning)
    return EXIT_OK


# How many sources a removal's question names before it says "and N more".
REMOVALS_SHOWN = 10


def _confirm_removal(shown: list[Source], count: int) -> bool:
    """Name the first of the ``count`` sources that would go and ask; only "y" or "yes" says
    yes (end of input says no)."""
    for source in shown:
        print(f"  {inert(source.id)}  {inert(source.title)}", file=sys.stderr)
    if count > len(shown):
        print(f"  … and {count - len(shown):,} more", file=sys.stderr)
    print(f"Remove {'this source' if count == 1 else f'these {count:,} sources'}? [y/N] ",
          end="", file=sys.stderr, flush=True)
    reply = sys.stdin.readline()
    if not reply.endswith("\n"):  # ctrl+D: the terminal echoed no new line
        print(file=sys.stderr)
    return reply.strip().lower() in ("y", "yes")


def list_sources(folder: Path, settings: Settings, pattern: str | None, as_json: bool) -> int:
    from qa.library import Library

    library = Library.open(folder, settings)
    for warning in library.warnings:
        warn(warning)
    sources = library.matching(pattern) if pattern else library.sources
    if as_json:
        print(json.dumps([s.model_dump(mode="json", exclude={"sha256"}) for s in sources], indent=2))
        return EXIT_OK
    followed = library.followed() if not pattern else []
    if followed:
        say("Followed folders (read where they are, kept in sync, never written to):")
        for followed_folder in followed:
            say(f"  {followed_folder.name} → {followed_folder.path}: "
                + (plural(followed_folder.sources, 'source') if followed_folder.present
                   else "gone (moved or unmounted); its sources come back with it"))
    if not sources:
        say(f"No sources match {pattern!r}." if pattern else f"No sources in {folder}. Add some with `qa add PATH`.")
    for source in sources:
        say(source.id)
        say(f"  {source.title}")
        say(f"  {plural(source.paragraphs, 'paragraph')}, {plural(source.chunks, 'chunk')}: {source.path}"
            + (f" → {source.link}" if source.link else ""))
    return EXIT_OK


def print_text(folder: Path, settings: Settings, reference: str) -> int:
    """The text of the source ``reference`` names, or of each source it matches as a pattern."""
    from qa.library import Library

    library = Library.open(folder, settings)
    sources: list[Source] = []
    if not any(c in reference for c in "*?["):
        try:
            sources = [library.find(reference)]
        except LibraryError:  # not one source's name: read it as `qa sources` reads a pattern
            pass
    if not sources:
        sources = library.matching(reference)
        if not sources:
            raise LibraryError(f"No source matches {reference!r} (see `qa sources`).")
    ended_line = True
    for number, source in enumerate(sources):
        if len(sources) > 1:  # as `head` shows several files
            sys.stdout.write(("" if ended_line else "\n") + ("\n" if number else ""))  # a blank line between
            say(f"==> {source.id}: {source.path} <==")
        text = library.text(source.id)
        # Inert like every other source text: one character for one, so offsets still hold.
        sys.stdout.write(inert(text, multiline=True))
        ended_line = text.endswith("\n")
    return EXIT_OK
