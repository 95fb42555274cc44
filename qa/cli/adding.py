"""`qa add` and `qa sync`: files and folders in, with a progress bar on a terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from qa.add_summary import add_summary
from qa.cli.output import EXIT_FAILURE, EXIT_OK, fail, say, say_waiting, warn
from qa.display import inert, plural

if TYPE_CHECKING:
    from rich.console import Console

    from qa.models import AddProgress
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
    failed = [r for r in results if r.error]
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
    if not args.json and not (len(results) == 1 and failed):  # one file that failed: its sentence says it all
        say(add_summary(results, link=args.link, into=str(folder),
                        hidden_hint="" if args.link else "use --hidden"))  # a followed folder's are never read
    return EXIT_FAILURE if failed else EXIT_OK


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
