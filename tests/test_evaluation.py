import json
from pathlib import Path

import pytest

from qa import Library, LibraryError
from qa.evaluation import evaluate, load_items
from conftest import REPO

OWN_QUESTIONS = REPO / "eval" / "questions.jsonl"


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
    assert report.unanswerable_refused == 1.0
