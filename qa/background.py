"""`qa add` in a child process, for a client that must stay responsive while it runs (the UI).

Analysing and committing a big add is heavy Python work: in the UI's process it would hold
the GIL, and the library's lock, for as long as it runs, and typing and asking would wait.
So the UI starts ``python -m qa add --progress``, the child side below (`serve`), and reads
one JSON line per event from its stdout: a first progress line once the child is ready, one
per file analysed, then one result per path. SIGINT asks the child to stop after the file in
hand; it commits what it has analysed and still reports every result. The client's own
`Library` sees each batch the child commits at its next sync; until then it answers from
what was committed before.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from pydantic import BaseModel, TypeAdapter, ValidationError

import qa
from qa.display import describe_os_error
from qa.library import Library
from qa.models import AddProgress, AddResult
from qa.settings import Settings


class ProgressLine(BaseModel):
    progress: AddProgress


class ResultLine(BaseModel):
    result: AddResult


_LINE: TypeAdapter[ProgressLine | ResultLine] = TypeAdapter(ProgressLine | ResultLine)
# The child's first line: it is ready, and SIGINT now means "stop after the file in hand".
_READY = ProgressLine(progress=AddProgress(files_done=0, files_total=0, bytes_done=0, bytes_total=0))


class AddFailed(Exception):
    """The child could not add anything (or died); the message is one sentence."""


class BackgroundAdd:
    """One add of ``paths`` into the library in ``folder``, run by a child process.

    `run` starts the child and follows it to its end (call it from a worker thread); `cancel`
    and `progress` may be used from any thread meanwhile. ``on_progress`` is called with each
    progress line, on the thread that runs `run`.
    """

    def __init__(self, folder: Path, settings: Settings, paths: Sequence[Path], link: bool = False,
                 hidden: bool = False, ocr: bool = False,
                 on_progress: Callable[[AddProgress], None] | None = None) -> None:
        self.folder = folder
        self.settings = settings
        self.paths = list(paths)
        self.link = link
        self.hidden = hidden
        self.ocr = ocr
        self.progress: AddProgress | None = None  # replaced whole, so a reader never sees half
        self.on_progress = on_progress
        self._cancelled = threading.Event()
        self._signal = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self._ready = False
        self._interrupted = False

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Stop after the file in hand; what was analysed is committed and reported."""
        self._cancelled.set()
        self._interrupt()

    def _interrupt(self) -> None:
        # Only once the child is ready: before, SIGINT would kill it without a report.
        with self._signal:
            process = self._process
            if self._ready and not self._interrupted and process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)
                self._interrupted = True

    def command(self) -> list[str]:
        options = [option for option, chosen in (("--link", self.link), ("--hidden", self.hidden),
                                                 ("--ocr", self.ocr)) if chosen]
        # -P: a folder called qa in the current one must not stand in for the package.
        return [sys.executable, "-P", "-m", "qa", "add", "--progress", "--sources", str(self.folder), *options,
                "--", *map(str, self.paths)]

    def run(self) -> list[AddResult]:
        """Run the add to its end: a result per path (and per file of a folder).

        Raises `AddFailed` with one sentence if the child could not start, failed or died.
        """
        try:
            errors = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")
        except OSError as error:
            raise AddFailed(f"Could not start adding: {describe_os_error(error)}") from None
        with errors:
            try:
                # Its own session: a Ctrl+C or hang-up meant for the UI's terminal never reaches it.
                process = subprocess.Popen(
                    self.command(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors,
                    env=_environment(self.settings), text=True, encoding="utf-8", errors="replace",
                    start_new_session=True,
                )
            except OSError as error:
                raise AddFailed(f"Could not start adding: {describe_os_error(error)}") from None
            with self._signal:
                self._process = process
            results = self._follow(process)
            code = process.wait()
            if code != 0:
                raise AddFailed(_reason(code, errors))
            return results

    def progressed(self, progress: AddProgress) -> None:
        self.progress = progress
        if self.on_progress is not None:
            self.on_progress(progress)

    def _follow(self, process: subprocess.Popen[str]) -> list[AddResult]:
        results: list[AddResult] = []
        assert process.stdout is not None
        with process.stdout:
            for text in process.stdout:
                try:
                    line = _LINE.validate_json(text)
                except ValidationError:
                    continue  # not ours: a library the child uses printed something
                if isinstance(line, ResultLine):
                    results.append(line.result)
                    continue
                self.progressed(line.progress)
                if not self._ready:
                    with self._signal:
                        self._ready = True
                    if self.cancelled:
                        self._interrupt()
        return results


def _environment(settings: Settings) -> dict[str, str]:
    """The child's environment: this process's, with its settings (so the child reads the index
    with the same fingerprint) and its copy of `qa` first on the path."""
    environment = dict(os.environ)
    for name, value in settings.model_dump(exclude={"sources"}).items():
        environment[f"QA_{name.upper()}"] = str(value)
    package_root = str(Path(qa.__file__).resolve().parent.parent)
    environment["PYTHONPATH"] = os.pathsep.join(
        [package_root, *filter(None, [environment.get("PYTHONPATH")])])
    return environment


def _reason(code: int, errors: IO[str]) -> str:
    """Why the child failed, in one sentence: its own error line when it wrote one."""
    if code < 0:
        return f"Adding stopped unexpectedly ({signal.strsignal(-code) or -code}); what it had saved stays."
    errors.seek(0)
    said = [line.removeprefix("qa: ").strip() for line in errors
            if line.startswith("qa: ") and not line.startswith("qa: warning:")]
    if said:
        return said[-1]
    return f"Adding stopped unexpectedly (exit code {code}); what it had saved stays."


def serve(folder: Path, settings: Settings, paths: Sequence[Path], link: bool, hidden: bool = False) -> int:
    """The child's side (`qa add --progress`): add ``paths``, printing progress and results as
    JSON lines; SIGINT stops after the file in hand, keeping and reporting what was done."""
    cancel = threading.Event()
    signal.signal(signal.SIGINT, lambda number, frame: cancel.set())
    _send(_READY)
    library = Library.open(folder, settings, create=True, refresh=False)
    results = library.add(paths, progress=lambda progress: _send(ProgressLine(progress=progress)),
                          cancel=cancel, link=link, hidden=hidden)
    for result in results:
        _send(ResultLine(result=result))
    return 0


def _send(line: ProgressLine | ResultLine) -> None:
    # Flushed at once: the reader shows it now, and a worker forked later has no copy to repeat.
    try:
        print(line.model_dump_json(), flush=True)
    except BrokenPipeError:
        # The reader has gone (the UI quit): carry on unheard, so what is analysed is committed.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
