"""SIGTERM and SIGHUP end a command the way Ctrl+C does.

A service manager or `timeout` sends SIGTERM, a closed terminal SIGHUP. Python's default for
both ends the process on the spot: a half-copied file stays behind as a temporary, and the user
is told nothing. Raised as `Stopped` (a `KeyboardInterrupt`) where the program is, they take
Ctrl+C's path instead: what was placed for a commit that did not happen is removed, and one
sentence says what happened.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """The process got SIGTERM or SIGHUP."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


def exit_code(stop: KeyboardInterrupt) -> int:
    """128 + the signal's number, as a shell reports a process it ended: 130, 143, 129."""
    return 128 + (stop.number if isinstance(stop, Stopped) else signal.SIGINT)


def what_stopped(stop: KeyboardInterrupt) -> str:
    return f"stopped by {signal.Signals(stop.number).name}" if isinstance(stop, Stopped) else "interrupted"


@contextmanager
def held() -> Iterator[None]:
    """Ctrl+C, SIGTERM and SIGHUP wait until the code inside is done, then arrive: a process
    pool whose start they cut short can neither run nor shut down. Processes forked inside
    inherit the block and must lift it (`ingest._start_worker` does)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, *SIGNALS})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


# The signal being handled, if any; whether `raise_if_stopped` has raised it again.
_received: list[int] = []
_raised_again: list[bool] = []


@contextmanager
def stopped_like_ctrl_c() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise `Stopped` in the main thread (only it can take
    signals); another one while the first is being handled is ignored, so cleaning up ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(number: int, frame: object) -> None:
        if not _received:
            _received.append(number)
            raise Stopped(number)

    def quiet(unraisable: sys.UnraisableHookArgs) -> None:
        # Raised where Python ignores exceptions: not printed; `raise_if_stopped` raises it.
        if not isinstance(unraisable.exc_value, Stopped):
            hook(unraisable)

    saved = {number: signal.signal(number, stop) for number in SIGNALS}
    hook, sys.unraisablehook = sys.unraisablehook, quiet
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
        sys.unraisablehook = hook
        _received.clear()
        _raised_again.clear()


def raise_if_stopped() -> None:
    """Raise `Stopped` again at a safe point if a signal came while Python ignores exceptions
    (a fork hook, a finaliser: "Exception ignored in ..."), which would have lost it."""
    if _received and not _raised_again:
        _raised_again.append(True)
        raise Stopped(_received[0])
