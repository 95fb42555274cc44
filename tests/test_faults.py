"""Faults of the store: `kill -9` during `qa add`, writers racing, readers beside writers, a
tampered index, edits that hide from `stat`, and names that collide.

The tests run `qa` on small generated libraries: as separate processes where processes are the
point (a kill, two writers, a reader beside a writer), otherwise through `conftest.run_qa` in this
process. They check what a user would notice: every file in the folder is a source and every
source has its file, every quote is the file's own text at its offsets, no traceback, no
temporary file left behind. `docs/reliability.md` records what they ran.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import REPO, run_qa
from qa import Library
from qa.models import Answer
from qa.sources import is_supported, load
from qa.store import INDEX_DIR, TEMPORARY_SUFFIX, database_path

ENV = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "qa", *args]


def spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen(command(*args), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO, env=ENV)


def codename(n: int) -> str:
    """A made-up word of its own for each n, so a question finds exactly one report."""
    letters = ""
    for _ in range(3):
        n, syllable = divmod(n, len(SYLLABLES))
        letters += SYLLABLES[syllable]
    return letters.capitalize()


def report(n: int) -> tuple[str, str, str]:
    """(text, question, the sentence that answers it) of report number n."""
    name = codename(n)
    answer = f"The {name} depot held {1000 + n} litres of lamp oil."
    text = (f"Depot report {name}\n\n{answer} Inspectors counted the barrels twice.\n\n"
            f"The roof of the {name} depot was repaired in spring.\n")
    return text, f"How many litres of lamp oil did the {name} depot hold?", answer


def write_reports(folder: Path, numbers: range) -> dict[str, str]:
    """Write reports into ``folder``; returns file name → text."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = {}
    for n in numbers:
        name = f"report-{n:04d}.txt"
        texts[name] = report(n)[0]
        (folder / name).write_text(texts[name])
    return texts


def files_in(folder: Path) -> set[str]:
    """The files the library must hold, by their paths in it: supported and not hidden."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and is_supported(p) and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


def in_library(path: Path | str, library: Path) -> str:
    return Path(path).relative_to(library).as_posix()


def temporaries(folder: Path) -> list[Path]:
    return [p for place in (folder, folder / INDEX_DIR) if place.is_dir()
            for p in place.iterdir() if p.name.endswith(TEMPORARY_SUFFIX)]


def assert_verbatim(answer: dict, texts: Callable[[Path], str | None]) -> None:
    """Every passage and quote of a JSON answer is its file's text at its offsets.

    ``texts`` gives a cited file's text, or None when the test cannot know it any more.
    """
    by_number = {}
    for citation in answer["citations"]:
        text = texts(Path(citation["path"]))
        by_number[citation["n"]] = text
        if text is not None:
            assert text[citation["start"]:citation["end"]] == citation["passage"], citation
    for quote in answer["quotes"]:
        text = by_number[quote["citation"]]
        if text is not None:
            assert text[quote["start"]:quote["end"]] == quote["text"], quote


def as_json(answer: Answer) -> dict:
    return json.loads(answer.model_dump_json())


# -- kill -9 during `qa add` -----------------------------------------------------------------

# Forks `qa` commands from a process that has already imported qa: each child is a real `qa`
# process to kill, without Python's start-up (most of a small `qa add`) paid for each of them.
WARM_QA = """
import json, os, sys
from qa.cli import main
for line in sys.stdin:
    request = json.loads(line)
    if request == "wait":
        print(os.waitstatus_to_exitcode(os.wait()[1]), flush=True)
        continue
    pid = os.fork()
    if pid == 0:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        code = 70
        try:
            code = main(request)
        finally:
            os._exit(code)
    print(pid, flush=True)
"""


class WarmQa:
    """`qa` processes forked on request by one warm process (WARM_QA)."""

    def __init__(self) -> None:
        self._server = subprocess.Popen([sys.executable, "-c", WARM_QA], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, cwd=REPO, env=ENV)

    def _request(self, request: object) -> int:
        self._server.stdin.write(json.dumps(request) + "\n")
        self._server.stdin.flush()
        return int(self._server.stdout.readline())

    def kill_when(self, args: list[str], ready: Callable[[], bool]) -> bool:
        """Run `qa ARGS`, SIGKILL it as soon as ``ready()``; False if it ended first."""
        pid = self._request(args)
        stat = Path(f"/proc/{pid}/stat")
        # Until it is waited for, an ended child stays a zombie ("Z"): its pid cannot be reused.
        while stat.read_text().rsplit(")", 1)[1].split()[0] != "Z":
            if ready():
                os.kill(pid, signal.SIGKILL)
                self._request("wait")
                return True
            time.sleep(0.001)
        self._request("wait")
        return False

    def close(self) -> None:
        self._server.stdin.close()
        self._server.wait(timeout=60)


def _committed(folder: Path) -> int:
    """Sources the database holds, read as the killed process left it."""
    try:
        with sqlite3.connect(database_path(folder), timeout=30) as db:
            return db.execute("SELECT count(*) FROM sources").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="watches the killed process in /proc")
@pytest.mark.slow
def test_kill_9_during_add_loses_nothing_and_leaves_nothing_half_done(tmp_path: Path):
    library = tmp_path / "library"
    library.mkdir()
    per_round = 200
    held: set[str] = set()  # the files the library held after the previous round
    texts: dict[str, str] = {}
    kills = lost = stray = 0
    phases = []

    def new_files() -> int:  # a folder's files land in a folder of the library
        return sum(1 for place, _, names in os.walk(library) if INDEX_DIR not in Path(place).parts
                   for name in names if name.endswith(".txt") and not name.startswith("."))

    def copying() -> bool:
        return any(name.endswith(TEMPORARY_SUFFIX) for name in os.listdir(library))

    def copied(fraction: float, then: float = 0.0) -> Callable[[int], Callable[[], bool]]:
        def trigger(before: int) -> Callable[[], bool]:
            seen: list[float] = []

            def ready() -> bool:
                if not seen and new_files() - before >= max(1, fraction * per_round):
                    seen.append(time.monotonic())
                return bool(seen) and time.monotonic() - seen[0] >= then
            return ready
        return trigger

    def commit_written(before: int) -> Callable[[], bool]:
        wal = Path(f"{database_path(library)}-wal")
        size = wal.stat().st_size if wal.exists() else -1
        return lambda: new_files() - before == per_round and wal.exists() and wal.stat().st_size != size

    # The moments: the database being created, a copy being written, the copies a quarter,
    # half, three quarters and all in, then inside the commit that follows, and as SQLite
    # writes it.
    triggers: list[Callable[[int], Callable[[], bool]]] = [
        lambda before: database_path(library).exists,
        lambda before: copying,
        copied(0.0),
        copied(0.25),
        copied(0.5),
        copied(0.75),
        copied(1.0),
        copied(1.0, then=0.01),
        commit_written,
        copied(1.0, then=0.03),
    ]
    warm = WarmQa()
    for number, trigger in enumerate(triggers):
        batch = tmp_path / f"batch-{number}"
        texts |= write_reports(batch, range(number * per_round, (number + 1) * per_round))
        before = new_files()
        if not warm.kill_when(["add", str(batch), "--sources", str(library)], trigger(before)):
            phases.append("finished")
            continue
        kills += 1
        placed = new_files() - before
        committed = _committed(library) - len(held)
        phases.append("committed" if committed > 0 else "in commit" if placed == per_round else f"{placed} copied")
        stray += len(temporaries(library))

        # The next open, in a process of its own (this one): the same code as `qa sources`.
        reader = Library.open(library)
        listed = {in_library(source.path, library) for source in reader.sources}
        in_folder = files_in(library)
        lost += len(in_folder - listed)
        assert listed == in_folder, "every file is a source and every source has its file"
        assert held <= in_folder, "a file the library held is gone"
        assert temporaries(library) == [], "the next write removes what the kill left"
        for name in in_folder:
            assert (library / name).read_text() == texts[Path(name).name], f"{name} is not a whole copy"
        held = in_folder
        for name in sorted(in_folder)[::37] + sorted(in_folder)[-2:]:
            _, question, sentence = report(int(Path(name).name[7:11]))
            answer = reader.ask(question)
            assert answer.answered and answer.quotes[0].text == sentence, (name, answer.text)
            assert in_library(answer.citations[0].path, library) == name
            assert_verbatim(as_json(answer), lambda path: texts[path.name])
    warm.close()
    listing = run_qa("sources", "--json", "--sources", str(library))
    assert {in_library(source["path"], library) for source in json.loads(listing.stdout)} == files_in(library)
    print(f"kill -9 at {kills} points ({', '.join(phases)}): {lost} lost; {stray} temporary files "
          "left by the kills, none after the next write")
    assert kills >= 8 and lost == 0


# -- writers racing ----------------------------------------------------------------------------

@pytest.mark.slow
def test_two_adds_at_once_with_the_same_file_names_keep_every_file(tmp_path: Path):
    library = tmp_path / "library"
    library.mkdir()
    contents = []
    for side in ("left", "right"):  # two folders called notes: both go to the library's notes/
        (tmp_path / side / "notes").mkdir(parents=True)
        for letter in "abcdefghij":
            contents.append(report(ord(letter) * 2 + (side == "right"))[0])
            (tmp_path / side / "notes" / f"{letter}.txt").write_text(contents[-1])
    runs = [spawn("add", str(tmp_path / side / "notes"), "--sources", str(library)) for side in ("left", "right")]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0 and "Traceback" not in stderr, stderr
    held = {name: (library / name).read_text() for name in files_in(library)}
    assert sorted(held.values()) == sorted(contents), "each of the 20 files is in the folder exactly once"
    assert set(held) == {f"notes/{letter}{tail}.txt" for letter in "abcdefghij" for tail in ("", "-2")}
    listing = json.loads(run_qa("sources", "--json", "--sources", str(library)).stdout)
    assert sorted(in_library(source["path"], library) for source in listing) == sorted(held)
    assert len({source["id"] for source in listing}) == 20


# -- readers beside writers --------------------------------------------------------------------

CHURN = """
import sys
import time
from pathlib import Path
from qa import Library
library = Library.open(Path(sys.argv[1]))
stop = Path(sys.argv[3])
cycles = 0
while not stop.exists() or cycles < 2:
    added = library.add([Path(sys.argv[2])])
    time.sleep(0.02)
    library.remove([result.source.id for result in added if result.source])
    time.sleep(0.02)
    cycles += 1
print(cycles)
"""


@pytest.mark.slow
def test_answers_stay_verbatim_while_another_process_adds_and_removes(tmp_path: Path):
    library = tmp_path / "library"
    texts = write_reports(library, range(0, 30)) | write_reports(tmp_path / "churn", range(100, 110))
    Library.open(library)
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", CHURN, str(library), str(tmp_path / "churn"), str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=ENV)
    stable = [report(n)[1] for n in range(0, 30, 3)]
    questions = [report(n)[1] for n in range(100, 110)] * 2 + stable
    try:
        streamed = spawn("ask", "--json", "-", "--sources", str(library))
        singles = [spawn("ask", "--json", report(n)[1], "--sources", str(library)) for n in (101, 3)]
        output, errors = streamed.communicate("\n".join(questions) + "\n", timeout=120)
        single_outputs = [single.communicate(timeout=120) for single in singles]
    finally:
        stop.touch()
        cycles, writer_errors = writer.communicate(timeout=120)
    assert writer.returncode == 0, writer_errors
    answers = [json.loads(line) for line in output.splitlines()]
    answers += [json.loads(out) for single, (out, _) in zip(singles, single_outputs) if single.returncode == 0]
    for run in [streamed, *singles]:
        assert run.returncode in (0, 1)
    errors += "".join(err for _, err in single_outputs)
    assert "Traceback" not in errors, errors
    assert len(answers) >= len(questions), (streamed.returncode, errors)
    for answer in answers:
        assert "error" not in answer, answer
        assert_verbatim(answer, lambda path: texts[path.name])
    assert all(a["answered"] for a in answers if a["question"] in stable), "the sources that stayed answer"
    print(f"{len(answers)} answers beside {cycles.strip()} add/remove cycles, all verbatim")


def test_a_dropped_segment_is_not_scored_with_its_old_lengths(tmp_path: Path):
    library = tmp_path / "library"
    write_reports(library, range(0, 3))
    reader = Library.open(library)
    write_reports(tmp_path / "first", range(10, 14))
    added = reader.add([tmp_path / "first"])
    assert reader.ask(report(12)[1]).answered  # reads the lengths of the segment just added
    reader.remove([result.source.id for result in added])  # that segment is dropped whole
    write_reports(tmp_path / "second", range(20, 21))
    reader.add([tmp_path / "second"])  # a new segment, with other chunk ids
    answer = reader.ask(report(20)[1])
    assert answer.quotes[0].text == report(20)[2]


# -- change detection and a tampered index -----------------------------------------------------

def test_a_same_size_edit_with_its_mtime_restored_is_reread(tmp_path: Path):
    library = tmp_path / "library"
    write_reports(library, range(0, 3))
    Library.open(library)
    path = library / "report-0001.txt"
    before = path.stat()
    edited = path.read_bytes().replace(b"1001 litres", b"7001 litres")
    with open(path, "r+b") as file:  # in place: same inode, same size
        file.write(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # what `touch -r` does
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    assert Library.open(library).reread == ["report-0001.txt"], "the changed ctime gives it away"
    _, output, _ = run_qa("ask", "--json", report(1)[1], "--sources", str(library))
    assert json.loads(output)["quotes"][0]["text"] == report(1)[2].replace("1001", "7001")


def test_a_tampered_index_never_yields_a_quote_that_is_not_in_the_file(tmp_path: Path):
    library = tmp_path / "library"
    texts = write_reports(library, range(0, 6))
    Library.open(library)
    # A file changed behind the index's back, with its recorded state made to match.
    edited = library / "report-0005.txt"
    edited.write_text(texts[edited.name].replace("1005 litres", "3005 litres"))
    texts[edited.name] = edited.read_text()
    state = edited.stat()
    with sqlite3.connect(database_path(library)) as db:
        source = "SELECT id FROM sources WHERE name = ?"
        chunk = f"source = ({source}) AND paragraph = 1"
        db.execute("UPDATE chunks SET text = replace(text, '1001', '6666') WHERE " + chunk, ("report-0001.txt",))
        db.execute("UPDATE chunks SET start = start + 7, end = end + 7 WHERE " + chunk, ("report-0002.txt",))
        db.execute("UPDATE chunks SET sentences = ? WHERE " + chunk,
                   (np.asarray([0, 9, 10, 40], dtype="<u4").tobytes(), "report-0003.txt"))
        db.execute("UPDATE chunks SET text = 'The forged depot held 1 litre.', end = start + 30 WHERE "
                   + chunk, ("report-0004.txt",))
        db.execute("UPDATE sources SET size = ?, mtime_ns = ?, ctime_ns = ?, inode = ? WHERE name = ?",
                   (state.st_size, state.st_mtime_ns, state.st_ctime_ns, state.st_ino, edited.name))
    questions = [report(n)[1] for n in range(1, 6)] + ["How many litres did the forged depot hold?"]
    code, output, errors = run_qa("ask", "--json", "-", "--sources", str(library), stdin="\n".join(questions) + "\n")
    assert code == 0, errors
    answers = [json.loads(line) for line in output.splitlines()]
    assert len(answers) == len(questions)
    for answer in answers:
        assert_verbatim(answer, lambda path: texts[path.name])
        assert "forged" not in json.dumps(answer["quotes"]) and "6666" not in json.dumps(answer["quotes"])
    # A cited passage that disagrees with its file is read again from the file, and answers
    # from it. (Damaged offsets or sentence spans make a passage unquotable: other passages answer.)
    assert answers[0]["quotes"][0]["text"] == report(1)[2]
    assert answers[4]["quotes"][0]["text"] == report(5)[2].replace("1005", "3005")


@pytest.mark.slow
def test_two_removes_of_one_source_at_once_remove_it_once(tmp_path: Path):
    library = tmp_path / "library"
    write_reports(library, range(0, 4))
    Library.open(library)
    name = "report-0001.txt"
    runs = [spawn("remove", name, "--sources", str(library)) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert sorted(run.returncode for run in runs) == [0, 1], outputs
    (removed, _), (_, refused) = sorted(outputs, key=lambda output: output[1] != "")
    assert removed.startswith(f"Removed Depot report {codename(1)}")
    assert refused.startswith("qa: ") and refused.count("\n") == 1 and name in refused, refused
    assert files_in(library) == {"report-0000.txt", "report-0002.txt", "report-0003.txt"}


# -- names that collide ------------------------------------------------------------------------

def test_ids_of_names_that_collide_are_distinct_and_remove_the_named_file(tmp_path: Path):
    library = tmp_path / "library"
    library.mkdir()
    names = ["x.txt", "x.md", "x.txt.md", "X.TXT"]
    for number, name in enumerate(names):
        (library / name).write_text(report(number)[0])
    listing = json.loads(run_qa("sources", "--json", "--sources", str(library))[1])
    ids = {Path(source["path"]).name: source["id"] for source in listing}
    assert sorted(ids) == sorted(names) and len(set(ids.values())) == 4
    questions = "".join(f"{report(number)[1]}\n" for number in range(4))
    _, output, _ = run_qa("ask", "--json", "-", "--sources", str(library), stdin=questions)
    for number, line in enumerate(output.splitlines()):
        citation = json.loads(line)["citations"][0]
        assert Path(citation["path"]).name == names[number] and citation["source"] == ids[names[number]]

    code, _, errors = run_qa("remove", "X.txt", "--sources", str(library))
    assert code == 1 and "could mean any of" in errors and errors.count("\n") == 1, errors
    assert sorted(files_in(library)) == sorted(names), "an ambiguous reference removes nothing"
    code, _, errors = run_qa("remove", "x.txt", "--sources", str(library))
    assert code == 0, errors
    assert sorted(files_in(library)) == sorted(set(names) - {"x.txt"})
    assert (library / "X.TXT").read_text() == report(3)[0]


# -- random bytes and random names -------------------------------------------------------------

SUFFIXES = [".txt", ".md", ".txt.md", ".TXT", ".Md", ".html", ".pdf", ".docx", ".epub", ".csv", ""]
TERMINAL = ["\x1b]0;pwned\x07", "\x1b[2J", "\x9b31m", "\u202e", "\r", "\n", "\t"]
hostile_names = st.one_of(
    st.sampled_from(["x", "X", "x.txt", ".hidden", "-rf", "--json", "..", " ", "report-0000"]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), max_size=30),
    st.lists(st.sampled_from(TERMINAL + ["é", "名", "🦓", "a"]), max_size=8).map("".join),
    st.integers(200, 260).map(lambda n: "l" * n),
).flatmap(lambda stem: st.sampled_from(SUFFIXES).map(lambda suffix: stem + suffix))
hostile_words = st.sampled_from(["The", "zebra", "crossed", "7", "Nairobi", "road", ".", ",", "\n\n", "oil",
                         "\u202e", "\x1b[31m", "é", "naïve", "Kabeba", "litres", "?"])
hostile_texts = st.lists(hostile_words, max_size=60).map(" ".join)
hostile_contents = st.one_of(
    st.binary(max_size=2000),
    hostile_texts.map(str.encode),
    hostile_texts.map(lambda text: text.encode("utf-16")),
    hostile_texts.map(lambda text: text.encode("cp1252", "replace")),
)


def _tree(root: Path, skip: Path) -> dict[str, tuple]:
    """Every file and folder under ``root`` but ``skip``, with what would show a change."""
    found = {}
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if Path(folder, name) != skip]
        for name in [*subfolders, *files]:
            path = Path(folder, name)
            status = path.lstat()
            content = path.read_bytes() if path.is_file() and not path.is_symlink() else b""
            found[str(path.relative_to(root))] = (status.st_mode, status.st_mtime_ns, content)
    return found


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(st.tuples(hostile_names, hostile_contents), min_size=1, max_size=4),
       question=hostile_texts)
def test_random_bytes_and_names_through_add_and_ask(files: list[tuple[str, bytes]], question: str):
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        library, inbox = root / "library", root / "inbox"
        write_reports(library, range(0, 2))
        paths = []
        for number, (name, data) in enumerate(files):
            folder = inbox / str(number)  # one folder each, so that equal names can meet
            folder.mkdir(parents=True)
            try:
                (folder / name).write_bytes(data)
            except OSError:  # a name this file system refuses (too long, "..")
                continue
            paths.append(str(folder / name))
        before = _tree(root, skip=library)
        s = ("--sources", str(library))
        added = run_qa("add", *paths, *s) if paths else (0, "", "")
        answer = run_qa("ask", "--json", question or "Kabeba?", *s)
        listing = run_qa("sources", "--json", *s)
        for code, _, errors in (added, answer, listing):
            assert code in (0, 1, 2) and "Traceback" not in errors, errors
        assert _tree(root, skip=library) == before, "nothing outside the sources folder changed"
        listed = {in_library(source["path"], library) for source in json.loads(listing[1])}
        assert listed == files_in(library), "no file is copied and then left out of the index"
        assert not [p for p in library.iterdir() if p.name.startswith(".") and p.name != INDEX_DIR]
        if answer[0] == 0:
            assert_verbatim(json.loads(answer[1]), lambda path: load(path).text)
