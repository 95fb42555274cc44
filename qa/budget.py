"""What reading one file may cost: CPU seconds everywhere, memory in worker processes.

Sources are untrusted: a 5 MB Markdown file of brackets took 65 s to parse, a 1.4 KB PDF whose
page tree lists the same pages over and over used 962 MB. A file over its budget is skipped
with one sentence naming it, and the rest of the add goes on.
"""

from __future__ import annotations

import resource
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Reading a 1,000-page PDF takes a few seconds; nothing a person wrote needs a minute.
FILE_CPU_SECONDS = 60.0
# Above what a worker holds already: a 100 MB file read into text, chunks and terms fits.
FILE_MEMORY_MB = 2_048


class OverBudget(BaseException):
    """Reading a file took more CPU time than its budget.

    A `BaseException`, so that a parser's ``except Exception`` cannot swallow it."""


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Raise `OverBudget` in the code inside once this process has spent ``seconds`` of CPU
    there. Signals reach only the main thread, so elsewhere (a UI's worker thread) no budget."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGPROF"):
        yield
        return

    def over(number: int, frame: object) -> None:
        raise OverBudget

    previous = signal.signal(signal.SIGPROF, over)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space at what it uses now plus ``megabytes``: past it an
    allocation fails with `MemoryError` instead of the kernel killing the process (or the
    machine swapping). For worker processes only: the cap would also bind a UI's threads."""
    try:
        with open("/proc/self/statm") as statm:
            used = int(statm.read().split()[0]) * resource.getpagesize()
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = used + megabytes * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    except (OSError, ValueError):
        pass  # no /proc (not Linux), or a limit that cannot be set: no cap
