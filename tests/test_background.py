"""Adding in a child process (`qa.background`), as the terminal UI does: what it reports, and how it fails."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from qa import Library, Settings
from qa.background import AddFailed, BackgroundAdd


def test_a_child_adds_a_folder_and_reports_each_file(library: Library, tmp_path: Path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "eruption.txt").write_text("Volcano erupts\n\nThe volcano erupted on Tuesday night.\n")
    (incoming / "empty.txt").write_text("")
    (incoming / "table.csv").write_text("a,b\n")
    job = BackgroundAdd(library.folder, library.settings, [incoming])
    results = {r.path.name: r for r in job.run()}
    assert results["eruption.txt"].source is not None and results["eruption.txt"].source.id == "eruption"
    assert results["empty.txt"].error == "empty.txt is empty."
    assert results["table.csv"].unsupported
    assert (job.progress.files_done, job.progress.files_total) == (2, 2)
    assert "Tuesday night" in library.ask("When did the volcano erupt?").text


class Dying(BackgroundAdd):
    """A child that dies the way a crashed or killed `qa add` would."""

    def __init__(self, program: str) -> None:
        super().__init__(Path("."), Settings(), [])
        self.program = program

    def command(self) -> list[str]:
        return [sys.executable, "-c", self.program]


def test_a_child_that_fails_gives_its_own_sentence():
    program = ("import sys; print('qa: warning: one file was read as Latin-1.', file=sys.stderr); "
               "print('qa: No space left on the disk for /lib/.qa.', file=sys.stderr); sys.exit(1)")
    with pytest.raises(AddFailed, match=r"^No space left on the disk for /lib/\.qa\.$"):
        Dying(program).run()


@pytest.mark.parametrize("program", ["raise ValueError('deep inside')",
                                     "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"])
def test_a_child_that_dies_gives_one_sentence_not_a_traceback(program: str):
    with pytest.raises(AddFailed) as failure:
        Dying(program).run()
    message = str(failure.value)
    assert message.startswith("Adding stopped unexpectedly (") and message.endswith("what it had saved stays.")
    assert "Traceback" not in message and "\n" not in message
