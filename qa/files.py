"""Writing files so that a crash never leaves half of one."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

# A temporary file of ours: `atomic_write` and copies into the sources folder use this suffix,
# so an interrupted run's leftovers can be told from a user's files and removed.
TEMPORARY_SUFFIX = ".qa-tmp"


def _umask() -> int:
    """The process's umask: from Linux's /proc without changing it (another thread may be
    creating a file), else by setting and restoring it."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current


UMASK = _umask()


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=TEMPORARY_SUFFIX)
    try:
        # The mode a file written with open() would have (a temporary file's is 0600: an
        # exported conversation was readable by its owner only), or the replaced file's own.
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o666 & ~UMASK
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
