import os
import stat
from pathlib import Path

from qa.files import UMASK, atomic_write


def test_a_file_written_whole_gets_the_mode_open_would_give_it_or_keeps_its_own(tmp_path: Path):
    """An exported conversation is a user's file: readable as any file they write, not 0600."""
    new = tmp_path / "conversation.md"
    atomic_write(new, b"# Conversation\n")
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~UMASK
    kept = tmp_path / "shared.md"
    kept.write_bytes(b"old")
    os.chmod(kept, 0o640)
    atomic_write(kept, b"new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_bytes() == b"new"
