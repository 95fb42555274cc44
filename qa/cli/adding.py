"""`qa add` and `qa sync`: files and folders in, with a progress bar on a terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from qa.cli.output import EXIT_FAILURE, EXIT_OK, fail, say, say_waiting, warn
from qa.display import hidden_skipped, inert, plural, renamed

if TYPE_CHECKING:
    from rich.console import Console

    from qa.models import AddProgress, AddResult
    from qa.settings import Settings


def add(folder: Path, settings: Settings, args: argparse.Namespace) -> int:
    if args.ocr:
        settings = settings.model_copy(update={"ocr": True})
    if args.progress:
        from qa.background import serve

        return serve(folder, settings, args.paths, args.link, args.hidden)
    from qa.library import Library

    library = Library.open(folder, settings, create=True, refresh=False, waiting=say_waiting)
    with AddProgressBar(enabled=sys.stderr.isatty() and not args.json) as bar:
        results = library.add(args.paths, progress=bar.update, link=args.link, hidden=args.hidden)
    added = [r for r in results if r.source]
    if added:
        for warning in library.warnings:  # an index that cannot be written: the change is not kept
            warn(warning)
    duplicates = [r for r in results if r.duplicate_of]
    failed = [r for r in results if r.error]
    hidden = [r for r in results if r.hidden is not None]
    unsupported = [r for r in results if r.unsupported and r.hidden is None]
    renamed_ = [r for r in added if r.name_taken]
    for result in results:
        if args.json:
            print(result.model_dump_json())
        elif result.error:
            fail(result.error)
        elif result.warning:
            warn(result.warning)
        if args.verbose and not args.json:
            if result.source:
                how = "linked" if result.source.link else "added"
                say(f"{result.path}: {how} as {result.source.id} "
                    f"({plural(result.source.paragraphs, 'paragraph')}, {plural(result.source.chunks, 'chunk')})"
                    + (f"; {result.name_taken} was taken" if result.name_taken else ""))
            elif result.duplicate_of:
                say(f"{result.path}: already in the sources as {result.duplicate_of}")
            elif result.hidden is not None:
                say(f"{result.path}: hidden, skipped")
            elif result.unsupported:
                say(f"{result.path}: another format, skipped")
    if args.json or (len(results) == 1 and failed):
        pass  # one file that failed: its sentence above says it all
    elif len(results) == 1 and (added or duplicates) and not (added and added[0].source.followed):
        result = results[0]
        if result.source:
            say(f"{_verb(added, args.link)} {result.source.title} as {result.source.path} "
                f"({plural(result.source.paragraphs, 'paragraph')}, {plural(result.source.chunks, 'chunk')})"
                + (f"; {result.name_taken} was taken." if result.name_taken else "."))
        else:
            say(f"{result.path} is already in the sources as {result.duplicate_of}; nothing changed.")
    else:
        chunks = sum(r.source.chunks for r in added)
        verb = _verb(added, args.link)
        parts = [f"{verb} {plural(len(added), 'source')} ({plural(chunks, 'chunk')})"
                 + ("" if verb.startswith("Following") else f" to {folder}")]
        if duplicates:
            parts.append(f"{len(duplicates):,} already there")
        if failed:
            parts.append(f"{len(failed):,} could not be added")
        if renamed_:
            parts.append(renamed(renamed_))
        if unsupported:
            parts.append(f"{plural(len(unsupported), 'file')} of other formats skipped")
        if hidden:
            # --hidden copies them; a followed folder's hidden files are never read
            parts.append(hidden_skipped(hidden, hint="" if args.link else "use --hidden"))
        say(", ".join(parts) + ".")
    return EXIT_FAILURE if failed else EXIT_OK


def _verb(added: list[AddResult], link: bool) -> str:
    followed = list(dict.fromkeys(r.source.followed for r in added if r.source and r.source.followed))
    if followed:
        return f"Following {', '.join(followed)}:"
    return "Linked" if link else "Added"


def sync(folder: Path, settings: Settings) -> int:
    from qa.library import Library

    library = Library.open(folder, settings, refresh=False, waiting=say_waiting)
    result = library.refresh(wait=None)
    for warning in library.warnings:
        warn(warning)
    changed = [f"{plural(len(result.read), 'file')} read (new or changed)"] if result.read else []
    changed += [f"{plural(len(result.dropped), 'source')} dropped (its file is gone)"
                if len(result.dropped) == 1 else f"{len(result.dropped):,} sources dropped (their files are gone)"] \
        if result.dropped else []
    changed += [f"{plural(len(result.unreadable), 'source')} dropped "
                + ("(its file changed and cannot be read)" if len(result.unreadable) == 1
                   else "(their files changed and cannot be read)")] if result.unreadable else []
    say(f"{', '.join(changed) if changed else 'Nothing changed'}; {plural(library.source_count, 'source')}.")
    for gone in [folder for folder in library.followed(counts=False) if not folder.present]:
        say(f"The followed folder {inert(gone.name)} ({inert(str(gone.path))}) is gone (moved or unmounted); "
            "its sources come back with it.")
    return EXIT_OK


class AddProgressBar:
    """A progress bar on a terminal: files done of all, MB done of all, rate, elapsed and the file
    in hand; nothing otherwise. The bar itself moves with the bytes, which is where the time goes."""

    NAME_WIDTH = 40  # characters of the current file's name shown, its end kept

    def __init__(self, enabled: bool, console: Console | None = None) -> None:
        self.enabled = enabled
        self._console = console
        self._progress = None
        self._task = None

    def __enter__(self) -> AddProgressBar:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TransferSpeedColumn,
            )

            self._progress = Progress(
                TextColumn("Adding"), BarColumn(bar_width=24), TextColumn("{task.fields[files]}"),
                DownloadColumn(), TransferSpeedColumn(), TimeElapsedColumn(),
                TextColumn("{task.fields[current]}", markup=False),  # a file name is not markup
                console=self._console or Console(stderr=True), transient=True,
            )
            self._progress.start()
        return self

    def update(self, progress: AddProgress) -> None:
        if self._progress is None:
            return
        files = f"{progress.files_done:,}/{plural(progress.files_total, 'file')}"
        name = inert(progress.current.name) if progress.current else ""
        if len(name) > self.NAME_WIDTH:
            name = "…" + name[-(self.NAME_WIDTH - 1):]
        if self._task is None:
            self._task = self._progress.add_task("add", total=progress.bytes_total, files=files, current=name)
        self._progress.update(self._task, completed=progress.bytes_done, files=files, current=name)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
