"""Files → analysed sources (chunks, term counts, spellings), in parallel for big batches.

Analysis is pure work on one file, so it runs in worker processes; only the main process
writes the database. Results come back in the order files finish, ready to be committed in
batches.
"""

from __future__ import annotations

import hashlib
import os
import signal
import stat as stat_module
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qa import budget
from qa.analysis import spellings, tokens
from qa.chunking import chunk_terms, windows
from qa.records import AnalysedSource, ChunkLayout, FileState, analysed
from qa.sources import SourceError, load, refuse_by_size
from qa.stopping import held

if TYPE_CHECKING:  # the process pool's modules load only when an add runs workers (50 ms)
    import multiprocessing.context
    from concurrent.futures import Future
    from multiprocessing.connection import Connection

# Below this much work, starting worker processes costs more than it saves.
PARALLEL_MIN_FILES = 4
PARALLEL_MIN_BYTES = 2_000_000
# Files analysed ahead of the writer: enough to keep every worker busy while a batch is
# committed (seconds for 2,000 files), bounded in bytes so that big files never pile up.
IN_FLIGHT_PER_WORKER = 64
IN_FLIGHT_BYTES = 24_000_000
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


@dataclass(frozen=True)
class Job:
    """One file to analyse: where to read it and the name it has (or will have) in the folder;
    ``ocr``: a PDF's pages without text are read by Tesseract (the setting QA_OCR)."""

    path: Path
    name: str
    link: str | None = None
    ocr: bool = False


@dataclass
class Outcome:
    job: Job
    analysed: AnalysedSource | None = None
    error: str | None = None


def file_state(path: Path) -> FileState:
    """The state of a regular file (following a link); special files are refused unopened."""
    try:
        status = path.stat()
    except FileNotFoundError:
        raise SourceError(f"{path} does not exist (or is a broken link).") from None
    except OSError as error:
        raise SourceError(f"{path} cannot be read: {error.strerror or error}.") from None
    if stat_module.S_ISDIR(status.st_mode):
        raise SourceError(f"{path} is a folder, not a file.")
    if not stat_module.S_ISREG(status.st_mode):
        raise SourceError(f"{path} is a special file (a pipe or a device), not a regular file; it was not read.")
    return FileState.of(status)


def analyse(job: Job, max_words: int, max_mb: float) -> AnalysedSource:
    """Read and analyse one file; raises `SourceError` with one sentence when it cannot be a source."""
    state = file_state(job.path)
    refuse_by_size(job.path, state.size, max_mb)
    try:
        with open(job.path, "rb") as file:
            digest = hashlib.file_digest(file, "sha256").hexdigest()
    except OSError as error:
        raise SourceError(f"{job.path} cannot be read: {error.strerror or error}.") from None
    loaded = load(job.path, max_mb, ocr=job.ocr)
    chunks = []
    every_token: list[str] = []  # the spellings are counted once, for the whole source
    for window in windows(loaded.text, loaded.paragraphs, max_words):
        text = loaded.text[window.start:window.end]
        found = tokens(text)
        every_token += found
        terms, length = chunk_terms(text, found, window.section, loaded.title)
        chunks.append(ChunkLayout(
            paragraph=window.paragraph, start=window.start, end=window.end, text=text,
            sentences=window.sentences, terms=terms, length=length,
            section=window.section, page=window.page, lines=window.lines,
        ))
    metadata = loaded.metadata
    return analysed(
        chunks=chunks, spellings=spellings(every_token),
        name=job.name, title=loaded.title, format=job.path.suffix.lower().lstrip(".") or "txt",
        sha256=digest, state=state, paragraphs=len(loaded.paragraphs),
        text=loaded.text if loaded.derived else None, warning=loaded.warning, link=job.link,
        metadata=metadata.model_dump_json() if metadata.author or metadata.date else None,
    )


def _analyse_outcome(job: Job, max_words: int, max_mb: float) -> Outcome:
    try:
        with budget.cpu_budget(budget.FILE_CPU_SECONDS):
            return Outcome(job, analysed=analyse(job, max_words, max_mb))
    except SourceError as error:
        return Outcome(job, error=str(error))
    except budget.OverBudget:
        return Outcome(job, error=f"{job.path.name} took more than {budget.FILE_CPU_SECONDS:g} s to read; "
                                  "it was skipped.")
    except MemoryError:
        return Outcome(job, error=f"{job.path.name} needed more than {budget.FILE_MEMORY_MB:,} MB to read; "
                                  "it was skipped.")
    except (ValueError, RecursionError) as error:  # a malformed file beat its parser
        return Outcome(job, error=f"{job.path.name} could not be read as a source ({type(error).__name__}).")


def _start_worker(parent_alive: Connection, parent_end: Connection) -> None:
    """A worker ends with the process that started it, however that one ends (``kill -9``
    included): a worker left behind would keep analysing for nobody, for as long as it lives.

    ``parent_alive`` is the reading end of a pipe whose writing end only the parent holds:
    end-of-file on it means the parent is gone. Linux also sends SIGKILL at that moment
    (``PR_SET_PDEATHSIG``), which reaches a worker busy in C code that never lets the watching
    thread run; the pipe covers other systems and the parent dying before the call.
    """
    # Ctrl+C is the parent's to handle: a worker that also got it would print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A closed terminal sends SIGHUP to the workers too: they end quietly, whatever handler
    # the parent had when it forked them (`qa.stopping`), and the parent cleans up.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})  # `held`
    budget.limit_memory(budget.FILE_MEMORY_MB)
    parent_end.close()  # this worker's copy (inherited by fork, or passed): else EOF never comes
    _kill_me_with_my_parent()
    threading.Thread(target=_exit_at_eof, args=(parent_alive,), daemon=True).start()


def _kill_me_with_my_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no prctl: the pipe alone


def _exit_at_eof(parent_alive: Connection) -> None:
    try:
        parent_alive.recv_bytes()  # nothing is ever sent: this returns or raises at end-of-file
    except (EOFError, OSError):
        pass
    os._exit(1)


def _size(job: Job) -> int:
    try:
        return job.path.stat().st_size
    except OSError:
        return 0


def analyse_all(jobs: Sequence[Job], max_words: int, max_mb: float,
                cancelled: Callable[[], bool] = lambda: False) -> Iterator[Outcome]:
    """Analyse files, yielding each outcome as it is ready; in worker processes when it pays.

    Stops early (pending files are dropped) once ``cancelled()`` is true.
    """
    workers = os.cpu_count() or 1
    if workers == 1 or len(jobs) < PARALLEL_MIN_FILES or sum(map(_size, jobs)) < PARALLEL_MIN_BYTES:
        for job in jobs:
            if cancelled():
                return
            yield _analyse_outcome(job, max_words, max_mb)
        return
    from concurrent.futures.process import BrokenProcessPool

    yielded: set[Job] = set()
    try:
        for outcome in _analyse_in_workers(jobs, max_words, max_mb, cancelled, workers):
            yielded.add(outcome.job)
            yield outcome
    except BrokenProcessPool:  # workers could not start or died: finish the work here
        for job in jobs:
            if job not in yielded and not cancelled():
                yield _analyse_outcome(job, max_words, max_mb)


def _analyse_in_workers(jobs: Sequence[Job], max_words: int, max_mb: float,
                        cancelled: Callable[[], bool], workers: int) -> Iterator[Outcome]:
    # Forking a process that runs other threads (the UI's) is unsafe: then a fork server.
    import multiprocessing

    method = "fork" if threading.active_count() == 1 else "forkserver"
    context = multiprocessing.get_context(method)
    parent_alive, parent_end = context.Pipe(duplex=False)
    try:
        yield from _run_pool(jobs, max_words, max_mb, cancelled, workers, context,
                             (parent_alive, parent_end))
    finally:
        parent_alive.close()
        parent_end.close()


def _run_pool(jobs: Sequence[Job], max_words: int, max_mb: float, cancelled: Callable[[], bool],
              workers: int, context: multiprocessing.context.BaseContext,
              pipe: tuple[Connection, Connection]) -> Iterator[Outcome]:
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=pipe) as pool:
        with held():  # the workers and the pool's thread start whole, or a signal leaves it stuck
            pool.submit(os.getpid).result()
        waiting = iter(jobs)
        running: dict[Future[Outcome], int] = {}  # → the file's size
        in_flight = 0
        try:
            while True:
                while len(running) < workers * IN_FLIGHT_PER_WORKER and not cancelled() \
                        and (in_flight < IN_FLIGHT_BYTES or len(running) < workers):
                    job = next(waiting, None)
                    if job is None:
                        break
                    size = _size(job)
                    running[pool.submit(_analyse_outcome, job, max_words, max_mb)] = size
                    in_flight += size
                if cancelled():  # only the files the workers hold are finished; the queued ones go
                    for future in [f for f in running if f.cancel()]:
                        in_flight -= running.pop(future)
                if not running:
                    return
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    in_flight -= running.pop(future)
                    yield future.result()
        finally:
            for future in running:
                future.cancel()
