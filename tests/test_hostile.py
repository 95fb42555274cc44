"""Hostile files, broken disks and odd names, through the `qa` console script.

Each test runs `qa` as a user would (`tui.launcher`'s `main`, the console script's entry point,
with its own environment, home and folder) and checks what the user sees: one sentence on
stderr, an exit code, no traceback, nothing that can drive the terminal, and their files as
they were. It runs in this process (`conftest.run_qa`) unless the process is the point: a
reader that goes away, no terminal, a file that would hang whoever opens it, a user without
root's privileges.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from conftest import BUNDLED, PLEDGE, REPO, VISIT, Run, run_qa

CONSOLE_SCRIPT = "from tui.launcher import main; main()"
TERMINAL_DRIVERS = ["\x1b", "\x9b", "\x9d", "\x07", "\u202e", "\u2066"]
EVIL_NAME = "zebra\x1b]0;pwned\x07\x1b[2J\u202e.txt"
EVIL_TEXT = (
    "Zebra \x1b]0;owned\x07crossing\x1b[31m report\n\n"
    "The zebra \x1b[2J crossed the \u202eroad\u202c at noon \x9b31m on Tuesday.\n"
)


def environment(home: Path, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), "NO_COLOR": "1", "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"), **(extra_env or {})}


def qa(*args: str, home: Path, stdin: str = "", cwd: Path | None = None,
       extra_env: dict[str, str] | None = None) -> Run:
    return run_qa(*args, stdin=stdin, cwd=cwd or home, env=environment(home, extra_env))


def qa_process(*args: str, home: Path, stdin: str | None = None,
               prefix: Sequence[str] = ()) -> subprocess.CompletedProcess:
    """`qa` in a process of its own, for the tests where the process is the point."""
    return subprocess.run([*prefix, sys.executable, "-c", CONSOLE_SCRIPT, *args], input=stdin,
                          capture_output=True, text=True, cwd=home, env=environment(home), timeout=60)


def assert_one_sentence(run: Run | subprocess.CompletedProcess, *fragments: str) -> None:
    assert run.returncode == 1, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("qa: "), run.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def assert_inert(*outputs: str) -> None:
    for output in outputs:
        assert not [c for c in TERMINAL_DRIVERS if c in output], repr(output)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != ".qa")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


# -- terminal injection ----------------------------------------------------------------------

def test_escape_sequences_in_names_titles_and_text_never_reach_the_terminal(sources_dir: Path, home: Path):
    evil = home / EVIL_NAME
    evil.write_text(EVIL_TEXT)
    s = ("--sources", str(sources_dir))
    added = qa("add", str(evil), *s, home=home)
    assert added.returncode == 0, added.stderr
    assert "Added Zebra ␛]0;owned␇crossing␛[31m report as" in added.stdout
    assert "(1 paragraph, 1 chunk)" in added.stdout
    answer = qa("ask", "When did the zebra cross the road?", *s, home=home)
    assert answer.returncode == 0 and "␛[2J crossed the" in answer.stdout
    listing = qa("sources", *s, home=home)
    questions = home / "set.jsonl"
    questions.write_text(json.dumps({"id": "x\x1b[2J", "question": "Zebra\x1b]0;t\x07 crossing when?"}) + "\n")
    report = qa("eval", str(questions), *s, home=home)
    echoed = qa("ask", "Who is \x1b]0;pwned\x07 Rutto?", *s, home=home)
    missing = qa("add", str(home / "gone\x1b[2J.txt"), *s, home=home)
    removed = qa("remove", evil.name, *s, home=home)
    assert removed.returncode == 0 and not (sources_dir / evil.name).exists()
    runs = [added, answer, listing, report, echoed, missing, removed]
    assert_inert(*(run.stdout + run.stderr for run in runs))
    assert "Did you mean: Ruto?" in echoed.stdout


def test_json_keeps_the_exact_text(sources_dir: Path, home: Path):
    (sources_dir / EVIL_NAME).write_text(EVIL_TEXT)
    run = qa("ask", "--json", "When did the zebra cross the road?", "--sources", str(sources_dir), home=home)
    answer = json.loads(run.stdout)
    assert answer["citations"][0]["path"].endswith(EVIL_NAME)
    assert "\x1b[2J crossed the \u202eroad" in answer["quotes"][0]["text"]


async def test_the_ui_shows_hostile_text_inert(sources_dir: Path, tmp_path: Path):
    from textual.widgets import Input, Static

    from qa import Library
    from tests.tui_pilot import ask, make_app, notifications, on_screen, open_viewer, ready, rendered, wait_until
    from tui.browser import SourcesScreen
    from tui.source_list import SourceList
    from tui.widgets import CitationLine, QuestionView, QuoteLine

    def rows(listing: SourceList) -> list[str]:
        return ["".join(segment.text for segment in listing.render_line(y)) for y in range(len(listing.rows))]

    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / EVIL_NAME).write_text(EVIL_TEXT)
    (incoming / "broken\x1b[2J.pdf").write_bytes(b"not a PDF \x1b]0;pwned\x07")
    (incoming / "table.xlsx").write_text("a,b\n")
    app = make_app(Library.open(sources_dir), tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: app.screen.query(Input), "the add dialog")
        app.screen.query_one(Input).value = str(incoming)
        await pilot.press("enter")
        await wait_until(pilot, lambda: any(m.startswith("Added") for m in notifications(app)), "the add")
        [summary] = [m for m in notifications(app) if m.startswith("Added")]
        assert summary.startswith("Added 1 source (") and ", 1 file of other formats skipped, 1 could not be added: " in summary
        assert "broken␛[2J.pdf" in summary
        view = await ask(app, pilot, "When did the zebra \x1b[2J cross the road?")
        shown = [rendered(view.query(QuoteLine).first()), rendered(view.query_one(CitationLine)),
                 rendered(app.query(QuestionView).last()), *rows(app.query_one(".panel-list", SourceList))]
        assert "␛[2J crossed the" in shown[0] and "incoming/zebra␛]0;pwned␇␛[2J" in shown[1]  # a folder's file: its path
        view.focus()
        text = await open_viewer(app, pilot, "1")
        shown += [rendered(line) for line in app.screen.query(Static)] + on_screen(text)
        assert any("The zebra ␛[2J crossed" in row for row in on_screen(text))
        await pilot.press("escape", "f2")
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), "the browser")
        shown += rows(app.screen.query_one(SourceList))
        assert any("Zebra ␛]0;owned␇crossing" in row for row in shown[-3:])
        shown += notifications(app)
        assert_inert(*shown)


# -- habits of a Unix tool ---------------------------------------------------------------------

@pytest.mark.parametrize("args, stdin", [
    (["ask", "How many officers has Kenya pledged?"], None),
    (["ask", "--json", "-"], "How many officers?\n" * 50),
    (["sources"], None),
], ids=["ask", "ask-stdin", "sources"])
@pytest.mark.slow
def test_a_reader_that_goes_away_ends_quietly(sources_dir: Path, home: Path, args: list[str], stdin: str | None):
    env = {"PATH": "", "PYTHONPATH": str(REPO), "NO_COLOR": "1", "HOME": str(home)}
    child = subprocess.Popen([sys.executable, "-c", CONSOLE_SCRIPT, *args, "--sources", str(sources_dir)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    child.stdout.close()  # the reader is gone before `qa` writes a byte: its first write breaks the pipe
    _, stderr = child.communicate(stdin.encode() if stdin else b"", timeout=60)
    assert stderr.decode() == ""
    assert child.returncode == 141  # 128 + SIGPIPE, as the shell reports for `yes | head -1`


@pytest.mark.slow
def test_bare_qa_without_a_terminal_prints_help_instead_of_hanging(home: Path):
    run = qa_process(home=home, stdin="")
    assert run.returncode == 2
    assert "usage: qa" in run.stdout and "ask" in run.stdout
    assert "needs a terminal" in run.stderr


@pytest.mark.slow
def test_a_special_file_is_refused_without_being_opened(sources_dir: Path, home: Path):
    fifo = home / "pipe.txt"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    device = home / "zero.txt"
    device.symlink_to("/dev/zero")  # reading it would never end
    for path in (fifo, device):
        assert_one_sentence(qa_process("add", str(path), "--sources", str(sources_dir), home=home), "special file")
    assert names(sources_dir) == [PLEDGE, VISIT]


def test_stdin_questions_are_printed_above_their_answers(sources_dir: Path, home: Path):
    run = qa("ask", "-", "--sources", str(sources_dir), home=home,
             stdin="How many officers has Kenya pledged?\n\nWho won the 2022 World Cup?\n")
    assert run.returncode == 0, run.stderr
    first, second = run.stdout.split("Q: ")[1:]
    assert first.startswith("How many officers has Kenya pledged?\n“") and "[1] Kenya pledges" in first
    assert second == "Who won the 2022 World Cup?\nThe sources don't cover this question.\n\n"


# -- bounded input -----------------------------------------------------------------------------

def test_a_question_longer_than_the_limit_is_refused(sources_dir: Path, home: Path):
    long = "How many officers " * 60
    s = ("--sources", str(sources_dir))
    assert_one_sentence(qa("ask", long, *s, home=home), "1,079 characters", "the limit is 1,000")
    allowed = qa("ask", long, *s, home=home, extra_env={"QA_MAX_QUESTION_CHARS": "2000"})
    assert allowed.returncode == 0, allowed.stderr
    lines = qa("ask", "--json", "-", *s, home=home, stdin=f"{long}\nHow many officers?\n").stdout.splitlines()
    assert "the limit is 1,000" in json.loads(lines[0])["error"] and json.loads(lines[1])["answered"]


def test_a_very_long_file_name_is_added_or_refused_in_one_sentence(sources_dir: Path, home: Path):
    article = home / ("long-" * 49 + "name.txt")  # 254 bytes: the longest name most file systems take
    article.write_text("Long names report\n\nThe longest file name here has 254 characters.\n")
    run = qa("add", str(article), "--sources", str(sources_dir), home=home)
    if run.returncode == 0:
        assert article.name in names(sources_dir)
    else:
        assert_one_sentence(run, "too long")
        assert names(sources_dir) == [PLEDGE, VISIT]


# -- the library a newcomer meets --------------------------------------------------------------

def test_without_sources_here_the_user_library_starts_with_the_bundled_articles(home: Path):
    run = qa("ask", "How many officers has Kenya pledged?", home=home)
    assert run.returncode == 0, run.stderr
    library = home / "data" / "qa" / "sources"
    assert "[1] Kenya pledges 600 more officers to Haiti, paragraph 1" in run.stdout
    assert f": {library / PLEDGE}" in run.stdout
    assert names(library) == [PLEDGE, VISIT]
    assert all((library / n).read_bytes() == (BUNDLED / n).read_bytes() for n in (PLEDGE, VISIT))
    assert run.stderr == (f"qa: made your library in {library}, with two example articles; "
                          "add your own with `qa add PATH`.\n")
    (library / VISIT).unlink()
    listing = qa("sources", home=home)
    assert "ruto" not in listing.stdout, "a removed article stays removed"
    assert listing.stderr == "", "the library's place is said once, when it is made"


def test_a_sources_folder_here_is_the_library(sources_dir: Path):
    run = qa("sources", "--json", home=sources_dir.parent)
    assert [s["path"] for s in json.loads(run.stdout)] == [f"sources/{PLEDGE}", f"sources/{VISIT}"]
    assert not (sources_dir.parent / "data").exists()


def test_an_empty_library_says_so_and_how_to_fill_it(home: Path):
    empty = home / "empty"
    empty.mkdir()
    assert_one_sentence(qa("ask", "Anything?", "--sources", str(empty), home=home),
                        "has no sources yet", "qa add")
    listing = qa("sources", "--sources", str(empty), home=home)
    assert listing.returncode == 0 and "qa add" in listing.stdout


# -- broken disks ------------------------------------------------------------------------------

def _without_privileges() -> list[str]:
    """A command prefix that makes root obey file permissions (a user's own run needs none)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without `setpriv` to drop the capability that ignores permissions")
    return ["setpriv", "--inh-caps=-all", "--bounding-set=-all", "--"]


@pytest.mark.slow
def test_a_folder_the_user_cannot_write_gives_one_sentence(sources_dir: Path, home: Path):
    article = home / "tide.txt"
    article.write_text("Tide report\n\nThe tide rose by two metres.\n")
    prefix = _without_privileges()
    sources_dir.chmod(0o555)
    try:
        s = ("--sources", str(sources_dir))
        for args in (("add", str(article)), ("remove", PLEDGE)):
            assert_one_sentence(qa_process(*args, *s, home=home, prefix=prefix), "Permission denied")
        assert qa_process("ask", "How many officers?", *s, home=home, prefix=prefix).returncode == 0
        assert names(sources_dir) == [PLEDGE, VISIT]
    finally:
        sources_dir.chmod(0o755)


@pytest.mark.slow
def test_an_unreadable_file_in_the_folder_is_skipped_and_never_blocks_the_others(sources_dir: Path, home: Path):
    secret = sources_dir / "secret.txt"
    secret.write_text("Secret memo\n\nThe vault code is 4417.\n")
    secret.chmod(0o000)
    prefix = _without_privileges()
    try:
        run = qa_process("ask", "How many officers has Kenya pledged?", "--sources", str(sources_dir),
                         home=home, prefix=prefix)
        assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
        assert "officers" in run.stdout and "secret.txt" in run.stderr
    finally:
        secret.chmod(0o644)


@contextlib.contextmanager
def small_disk(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root and CAP_SYS_ADMIN)")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


def test_a_full_disk_gives_one_sentence_and_keeps_every_file(tmp_path: Path, home: Path):
    article = home / "tide.txt"
    article.write_text("Tide report\n\n" + "The tide rose by two metres on the coast. " * 400 + "\n")
    with small_disk(tmp_path / "disk", "64k") as disk:
        sources = disk / "sources"
        sources.mkdir()
        shutil.copy2(BUNDLED / PLEDGE, sources)
        with contextlib.suppress(OSError), open(disk / "filler", "wb") as filler:
            while True:
                filler.write(b"\0" * 4096)
                filler.flush()
        before = (sources / PLEDGE).read_bytes()
        run = qa("add", str(article), "--sources", str(sources), home=home)
        assert_one_sentence(run, "No space left on the disk")
        assert names(sources) == [PLEDGE] and (sources / PLEDGE).read_bytes() == before


def test_a_read_only_file_system_gives_one_sentence(tmp_path: Path, home: Path):
    article = home / "tide.txt"
    article.write_text("Tide report\n\nThe tide rose by two metres.\n")
    with small_disk(tmp_path / "disk", "1m") as disk:
        sources = disk / "sources"
        sources.mkdir()
        shutil.copy2(BUNDLED / PLEDGE, sources)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        s = ("--sources", str(sources))
        assert_one_sentence(qa("add", str(article), *s, home=home), "read-only file system")
        assert_one_sentence(qa("remove", PLEDGE, *s, home=home), "read-only file system")
        assert qa("ask", "How many officers has Kenya pledged?", *s, home=home).returncode == 0
        assert names(sources) == [PLEDGE]
