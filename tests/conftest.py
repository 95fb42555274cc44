from __future__ import annotations

import io
import logging
import os
import shutil
import signal
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple, TextIO

import pytest

from qa import Library, Settings
from qa.cli import main
from tui.launcher import open_ui

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "sources"
SHARED = REPO.parent / "shared"
PLEDGE = "kenya-pledges-600-more-officers-to-haiti.txt"
VISIT = "ruto-arrives-in-haiti-as-insecurity-deepens.txt"
QUIET_ENV = {"PATH": os.environ.get("PATH", ""), "NO_COLOR": "1"}


@pytest.fixture
def sources_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled articles, so tests never touch the repository's folder."""
    folder = tmp_path / "sources"
    folder.mkdir()
    for name in (PLEDGE, VISIT):
        shutil.copy2(BUNDLED / name, folder / name)
    return folder


@pytest.fixture
def library(sources_dir: Path) -> Library:
    return Library.open(sources_dir, Settings())


# -- `qa` in this process ----------------------------------------------------------------------

class Run(NamedTuple):
    """What a `qa` run left: its exit code and what it wrote (the fields of a CompletedProcess)."""

    returncode: int
    stdout: str
    stderr: str


class Timeout(Exception):
    pass


def run_qa(*args: str, stdin: str | TextIO = "", cwd: Path = REPO, env: Mapping[str, str] = QUIET_ENV,
           timeout: float = 120) -> Run:
    """`qa ARGS` as the console script runs it, in this process: the same `main`, without an
    interpreter's start-up.

    The environment is exactly ``env`` (as `subprocess.run(env=...)` gives it), the current
    folder ``cwd``, stdin ``stdin`` (a string, or an open file such as a terminal's); stdout
    and stderr are pipes, not terminals. Warnings and
    log records nobody handles reach stderr, as they would in a process of its own, not
    pytest's capture. The environment, folder, streams, signal handlers and logging set-up are
    restored afterwards, so one run cannot leak into the next; a run over ``timeout`` seconds
    raises `Timeout`. Tests about the process itself (a terminal, signals, a kill, start-up
    imports, two processes at once) start a real one instead.
    """
    streams = [io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors=errors, write_through=True)
               for errors in ("strict", "backslashreplace")]  # what Python gives a process's pipes
    inbound = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8") if isinstance(stdin, str) else stdin
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM)}
    root = logging.getLogger()
    saved_logging = root.handlers[:], root.level

    def out_of_time(number: int, frame: object) -> None:
        raise Timeout(f"qa {' '.join(args)} ran over {timeout} s")

    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    sys.stdin, sys.stdout, sys.stderr = inbound, *streams
    root.handlers.clear()  # a record no handler takes goes to logging.lastResort: stderr, WARNING and up
    root.setLevel(logging.WARNING)
    signal.signal(signal.SIGALRM, out_of_time)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                code = main(list(args), open_ui=open_ui)
            except SystemExit as end:  # argparse's usage errors
                code = end.code if isinstance(end.code, int) else 0 if end.code is None else 1
        for warning in caught:  # what a process would print: the categories Python shows by default
            if not issubclass(warning.category, (DeprecationWarning, PendingDeprecationWarning,
                                                 ImportWarning, ResourceWarning)):
                streams[1].write(warnings.formatwarning(warning.message, warning.category,
                                                        warning.filename, warning.lineno))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        root.handlers[:] = saved_logging[0]
        root.setLevel(saved_logging[1])
        for number, handler in handlers.items():
            signal.signal(number, handler)
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    # Decoded as `subprocess.run(text=True)` decodes: universal newlines.
    out, err = (io.TextIOWrapper(io.BytesIO(stream.buffer.getvalue()), encoding="utf-8").read()
                for stream in streams)
    return Run(code, out, err)


def hand_made_epub(path: Path, title: str, chapter_body: str, spine_repeats: int = 1,
                   contents: bool = True) -> None:
    """An EPUB 2 written by hand, for the shapes ebooklib will not write: a spine that repeats
    its one chapter ``spine_repeats`` times, a table of contents (navMap) left empty."""
    import zipfile

    nav = ("<navPoint id='p' playOrder='1'><navLabel><text>One</text></navLabel>"
           "<content src='c.xhtml'/></navPoint>") if contents else ""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        book.writestr("META-INF/container.xml",
                      "<?xml version='1.0'?><container version='1.0' xmlns='urn:oasis:names:tc:opendocument:xmlns:container'>"
                      "<rootfiles><rootfile full-path='content.opf' media-type='application/oebps-package+xml'/>"
                      "</rootfiles></container>")
        book.writestr("content.opf",
                      "<?xml version='1.0'?><package xmlns='http://www.idpf.org/2007/opf' version='2.0' unique-identifier='id'>"
                      f"<metadata xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:title>{title}</dc:title>"
                      "<dc:identifier id='id'>x</dc:identifier><dc:language>en</dc:language></metadata>"
                      "<manifest><item id='c' href='c.xhtml' media-type='application/xhtml+xml'/>"
                      "<item id='ncx' href='toc.ncx' media-type='application/x-dtbncx+xml'/></manifest>"
                      "<spine toc='ncx'>" + "<itemref idref='c'/>" * spine_repeats + "</spine></package>")
        book.writestr("toc.ncx",
                      "<?xml version='1.0'?><ncx xmlns='http://www.daisy.org/z3986/2005/ncx/' version='2005-1'>"
                      f"<head/><docTitle><text>{title}</text></docTitle><navMap>{nav}</navMap></ncx>")
        book.writestr("c.xhtml", "<html xmlns='http://www.w3.org/1999/xhtml'><head><title>c</title></head><body>"
                                 + chapter_body + "</body></html>")
