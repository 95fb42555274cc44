"""The terminal UI's waits a person notices: the first frame, a citation opening, typing.

    python -m bench.tui [--runs 7] [--pages 300]

First frame: `qa` and a bare Textual app (an Input and a Footer, nothing else) are launched
in turn in a pseudo-terminal of 80×24, and timed until their question box's placeholder is on
the terminal. Taken alternately in one run, so both see the same load.

Citation: in one headless app (Textual's Pilot), over a library of a small text file and a
PDF of ``--pages`` pages, the time from pressing the citation's number to its passage being
on screen (text read, laid out and marked), for a citation in each, alternately.

Typing: in headless apps, a question of 40 characters posted as one burst of keys (a fast
typist, or keys read at once under load), timed until all of it is in the question box and
drawn: qa's box (its app reads a burst in order, but lets what a text box takes straight on)
against a bare app's Input, alternately.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

PLACEHOLDER = b"question about your sources"
BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Input

class Bare(App):
    def compose(self):
        yield Input(placeholder="Ask a question about your sources…")
        yield Footer()

Bare().run()
"""
TIMEOUT = 60.0


def until_shown(command: list[str], env: dict[str, str], marker: bytes = PLACEHOLDER) -> float:
    """Seconds from starting ``command`` in an 80×24 pseudo-terminal until ``marker`` is written."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, in its own terminal
        os.execvpe(command[0], command, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen = b""
    try:
        while time.perf_counter() - start < TIMEOUT:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
                if marker in seen.replace(b"\x1b", b""):
                    return time.perf_counter() - start
        raise RuntimeError(f"{command[0]} never showed its question box:\n{seen[-400:]!r}")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def first_frames(runs: int, folder: Path) -> tuple[list[float], list[float]]:
    env = {**os.environ, "TERM": "xterm-256color", "XDG_CONFIG_HOME": str(folder / "config")}
    qa_command = [sys.executable, "-c", "from tui.launcher import main; main()", "--sources", str(folder / "sources")]
    bare_command = [sys.executable, "-c", BARE_APP]
    qa_times, bare_times = [], []
    for _ in range(runs):
        bare_times.append(until_shown(bare_command, env))
        qa_times.append(until_shown(qa_command, env))
    return qa_times, bare_times


async def citation_times(runs: int, folder: Path, pages: int) -> tuple[list[float], list[float], int]:
    """Seconds from the key to the passage marked on screen: the small file's, the PDF's."""
    from bench.documents import paragraphs, report_pdf
    from qa import Library, Settings
    from tui.app import build
    from tui.viewer import PassageScreen
    from tui.widgets import AnswerView, QuestionInput

    incoming = folder / "incoming"
    incoming.mkdir()
    # About 12 paragraphs a page; the cited sentence on the last page.
    body = [*paragraphs(12 * pages, seed=7), "The Kennet survey counted 412 spawning redds in November."]
    (incoming / "report.pdf").write_bytes(report_pdf([("Survey", body)], title="River report"))
    (incoming / "note.txt").write_text("Field note\n\nThe Lambourn survey counted 97 spawning redds in May.\n")
    library = Library.open(folder / "sources", Settings())
    library.add([incoming])
    text_chars = len(library.text(next(s.id for s in library.sources if s.format == "pdf")))
    app = build(lambda: library, export_dir=folder, preferences_path=folder / "preferences.json",
                cursor_blink=False)
    small, large = [], []
    async with app.run_test(size=(120, 40)) as pilot:
        async def until(condition) -> None:
            while not condition():
                await pilot.pause(0.005)

        await until(lambda: app.library is not None)
        for question in ("How many redds did the Lambourn survey count?",
                         "How many redds did the Kennet survey count?"):
            app.query_one(QuestionInput).value = question
            await pilot.press("enter")
        await until(lambda: len(app.query(AnswerView)) == 2)
        views = list(app.query(AnswerView))
        for _ in range(runs):
            for view, times in ((views[0], small), (views[1], large)):
                view.focus()
                await pilot.pause()
                start = time.perf_counter()
                await pilot.press("1")
                await until(lambda: isinstance(app.screen, PassageScreen) and app.screen.ready)
                await pilot.pause()  # the frame with it drawn
                times.append(time.perf_counter() - start)
                await pilot.press("escape")
                await until(lambda: not isinstance(app.screen, PassageScreen))
    return small, large, text_chars


TYPED = "how many officers did kenya pledge in 2024"[:40]


async def typing_times(runs: int, folder: Path) -> tuple[list[float], list[float]]:
    """Seconds from a burst of keys to all of them drawn in the box: qa's, a bare app's."""
    from textual import events
    from textual.app import App
    from textual.widgets import Input

    from qa import Library, Settings
    from tui.app import build
    from tui.widgets import QuestionInput

    class Bare(App):
        def compose(self):
            yield Input()

    library = Library.open(folder / "sources", Settings())
    qa_times, bare_times = [], []
    for _ in range(runs):
        for app, box_type, times in ((Bare(), Input, bare_times),
                                     (build(lambda: library, export_dir=folder, preferences_path=None,
                                            cursor_blink=False), QuestionInput, qa_times)):
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause(0.5)
                box = app.query_one(box_type)
                box.focus()
                await pilot.pause()
                start = time.perf_counter()
                for character in TYPED:
                    app.post_message(events.Key(character if character.isalnum() else "space", character))
                while box.value != TYPED:
                    if time.perf_counter() - start > TIMEOUT:
                        raise RuntimeError(f"the burst never all reached the box: {box.value!r}")
                    await pilot.pause(0.001)
                await pilot.pause()  # the frame with it drawn
                times.append(time.perf_counter() - start)
    return qa_times, bare_times


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tui", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qa-bench-tui-"))
    try:
        (folder / "sources").mkdir()
        for name in sorted(Path("sources").glob("*.txt")):
            shutil.copy2(name, folder / "sources" / name.name)
        print(f"load average before: {os.getloadavg()[0]:.1f}")
        qa_times, bare_times = first_frames(args.runs, folder)
        median = statistics.median
        print(f"first frame, {args.runs} runs each, alternating (median, min–max):")
        print(f"  bare Textual app (Input + Footer): {median(bare_times):.2f} s "
              f"({min(bare_times):.2f}–{max(bare_times):.2f})")
        print(f"  qa (the bundled articles):         {median(qa_times):.2f} s "
              f"({min(qa_times):.2f}–{max(qa_times):.2f})")
        print(f"  ratio of medians: {median(qa_times) / median(bare_times):.2f}")
        qa_typing, bare_typing = asyncio.run(typing_times(args.runs, folder))
        print(f"a burst of {len(TYPED)} keys until drawn in the box, {args.runs} runs each, alternating "
              f"(median, min–max):")
        print(f"  bare Textual app (Input): {median(bare_typing) * 1000:.0f} ms "
              f"({min(bare_typing) * 1000:.0f}–{max(bare_typing) * 1000:.0f})")
        print(f"  qa's question box:        {median(qa_typing) * 1000:.0f} ms "
              f"({min(qa_typing) * 1000:.0f}–{max(qa_typing) * 1000:.0f})")
        print(f"  ratio of medians: {median(qa_typing) / median(bare_typing):.2f}")
        shutil.rmtree(folder / "sources")
        (folder / "sources").mkdir()
        small, large, chars = asyncio.run(citation_times(args.runs, folder, args.pages))
        print(f"citation until its passage is on screen, {args.runs} runs each, alternating (median, min–max):")
        print(f"  a one-paragraph .txt:                 {median(small) * 1000:.0f} ms "
              f"({min(small) * 1000:.0f}–{max(small) * 1000:.0f})")
        print(f"  a {args.pages}-page PDF ({chars:,} characters): {median(large) * 1000:.0f} ms "
              f"({min(large) * 1000:.0f}–{max(large) * 1000:.0f})")
        print(f"  ratio of medians: {median(large) / median(small):.2f}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
