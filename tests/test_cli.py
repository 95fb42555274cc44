"""The `qa` command as a user runs it: its output and exit code.

`qa` runs in this process (`conftest.run_qa`: its own environment, folder and pipes); only the
checks of what a fresh interpreter imports start one.
"""

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest

from conftest import PLEDGE, REPO, VISIT, Run, run_qa


def qa(*args: str, stdin: str = "", cwd: Path = REPO) -> Run:
    return run_qa(*args, stdin=stdin, cwd=cwd)


def test_ask_json_contract_and_offsets_check_out(sources_dir: Path):
    run = qa("ask", "--json", "How many officers has Kenya pledged to send?", "--sources", str(sources_dir))
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["answered"] is True and answer["question"].startswith("How many")
    assert answer["quotes"] and answer["citations"]
    for citation in answer["citations"]:
        assert set(citation) >= {"n", "source", "title", "path", "paragraph", "start", "end", "passage", "score"}
        text = Path(citation["path"]).read_text(encoding="utf-8")
        assert text[citation["start"]:citation["end"]] == citation["passage"]
    for quote in answer["quotes"]:
        assert quote["text"] in answer["citations"][quote["citation"] - 1]["passage"]


def test_json_lines_from_stdin_line_up_with_the_questions(sources_dir: Path):
    questions = ["When was the MSS authorized?", "", "Who won the 2022 World Cup?", "Who is the main sponsor?"]
    run = qa("--sources", str(sources_dir), "ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert run.returncode == 1, "a line that is not a question is a failure"
    answers = [json.loads(line) for line in run.stdout.splitlines()]
    assert [a["question"] for a in answers] == questions
    assert answers[1] == {"question": "", "error": "The question is empty."}
    assert [a.get("answered") for a in answers] == [True, None, False, True]


def test_relative_sources_give_relative_paths(sources_dir: Path):
    run = qa("ask", "--json", "How many officers has Kenya pledged?", "--sources", "sources", cwd=sources_dir.parent)
    citation = json.loads(run.stdout)["citations"][0]
    assert citation["path"] == f"sources/{PLEDGE}"


def test_plain_answer_for_a_person(sources_dir: Path):
    run = qa("ask", "How many officers has Kenya pledged to send?", "--sources", str(sources_dir))
    assert run.returncode == 0
    assert "600 more police officers" in run.stdout and "[1]" in run.stdout
    assert "Kenya pledges 600 more officers to Haiti, paragraph 1" in run.stdout
    assert "\x1b[" not in run.stdout


def test_refusal_is_plain_and_successful(sources_dir: Path):
    run = qa("ask", "Who won the 2022 World Cup?", "--sources", str(sources_dir))
    assert run.returncode == 0
    assert run.stdout.strip() == "The sources don't cover this question."


def test_add_list_remove(sources_dir: Path, tmp_path: Path):
    article = tmp_path / "flood.md"
    article.write_text("# Floods in Valencia\n\nFlash floods in Valencia killed 200 people in October.\n")
    added = qa("--sources", str(sources_dir), "add", str(article))
    assert added.returncode == 0 and "Added Floods in Valencia" in added.stdout
    again = qa("--sources", str(sources_dir), "add", str(article))
    assert again.returncode == 0 and "already in the sources" in again.stdout
    listing = json.loads(qa("sources", "--json", "--sources", str(sources_dir)).stdout)
    assert {s["id"] for s in listing} == {"flood", PLEDGE[:-4], "ruto-arrives-in-haiti-as-insecurity-deepens"}
    assert all({"id", "title", "paragraphs", "chunks", "path"} <= set(s) for s in listing)
    answer = json.loads(qa("ask", "--json", "How many people did the floods kill?", "--sources", str(sources_dir)).stdout)
    assert "200 people" in answer["quotes"][0]["text"]
    removed = qa("remove", "flood", "--sources", str(sources_dir))
    assert removed.returncode == 0 and not (sources_dir / "flood.md").exists()
    assert article.exists()


def test_bad_input_gives_one_line_and_exit_1(sources_dir: Path, tmp_path: Path):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "blob.txt").write_bytes(b"\x00\xff\x00")
    (tmp_path / "data.pdf").write_bytes(b"%PDF-1.4")
    cases = [
        ("add", str(tmp_path / "missing.txt")),
        ("add", str(tmp_path / "empty.txt")),
        ("add", str(tmp_path / "blob.txt")),
        ("add", str(tmp_path / "data.pdf")),
        ("ask", "   "),
        ("remove", "no-such-source"),
    ]
    for case in cases:
        run = qa("--sources", str(sources_dir), *case)
        assert run.returncode == 1, case
        assert run.stderr.startswith("qa: ") and len(run.stderr.strip().splitlines()) == 1, run.stderr
        assert "Traceback" not in run.stderr
    assert sorted(p.name for p in sources_dir.iterdir() if not p.name.startswith(".")) == sorted(
        [PLEDGE, "ruto-arrives-in-haiti-as-insecurity-deepens.txt"])


def test_missing_sources_folder_and_usage_errors(tmp_path: Path):
    run = qa("ask", "Anything?", "--sources", str(tmp_path / "nowhere"))
    assert run.returncode == 1 and "does not exist" in run.stderr
    assert qa("ask").returncode == 2
    assert qa("frobnicate").returncode == 2


def test_eval_reports_scores_and_exits_1_only_for_broken_input(sources_dir: Path, tmp_path: Path):
    run = qa("eval", str(REPO / "eval" / "questions.jsonl"), "--json", "--sources", str(sources_dir))
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["verbatim_errors"] == 0 and 0 <= report["passage_at_1"] <= 1
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{oops\n")
    failed = qa("eval", str(broken), "--sources", str(sources_dir))
    assert failed.returncode == 1 and "line 1" in failed.stderr


@pytest.mark.slow
def test_the_console_script_keeps_textual_out_of_ask(sources_dir: Path):
    code = (
        "import sys, tui.launcher\n"
        f"sys.argv = ['qa', 'ask', 'How many officers?', '--sources', {str(sources_dir)!r}]\n"
        "try:\n    tui.launcher.main()\nexcept SystemExit as end:\n    assert end.code == 0\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                         env={"PATH": "", "PYTHONPATH": str(REPO)}, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "[1]" in run.stdout


def test_conversation_reads_each_line_with_the_one_before(sources_dir: Path):
    questions = "How many Kenyan officers are patrolling in Haiti?\nAnd how many are still in training?\n"
    run = qa("--sources", str(sources_dir), "ask", "--json", "-", "--conversation", stdin=questions)
    follow_up = [json.loads(line) for line in run.stdout.splitlines()][1]
    assert follow_up["interpreted_as"] and "undergoing training" in follow_up["quotes"][0]["text"]
    alone = qa("--sources", str(sources_dir), "ask", "--json", "-", stdin=questions)
    assert json.loads(alone.stdout.splitlines()[1])["interpreted_as"] is None


def test_an_over_long_sentence_is_quoted_as_a_verbatim_window(tmp_path: Path):
    folder = tmp_path / "sources"
    folder.mkdir()
    text = "Notes\n\n" + "word " * 3000 + "the helicopters were painted red " + "more " * 3000 + "\n"
    (folder / "notes.txt").write_text(text, encoding="utf-8")
    run = qa("ask", "--json", "What colour were the helicopters painted?", "--sources", str(folder))
    quote = json.loads(run.stdout)["quotes"][0]
    assert "helicopters were painted red" in quote["text"] and len(quote["text"]) <= 600
    assert text[quote["start"]:quote["end"]] == quote["text"]
    assert quote["cut_start"] and quote["cut_end"]
    plain = qa("ask", "What colour were the helicopters painted?", "--sources", str(folder))
    assert "“…word" in plain.stdout and "more…”" in plain.stdout


def _modules_loaded(code: str) -> set[str]:
    """The top-level packages a fresh interpreter has loaded after running ``code``."""
    probe = f"import sys\n{code}\nprint(*{{name.split('.')[0] for name in sys.modules}}, file=sys.stderr)"
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         cwd=REPO, env={"PATH": "", "PYTHONPATH": str(REPO)})
    return set(run.stderr.split())


@pytest.mark.slow
def test_analysing_text_loads_punkt_without_nltks_package_or_scipy():
    # nltk's package imports all of nltk, and SciPy's sparse matrices and statistics when SciPy
    # is installed: 0.2-1.4 s for every process that analyses a file, where Punkt takes 0.05 s.
    loaded = _modules_loaded("from qa import analysis\n"
                             "assert len(analysis.sentences('It ends. Now it starts.')) == 2")
    assert not loaded & {"nltk", "scipy"}


@pytest.mark.slow
def test_a_question_to_an_existing_library_loads_neither_nltk_nor_the_ui(sources_dir: Path):
    # nltk takes most of a second to import, and only reading files needs it.
    assert qa("ask", "Who leads the mission?", "--sources", str(sources_dir)).returncode == 0
    loaded = _modules_loaded(
        f"from qa.cli import main\nmain(['ask', 'How many officers has Kenya pledged?', '--sources', {str(sources_dir)!r}])")
    assert "qa" in loaded and not loaded & {"nltk", "scipy", "textual", "tui"}


@pytest.mark.slow
def test_help_answers_without_loading_the_engine():
    loaded = _modules_loaded("from tui.launcher import main\nimport sys\nsys.argv = ['qa', '--help']\n"
                             "try:\n    main()\nexcept SystemExit:\n    pass")
    assert "qa" in loaded and not loaded & {"numpy", "pydantic", "nltk", "sqlite3", "textual"}


@contextlib.contextmanager
def terminal(typed: str) -> Iterator[TextIO]:
    """A pseudo-terminal to use as stdin, with ``typed`` already typed into it."""
    controller, reader = os.openpty()
    try:
        os.write(controller, typed.encode())
        with open(reader, encoding="utf-8") as stdin:
            assert stdin.isatty()
            yield stdin
    finally:
        os.close(controller)


def test_removing_several_sources_or_a_glob_asks_first_on_a_terminal(sources_dir: Path):
    s = ("--sources", str(sources_dir))
    with terminal("n\n") as stdin:
        declined = run_qa("remove", "*haiti*", *s, stdin=stdin, timeout=20)
    assert declined.returncode == 1 and declined.stdout == ""
    assert "Remove these 2 sources? [y/N] qa: nothing was removed.\n" in declined.stderr
    assert "kenya-pledges-600-more-officers-to-haiti  Kenya pledges 600 more officers to Haiti" in declined.stderr
    assert sorted(p.name for p in sources_dir.glob("*.txt")) == sorted([PLEDGE, VISIT])

    with terminal("") as stdin:  # one source named exactly: nothing to ask (a question would wait here)
        assert run_qa("remove", PLEDGE, *s, stdin=stdin, timeout=20).returncode == 0
    with terminal("y\n") as stdin:
        accepted = run_qa("remove", "ruto-*", *s, stdin=stdin, timeout=20)
    assert accepted.returncode == 0 and "Remove this source? [y/N] " in accepted.stderr
    assert accepted.stdout.startswith("Removed Kenyan Ruto arrives in Haiti")
    assert list(sources_dir.glob("*.txt")) == []


def test_yes_or_no_terminal_removes_without_asking(sources_dir: Path):
    s = ("--sources", str(sources_dir))
    scripted = run_qa("remove", "*", *s, stdin="n\n")  # stdin is not a terminal: a script's
    assert scripted.returncode == 0 and scripted.stderr == "" and scripted.stdout.count("Removed ") == 2
    assert list(sources_dir.glob("*.txt")) == []
    for name in (PLEDGE, VISIT):
        shutil.copy2(REPO / "sources" / name, sources_dir / name)
    assert run_qa("sources", *s).stdout.count("\n") == 6
    with terminal("") as stdin:  # a question would wait for a reply that never comes
        run = run_qa("remove", "--yes", PLEDGE, "*ruto*", *s, stdin=stdin, timeout=20)
    assert run.returncode == 0 and run.stderr == "" and run.stdout.count("Removed ") == 2
    assert list(sources_dir.glob("*.txt")) == []


def test_text_takes_a_name_or_a_pattern_as_sources_does(sources_dir: Path):
    s = ("--sources", str(sources_dir))
    pledge, visit = ((sources_dir / name).read_text(encoding="utf-8") for name in (PLEDGE, VISIT))
    assert run_qa("text", PLEDGE, *s).stdout == pledge
    assert run_qa("text", "Ruto", *s).stdout == visit, "a word of the title, as `qa sources Ruto` finds it"
    both = run_qa("text", "*haiti*", *s)
    assert both.returncode == 0
    between = "\n" if pledge.endswith("\n") else "\n\n"
    assert both.stdout == (f"==> {PLEDGE[:-4]}: {sources_dir / PLEDGE} <==\n{pledge}{between}"
                           f"==> {VISIT[:-4]}: {sources_dir / VISIT} <==\n{visit}")
    missing = run_qa("text", "*floods*", *s)
    assert missing.returncode == 1 and missing.stderr == "qa: No source matches '*floods*' (see `qa sources`).\n"


def test_the_add_progress_bar_counts_files_and_megabytes_apart_and_names_the_file():
    from rich.console import Console

    from qa.cli.adding import AddProgressBar
    from qa.models import AddProgress

    screen = io.StringIO()
    with AddProgressBar(True, Console(file=screen, force_terminal=True, width=150)) as bar:
        bar.update(AddProgress(files_done=3, files_total=1200, bytes_done=2_711_133, bytes_total=122_364_542,
                               current=Path("docs/backup-and-restore-of-a-whole-library-step-by-step.html")))
    shown = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", screen.getvalue()).split("\r")[-2]
    assert " 3/1,200 files 2.7/122.4 MB " in shown
    assert shown.rstrip().endswith(" …re-of-a-whole-library-step-by-step.html")  # its last 40 characters
    with AddProgressBar(False, Console(file=screen)) as bar:  # not a terminal: no bar at all
        screen.truncate(0)
        bar.update(AddProgress(files_done=1, files_total=1, bytes_done=10, bytes_total=10))
    assert screen.getvalue() == ""


def note(path: Path, title: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {title}\n\nThe {title.lower()} notes say the river froze in January.\n")


def test_hidden_files_are_skipped_counted_and_named_and_hidden_adds_them(tmp_path: Path):
    folder, library = tmp_path / "notes", tmp_path / "library"
    note(folder / "river.md", "River")
    note(folder / ".github" / "guide.md", "Guide")
    note(folder / ".github" / "more" / "howto.md", "Howto")
    note(folder / ".draft.md", "Draft")
    note(folder / "sub" / ".obsidian" / "cache.md", "Cache")
    note(folder / "sub" / ".trash" / "old.md", "Old")
    (folder / ".DS_Store").write_bytes(b"\0\1")
    s = ("--sources", str(library))
    run = run_qa("add", str(folder), *s)
    assert run.returncode == 0, run.stderr
    assert run.stdout == (f"Added 1 source (1 chunk) to {library}, 6 hidden files skipped "
                          "(.DS_Store, .draft.md, .github/ and 2 more): use --hidden.\n")
    assert [p.relative_to(library).as_posix() for p in library.rglob("*.md")] == ["notes/river.md"]
    verbose = run_qa("add", "-v", str(folder), *s)
    assert f"{folder / '.github' / 'more' / 'howto.md'}: hidden, skipped\n" in verbose.stdout

    everything = run_qa("add", "--hidden", str(folder), *s)
    assert everything.returncode == 0, everything.stderr
    assert everything.stdout == (f"Added 5 sources (5 chunks) to {library}, 1 already there, "
                                 "1 file of other formats skipped.\n")
    # kept in their folders, the dots gone: a hidden name would be hidden from the library's scan too
    assert sorted(p.relative_to(library).as_posix() for p in library.rglob("*.md")) == [
        "notes/draft.md", "notes/github/guide.md", "notes/github/more/howto.md", "notes/river.md",
        "notes/sub/obsidian/cache.md", "notes/sub/trash/old.md"]


def test_a_folder_with_nothing_to_add_says_what_it_holds(tmp_path: Path):
    folder, library = tmp_path / "repo", tmp_path / "library"
    for n in range(3):
        (folder / f"table-{n}.xlsx").parent.mkdir(parents=True, exist_ok=True)
        (folder / f"table-{n}.xlsx").write_text("a,b\n")
    (folder / "Makefile").write_text("all:\n")
    note(folder / ".github" / "guide.md", "Guide")
    run = run_qa("add", str(folder), "--sources", str(library))
    assert run.returncode == 1
    assert run.stderr.startswith(f"qa: {folder} holds no supported files (.")
    assert run.stderr.endswith("), only 3 .xlsx files, 1 file without an extension and 1 hidden file; "
                               "--hidden adds the hidden ones.\n")
    (folder / ".github" / "guide.md").unlink()
    assert run_qa("add", str(folder / ".github"), "--sources", str(library)).stderr == \
        f"qa: {folder / '.github'} holds no files.\n"


def test_a_linked_folder_is_followed_once_even_in_a_loop(tmp_path: Path):
    folder, elsewhere, library = tmp_path / "notes", tmp_path / "elsewhere", tmp_path / "library"
    note(folder / "river.md", "River")
    note(elsewhere / "lake.md", "Lake")
    (folder / "linked").symlink_to(elsewhere)
    (folder / "again").symlink_to(elsewhere)  # the same folder twice
    (elsewhere / "back").symlink_to(folder)  # a loop: notes → linked → back → notes …
    run = run_qa("add", "-v", str(folder), "--sources", str(library))
    assert run.returncode == 0, run.stderr
    assert run.stdout.endswith(f"Added 2 sources (2 chunks) to {library}.\n")
    assert len(run.stdout.splitlines()) == 3, "one line per file, each file once"
    kept = sorted(p.relative_to(library).as_posix() for p in library.rglob("*.md"))
    assert kept in (["notes/again/lake.md", "notes/river.md"], ["notes/linked/lake.md", "notes/river.md"])


def test_settings_come_from_the_environment_and_a_bad_one_is_one_sentence(sources_dir: Path):
    def ask(**environment: str) -> Run:
        return run_qa("ask", "--json", "How many people have been displaced?", "--sources", str(sources_dir),
                      env={"PATH": "", "PYTHONPATH": str(REPO), **environment})

    assert len(json.loads(ask().stdout)["quotes"]) > 1
    assert len(json.loads(ask(QA_MAX_QUOTES="1").stdout)["quotes"]) == 1
    assert len(json.loads(ask(qa_max_quotes="1").stdout)["quotes"]) == 1  # any case, as before
    bad = ask(QA_K1="fast")
    assert bad.returncode == 2 and bad.stderr.startswith("qa: bad setting QA_K1:") and "Traceback" not in bad.stderr
    assert len(json.loads(ask().stdout)["quotes"]) > 1, "a setting of one run never reaches the next"


def test_adding_one_missing_path_says_one_sentence(sources_dir: Path):
    run = qa("add", str(sources_dir.parent / "no-such-report.md"), "--sources", str(sources_dir))
    assert run.returncode == 1
    assert run.stdout == ""  # no "Added 0 sources (0 chunks) ..., 1 could not be added." besides
    assert run.stderr.startswith("qa: ") and len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "no-such-report.md does not exist" in run.stderr


def test_adding_to_a_read_only_library_names_the_library(sources_dir: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    import errno
    import tempfile

    def read_only(dir: str, prefix: str, suffix: str) -> tuple[int, str]:  # as the kernel says it
        raise OSError(errno.EROFS, "Read-only file system", os.path.join(dir, f"{prefix}k2x8{suffix}"))

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    note = tmp_path / "note.md"
    note.write_text("# Note\n\nThe ferry leaves at noon.\n")
    run = qa("add", str(note), "--sources", str(sources_dir))
    assert run.returncode == 1
    assert run.stderr.strip() == f"qa: {sources_dir} is on a read-only file system.", run.stderr
