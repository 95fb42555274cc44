"""The library's writer lock: one writer at a time, across processes, held only by the writer.

An exclusive ``flock`` on ``.qa/lock``. The kernel drops it when the last descriptor of the
open file goes, so a writer that dies (even by ``kill -9``) frees it at once. That is only true
while no other process holds a copy of the descriptor: a child forked while the lock is held
(analysis workers) would keep it for as long as it lives. The descriptor is opened with
``O_CLOEXEC`` (no program started by ``exec`` gets it) and every forked child closes it at once
(``os.register_at_fork``): closing a copy never releases the parent's lock; only the last does.

Waiting polls rather than blocks in the kernel, so the wait can be bounded (a reader never
waits on a writer for long), can say that it waits, and is interrupted by Ctrl+C at once.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# Before saying that it waits: a writer that finishes within this is not worth a message.
QUIET_WAIT = 0.5
_POLL_MAX = 0.1

# Descriptors of the locks this process holds; a forked child closes its copies.
_held: set[int] = set()


def _close_inherited() -> None:
    for handle in _held:
        try:
            os.close(handle)
        except OSError:
            pass
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_inherited)


@contextmanager
def writer_lock(path: Path, wait: float | None = None,
                on_wait: Callable[[], None] | None = None) -> Iterator[bool]:
    """Hold the exclusive lock on ``path``; yields whether it was taken.

    ``wait`` is how long to try, in seconds (``None``: until it is free; ``0``: once).
    ``on_wait`` is called once if the lock is still taken after a moment.
    """
    handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    _held.add(handle)
    try:
        yield _acquire(handle, wait, on_wait)
    finally:
        _held.discard(handle)
        os.close(handle)  # closing releases the lock


def _acquire(handle: int, wait: float | None, on_wait: Callable[[], None] | None) -> bool:
    start = time.monotonic()
    pause = 0.005
    told = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            pass
        waited = time.monotonic() - start
        if wait is not None and waited >= wait:
            return False
        if on_wait is not None and not told and waited >= QUIET_WAIT:
            told = True
            on_wait()
        pause = min(pause * 2, _POLL_MAX)
        time.sleep(pause if wait is None else max(0.0, min(pause, wait - waited)))
