import json
from pathlib import Path

import pytest

from qa import Library, LibraryError
from qa.evaluation import EvalItem, evaluate, format_report, load_items, score
from qa.models import Answer, Citation, Quote
from conftest import REPO

OWN_QUESTIONS = REPO / "eval" / "questions.jsonl"
DOCS_QUESTIONS = REPO / "eval" / "docs-questions.jsonl"


def test_project_question_set_meets_its_targets(library: Library):
    report = evaluate(library, load_items(OWN_QUESTIONS))
    assert report.answerable >= 15 and report.unanswerable >= 3
    assert report.passage_at_1 >= 0.9
    assert report.passage_at_3 >= 0.9
    assert report.answer >= 0.9
    assert report.false_refusals == 0
    assert report.refused_unanswerable == report.unanswerable
    assert report.verbatim_errors == 0


def test_scoring_notices_a_wrong_answer_and_a_wrong_refusal(library: Library, tmp_path: Path):
    items = tmp_path / "q.jsonl"
    items.write_text("\n".join(json.dumps(x) for x in [
        {"id": "a", "question": "How many officers has Kenya pledged to send?",
         "passage": ["600 more police officers"], "answer": ["9,999"]},
        {"id": "b", "question": "How many officers has Kenya pledged to send?", "answerable": False},
    ]))
    report = evaluate(library, load_items(items))
    assert [r.passage_at_1 for r in report.items] == [True, False]
    assert [r.answer for r in report.items] == [False, False]


def two_quote_answer(first: str, second: str) -> Answer:
    passage = f"{first} {second}"
    citation = Citation(n=1, source="s", title="S", path=Path("s.txt"), paragraph=1, start=0,
                        end=len(passage), passage=passage, score=1.0)
    return Answer(question="q", answered=True, text=passage, citations=[citation], quotes=[
        Quote(text=first, citation=1, start=0, end=len(first)),
        Quote(text=second, citation=1, start=len(first) + 1, end=len(passage)),
    ])


def test_answer_in_the_first_quote_is_scored_apart_from_the_other_quotes():
    item = EvalItem(id="x", question="How many officers?", passage=["officers"], answer=["600"])
    late = score(item, two_quote_answer("Kenya sent officers.", "It pledged 600 more."), [])
    early = score(item, two_quote_answer("It pledged 600 more officers.", "Kenya sent them."), [])
    assert (late.answer, late.answer_in_first_quote) == (True, False)
    assert (early.answer, early.answer_in_first_quote) == (True, True)


def test_report_gives_the_first_quote_score_and_a_line_per_kind(library: Library, tmp_path: Path):
    items = tmp_path / "q.jsonl"
    items.write_text("\n".join(json.dumps(x) for x in [
        {"id": "a", "kind": "news", "question": "How many officers has Kenya pledged to send?",
         "passage": ["600 more police officers"], "answer": ["600"]},
        {"id": "b", "kind": "recipes", "question": "What is the recipe for banana bread?", "answerable": False},
    ]))
    report = evaluate(library, load_items(items))
    assert [(k.kind, k.answerable, k.unanswerable) for k in report.kinds] == [("news", 1, 0), ("recipes", 0, 1)]
    assert report.kinds[0].answer_in_first_quote == report.answer_in_first_quote
    text = format_report(report)
    assert "answer in first quote" in text
    assert any(line.startswith("news ") for line in text.splitlines())


def test_documentation_question_set_is_well_formed():
    """Every answerable item says where its answer is; the set spans every kind of file."""
    items = load_items(DOCS_QUESTIONS)
    answerable = [item for item in items if item.answerable]
    assert len(answerable) >= 60 and len(items) - len(answerable) >= 15
    assert all(item.passage and item.answer for item in answerable)
    assert len({item.id for item in items}) == len(items)
    assert {item.kind for item in items} == {"html", "sphinx", "man", "pdf", "markdown"}


def test_documentation_library_never_uses_the_held_out_packages():
    from bench import debian_docs

    held_out = {"python3-doc", "git-doc", "vim-runtime", "gnuplot-doc", "bash-doc", "r-doc-pdf",
                "asymptote-doc", "libtasn1-doc", "nodejs-doc", "npm"}
    assert not held_out & set(debian_docs.PACKAGES)
    chosen = [str(path) for _, _, path in debian_docs.copied_files()] + [
        str(path) for path in [*debian_docs.SPHINX.values(), *debian_docs.PDFS.values(), *debian_docs.MARKDOWN.values()]]
    assert not [path for path in chosen if any(name in path for name in held_out)]


def test_broken_question_set_names_the_line(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x", "question": "ok?"}\nnot json\n')
    with pytest.raises(LibraryError, match="line 2"):
        load_items(path)


def test_squad_evaluation_runs_through_the_answer_path(tmp_path: Path):
    from qa import Settings
    from qa.squad import evaluate_squad

    squad = tmp_path / "tiny.json"
    squad.write_text(json.dumps({"data": [{"title": "Lighthouses", "paragraphs": [
        {"context": "The Eddystone Lighthouse stands on rocks south of Plymouth. It was rebuilt in 1882.",
         "qas": [{"id": "1", "question": "When was the Eddystone Lighthouse rebuilt?", "is_impossible": False,
                  "answers": [{"text": "1882", "answer_start": 80}]}]},
        {"context": "Keepers lived in the tower for weeks at a time, tending the lamp every night.",
         "qas": [{"id": "2", "question": "Who painted the Mona Lisa?", "is_impossible": True, "answers": []}]},
    ]}]}))
    report = evaluate_squad(squad, Settings())
    assert report.answerable == 1 and report.unanswerable == 1
    assert report.paragraph_at_1 == 1.0 and report.answer_in_first_quote == 1.0
    assert report.unanswerable_refused == 1.0 and report.false_refusals == 0
    assert [row.id for row in report.rows] == ["1", "2"] and report.rows[0].span == "1882"


def test_squad_articles_share_one_folder_unless_asked_per_article(tmp_path: Path):
    from qa import Settings
    from qa.squad import evaluate_squad

    def article(title: str, text: str, question: str, answer: str) -> dict:
        return {"title": title, "paragraphs": [{"context": text, "qas": [
            {"id": title, "question": question, "is_impossible": False,
             "answers": [{"text": answer, "answer_start": text.index(answer)}]}]}]}

    squad = tmp_path / "two.json"
    squad.write_text(json.dumps({"data": [
        article("Bridges", "The Tay Bridge fell in a storm in 1879.", "When did the bridge fall?", "1879"),
        article("Towers", "The old tower did not fall; its bridge to the keep fell in 1901.",
                "When did the tower's bridge fall?", "1901"),
    ]}))
    shared = evaluate_squad(squad, Settings())
    apart = evaluate_squad(squad, Settings(), per_article=True)
    assert shared.one_folder and not apart.one_folder
    # Alone with its article each question finds its paragraph; in one folder the first
    # competes with the other article's bridge.
    assert apart.paragraph_at_1 == 1.0
    assert {row.article for row in shared.rows} == {row.article for row in apart.rows}
