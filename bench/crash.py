"""`kill -9` of a big `qa add` at several moments: what is left running, and does the library work?

    python -m bench.crash [--files 1500] [--signal KILL]

An add of ``--files`` generated reports (about 2 KB each, enough for worker processes) into a
fresh library is killed at each of six moments: as its workers start, 2 s and 6 s into the
analysis, when the first copy is in the folder, when all are (the commit follows), and once
the commit has written its log. For each kill it reports how many processes the add had, how many were
left and how soon none was, how long the next `qa ask` took to answer (it first indexes what
the kill left unindexed), then whether `qa sources` lists exactly the files in the folder
(each a fresh process, as a user would run them). Linux only (/proc).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
ENV = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(REPO)}


def write_reports(folder: Path, files: int, words: int = 300, seed: int = 13) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for n in range(files):
        name = "".join(rng.choices(SYLLABLES, k=4)).capitalize()
        body = " ".join("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(words))
        (folder / f"r-{n:05d}.txt").write_text(
            f"Report {name}\n\nThe {name} station logged {1000 + n} readings in spring.\n\n{body}.\n")


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (its workers, a fork server and its children)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def qa(*args: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess | None, float]:
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "qa", *args], capture_output=True, text=True,
                              env=ENV, cwd=REPO, timeout=timeout)
    except subprocess.TimeoutExpired:
        done = None
    return done, time.perf_counter() - start


def text_files(library: Path) -> set[Path]:
    """The reports in the library, as paths inside it: an added folder is kept as a subfolder."""
    found = (p.relative_to(library) for p in library.rglob("*.txt"))
    return {p for p in found if not any(part.startswith(".") for part in p.parts)}


def placed(library: Path) -> int:
    return len(text_files(library))


def moments(files: int) -> list[tuple[str, Callable[[Path, float], bool]]]:
    """(name, ready(library, seconds since the workers started)): analysis early and late, the
    copies going in, and the commit."""
    def wal_written(library: Path, _: float) -> bool:
        wal = library / ".qa" / "library.sqlite3-wal"
        return placed(library) == files and wal.exists() and wal.stat().st_size > 1_000_000
    return [
        ("workers started", lambda library, since: True),
        ("analysing, 2 s in", lambda library, since: since >= 2),
        ("analysing, 6 s in", lambda library, since: since >= 6),
        ("first copy in", lambda library, since: placed(library) >= 1),
        ("all copies in", lambda library, since: placed(library) == files),
        ("commit written", wal_written),
    ]


def one_kill(source: Path, library: Path, ready: Callable[[Path, float], bool], how: signal.Signals) -> dict:
    library.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "qa", "add", str(source), "--sources", str(library)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, cwd=REPO,
                               start_new_session=True)
    tree: set[int] = set()
    workers_since = None
    while process.poll() is None:
        tree |= descendants(process.pid)
        if tree and workers_since is None:
            workers_since = time.perf_counter()
        if workers_since is not None and ready(library, time.perf_counter() - workers_since):
            break
        time.sleep(0.005)
    if process.poll() is not None:
        return {"finished": True}
    tree |= descendants(process.pid)
    os.kill(process.pid, how)
    killed = time.perf_counter()
    process.wait()
    while any(map(alive, tree)) and time.perf_counter() - killed < 60:
        time.sleep(0.01)
    gone_in = time.perf_counter() - killed
    left = sorted(pid for pid in tree if alive(pid))
    for pid in left:  # this script's own processes: never leave them running
        os.kill(pid, signal.SIGKILL)
    # The first command after the kill brings the index up to date with the folder: files
    # copied in for a batch whose commit the kill cut short are analysed again here.
    asked, ask_time = qa("ask", "How many readings did the station log in spring?", "--sources", str(library))
    on_disk = text_files(library)
    listing, list_time = qa("sources", "--json", "--sources", str(library))
    listed = {Path(s["path"]).relative_to(library) for s in json.loads(listing.stdout)} \
        if listing and listing.returncode == 0 else None
    empty = bool(asked and asked.returncode == 1 and "no sources yet" in asked.stderr)
    return {
        "finished": False, "workers": len(tree), "left": len(left), "gone_in": gone_in,
        "on_disk": len(on_disk), "lists_exactly": listed == on_disk, "list_time": list_time,
        # An empty library (killed before its first commit) answers by saying so.
        "answered": bool(asked and asked.returncode == 0 and "[1]" in asked.stdout) or (empty and not on_disk),
        "ask_time": ask_time,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=1500)
    parser.add_argument("--signal", default="KILL", choices=["KILL", "TERM", "HUP"])
    args = parser.parse_args(argv)
    if not Path("/proc/self/stat").exists():
        print("bench.crash watches processes in /proc: Linux only.")
        return 0
    how = signal.Signals[f"SIG{args.signal}"]
    work = Path(tempfile.mkdtemp(prefix="qa-crash-"))
    try:
        source = work / "in"
        write_reports(source, args.files)
        size = sum(p.stat().st_size for p in source.iterdir()) / 1e6
        print(f"{args.files:,} files ({size:.1f} MB); load {os.getloadavg()[0]:.2f}")
        print(f"{'kill -' + args.signal + ' when':<18} {'procs':>5} {'left':>4} {'gone in':>8} {'answer':>7} "
              f"{'ask':>6} {'files':>6} {'listed':>7} {'list':>6}")
        rows = []
        for number, (name, ready) in enumerate(moments(args.files)):
            row = one_kill(source, work / f"lib-{number}", ready, how)
            rows.append(row)
            if row["finished"]:
                print(f"{name:<18} finished before the kill")
                continue
            print(f"{name:<18} {row['workers']:5} {row['left']:4} {row['gone_in']:7.2f}s "
                  f"{'yes' if row['answered'] else 'NO':>7} {row['ask_time']:5.1f}s {row['on_disk']:6} "
                  f"{'exact' if row['lists_exactly'] else 'NO':>7} {row['list_time']:5.1f}s")
        print(f"load {os.getloadavg()[0]:.2f}")
        killed = [row for row in rows if not row["finished"]]
        clean = sum(row["left"] == 0 and row["gone_in"] <= 5 for row in killed)
        exact = sum(row["lists_exactly"] for row in killed)
        quick = sum(row["answered"] and row["ask_time"] <= 10 for row in killed)
        print(f"of {len(killed)} kills: {clean} left no process within 5 s, {exact} listed exactly the "
              f"files on disk, {quick} answered within 10 s")
        return 0 if clean == exact == len(killed) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
