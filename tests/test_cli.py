"""The `qa` command, run as a user runs it: a subprocess, its output and exit code."""

import json
import subprocess
import sys
from pathlib import Path

from conftest import PLEDGE, REPO


def qa(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qa", *args], input=stdin, capture_output=True, text=True,
        cwd=cwd or REPO, env={"PATH": "", "PYTHONPATH": str(REPO), "NO_COLOR": "1"}, timeout=60,
    )


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


def test_analysing_text_never_loads_scipy_through_nltk():
    # nltk imports SciPy's sparse matrices and statistics when SciPy is installed: over half a
    # second for every process that analyses a file.
    loaded = _modules_loaded("from qa import analysis; analysis.sentences('It ends. Now it starts.')")
    assert "nltk" in loaded and "scipy" not in loaded


def test_a_question_to_an_existing_library_loads_neither_nltk_nor_the_ui(sources_dir: Path):
    # nltk takes most of a second to import, and only reading files needs it.
    assert qa("ask", "Who leads the mission?", "--sources", str(sources_dir)).returncode == 0
    loaded = _modules_loaded(
        f"from qa.cli import main\nmain(['ask', 'How many officers has Kenya pledged?', '--sources', {str(sources_dir)!r}])")
    assert "qa" in loaded and not loaded & {"nltk", "scipy", "textual", "tui"}


def test_help_answers_without_loading_the_engine():
    loaded = _modules_loaded("from tui.launcher import main\nimport sys\nsys.argv = ['qa', '--help']\n"
                             "try:\n    main()\nexcept SystemExit:\n    pass")
    assert "qa" in loaded and not loaded & {"numpy", "pydantic", "nltk", "sqlite3", "textual"}


def test_settings_come_from_the_environment_and_a_bad_one_is_one_sentence(sources_dir: Path):
    def ask(**environment: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "qa", "ask", "--json", "How many people have been displaced?",
             "--sources", str(sources_dir)], capture_output=True, text=True, cwd=REPO, timeout=60,
            env={"PATH": "", "PYTHONPATH": str(REPO), **environment})

    assert len(json.loads(ask().stdout)["quotes"]) > 1
    assert len(json.loads(ask(QA_MAX_QUOTES="1").stdout)["quotes"]) == 1
    assert len(json.loads(ask(qa_max_quotes="1").stdout)["quotes"]) == 1  # any case, as before
    bad = ask(QA_K1="fast")
    assert bad.returncode == 2 and bad.stderr.startswith("qa: bad setting QA_K1:") and "Traceback" not in bad.stderr
