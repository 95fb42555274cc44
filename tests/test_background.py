"""How an add in a child process (`qa.background`) fails: one sentence, never a traceback.

The child's success, progress and cancelling are shown through the UI in test_tui_sources.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from qa import Settings
from qa.background import AddFailed, BackgroundAdd


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


@pytest.mark.slow
@pytest.mark.skipif(__import__("shutil").which("tesseract") is None,
                    reason="tesseract is not installed (sudo apt install tesseract-ocr)")
def test_the_ui_s_add_child_reads_a_scan_with_ocr_only_when_asked(tmp_path: Path):
    from bench.documents import report_pdf
    from tests.test_formats_more import scanned

    scan = tmp_path / "river-scan.pdf"
    scan.write_bytes(scanned(report_pdf([("Water temperature", [
        "Brown trout stop feeding when the river is warmer than 20 degrees."])])))
    library = tmp_path / "library"
    [refused] = BackgroundAdd(library, Settings(), [scan]).run()
    assert refused.source is None and "--ocr" in (refused.error or "")
    [added] = BackgroundAdd(library, Settings(), [scan], ocr=True).run()
    assert added.source is not None, added.error
