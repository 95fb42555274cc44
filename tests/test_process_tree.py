"""The process tree of a `qa` command ends together, and leaves the library free.

`qa add` (and the first `qa ask` of a folder) analyses big batches in worker processes. When
the parent is killed (`kill -9`, SIGTERM from a service manager, SIGHUP from a closed
terminal), its workers must end too and must not keep the writer lock: else every later
`qa add` waits for them forever. These tests kill real processes and watch `/proc`.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO
from qa import ingest
from qa.store import INDEX_DIR

ENV = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]

pytestmark = [
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="watches processes in /proc"),
]


def qa(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa", *args], capture_output=True, text=True,
                          cwd=REPO, env=ENV, timeout=timeout)


def spawn(*args: str, preexec_fn: Callable[[], object] | None = None) -> subprocess.Popen:
    # A session of its own, as a command started from a shell: a signal reaches it alone, and
    # Ctrl+C has its default action, as a shell gives a foreground command (the suite itself may
    # run as a background job, where it is ignored, and children inherit that).
    def as_from_a_shell() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if preexec_fn is not None:
            preexec_fn()

    return subprocess.Popen([sys.executable, "-m", "qa", *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
                            env=ENV, start_new_session=True, preexec_fn=as_from_a_shell)


def read_until(process: subprocess.Popen, text: str, timeout: float) -> str:
    """What ``process`` wrote to stderr until a line holding ``text`` (or ``timeout`` seconds)."""
    seen, deadline = "", time.monotonic() + timeout
    while text not in seen and time.monotonic() < deadline:
        if select.select([process.stderr], [], [], 0.5)[0]:
            line = process.stderr.readline()
            if not line:
                break
            seen += line
    return seen


def write_big_reports(folder: Path, files: int = 40, words: int = 9_000, seed: int = 0) -> None:
    """Over `ingest.PARALLEL_MIN_BYTES` of made-up text, so the analysis runs in workers."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(files):
        body = " ".join("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(words))
        (folder / f"big-{seed}-{n:03d}.txt").write_text(f"Report {n}\n\n{body}.\n")
    assert sum(p.stat().st_size for p in folder.iterdir()) > 1.2 * ingest.PARALLEL_MIN_BYTES


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


def wait_until(condition: Callable[[], object], seconds: float) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.02)
    return condition()


def kill_while_workers_run(process: subprocess.Popen, how: signal.Signals) -> set[int]:
    """Signal ``process`` once its worker processes run; returns the workers' pids."""
    workers = wait_until(lambda: children(process.pid), 60)
    assert workers, f"no worker processes started: {process.communicate(timeout=60)}"
    os.kill(process.pid, how)
    process.wait(timeout=30)
    return workers


def assert_library_free_and_whole(library: Path, tmp_path: Path) -> None:
    """The library answers and accepts an add, and lists exactly the files in its folder.

    The timeouts only catch a wait without end: the first question indexes megabytes that
    the kill left unindexed, which takes minutes on a loaded machine."""
    (tmp_path / "tide.txt").write_text("Tide report\n\nThe tide rose by 3 metres at the harbour.\n")
    added = qa("add", str(tmp_path / "tide.txt"), "--sources", str(library), timeout=300)
    assert added.returncode == 0, added.stderr
    answer = qa("ask", "--json", "How many metres did the tide rise?", "--sources", str(library), timeout=300)
    assert answer.returncode == 0, answer.stderr
    assert "3 metres" in json.loads(answer.stdout)["text"]
    listed = json.loads(qa("sources", "--json", "--sources", str(library), timeout=300).stdout)
    on_disk = {p.name for p in library.iterdir() if p.suffix == ".txt" and not p.name.startswith(".")}
    assert {Path(source["path"]).name for source in listed} == on_disk


@pytest.mark.slow
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="workers start only with two cores or more")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_a_killed_add_takes_its_workers_with_it_and_leaves_the_library_free(tmp_path: Path, how):
    folder, library = tmp_path / "in", tmp_path / "library"
    write_big_reports(folder)
    library.mkdir()
    workers = kill_while_workers_run(spawn("add", str(folder), "--sources", str(library)), how)
    survivors = wait_until(lambda: not any(map(alive, workers)), 5) or {p for p in workers if alive(p)}
    assert survivors is True, f"workers {survivors} outlived the add killed by {how.name}"
    assert_library_free_and_whole(library, tmp_path)


@pytest.mark.slow
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="workers start only with two cores or more")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGHUP], ids=lambda s: s.name)
def test_sigterm_and_sighup_end_an_add_as_ctrl_c_does(tmp_path: Path, how):
    """`timeout`, a service manager or a closed terminal: one sentence, 128 + the signal, and no
    temporary or half-added file left in the library."""
    folder, library = tmp_path / "in", tmp_path / "library"
    write_big_reports(folder)
    library.mkdir()
    adding = spawn("add", str(folder), "--sources", str(library))
    kill_while_workers_run(adding, how)
    err = adding.stderr.read()
    assert adding.returncode == 128 + how, err
    assert err.splitlines() == [f"qa: stopped by {how.name}; what was saved before stays, nothing half-done "
                                "was kept."], err
    leftovers = [p.name for p in [*library.iterdir(), *(library / INDEX_DIR).iterdir()] if p.name.endswith(".qa-tmp")]
    assert leftovers == []
    assert_library_free_and_whole(library, tmp_path)


@pytest.mark.slow
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="workers start only with two cores or more")
def test_a_killed_first_question_takes_its_workers_with_it(tmp_path: Path):
    # The first `qa ask` of a folder indexes it, in workers when it is big.
    library = tmp_path / "library"
    write_big_reports(library)
    workers = kill_while_workers_run(spawn("ask", "What is in report 3?", "--sources", str(library)),
                                     signal.SIGKILL)
    assert wait_until(lambda: not any(map(alive, workers)), 5), "workers outlived the killed ask"
    assert_library_free_and_whole(library, tmp_path)


def test_workers_never_hold_the_writer_lock(tmp_path: Path):
    """A worker forked while the lock is held has no descriptor of the lock file."""
    from qa.store import Store

    store = Store(tmp_path, "test")
    with store.writing() as held:
        assert held
        pid = os.fork()
        if pid == 0:  # the child: does it hold a descriptor of .qa/lock?
            lock = (tmp_path / INDEX_DIR / "lock").resolve()
            holds = any(Path(os.readlink(f"/proc/self/fd/{fd}")) == lock
                        for fd in os.listdir("/proc/self/fd") if os.path.exists(f"/proc/self/fd/{fd}"))
            os._exit(3 if holds else 0)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "a forked child holds the writer lock's descriptor"


def _ctrl_c_blocked() -> None:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


@pytest.mark.slow
@pytest.mark.parametrize("started", [None, _ctrl_c_blocked],
                         ids=["from-a-shell", "ctrl-c-blocked-by-its-parent"])
def test_a_writer_waiting_for_another_says_so_and_stops_at_ctrl_c(tmp_path: Path, started):
    library = tmp_path / "library"
    (library / INDEX_DIR).mkdir(parents=True)
    (tmp_path / "note.txt").write_text("A note\n\nThe well is 12 metres deep.\n")
    assert qa("add", str(tmp_path / "note.txt"), "--sources", str(library)).returncode == 0
    (tmp_path / "other.txt").write_text("Another note\n\nThe gate is 3 metres wide.\n")
    with open(library / INDEX_DIR / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another writer, as far as qa can tell
        adding = spawn("add", str(tmp_path / "other.txt"), "--sources", str(library), preexec_fn=started)
        # Ctrl+C once it says it waits (a fixed sleep could land before that, on a loaded machine).
        said = read_until(adding, "waiting for it to finish", timeout=60)
        # A question meanwhile answers from what was saved (its timeout: it must not wait).
        asked = qa("ask", "How deep is the well?", "--sources", str(library), timeout=60)
        adding.send_signal(signal.SIGINT)
        out, err = adding.communicate(timeout=30)
        err = said + err
    assert adding.returncode == 130
    assert "waiting for it to finish" in err and "Traceback" not in err, err
    assert asked.returncode == 0 and "12 metres" in asked.stdout
    assert qa("add", str(tmp_path / "other.txt"), "--sources", str(library)).returncode == 0
