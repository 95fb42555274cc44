import json
from pathlib import Path

import pytest

from bench import beir


def test_ndcg_uses_linear_gain_and_the_ideal_ranking():
    assert beir.ndcg_at(["a", "b"], {"a": 1}) == 1.0
    assert abs(beir.ndcg_at(["x", "a"], {"a": 1}) - 1 / 1.584962500721156) < 1e-9
    assert beir.recall_at(["x", "a"], {"a": 1, "b": 1}) == 0.5


def test_beir_run_file_on_a_tiny_collection(tmp_path: Path, capsys):
    (tmp_path / "qrels").mkdir()
    docs = [{"_id": "d1", "title": "Vitamin D", "text": "Vitamin D lowers fracture risk in adults."},
            {"_id": "d2", "title": "Sleep", "text": "Short sleep raises blood pressure."},
            {"_id": "d3", "title": "Coffee", "text": "Coffee drinking and liver health."}]
    (tmp_path / "corpus.jsonl").write_text("\n".join(json.dumps(d) for d in docs))
    (tmp_path / "queries.jsonl").write_text(json.dumps({"_id": "q1", "text": "vitamin D and fractures"}))
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\n")
    run = tmp_path / "run.trec"
    assert beir.main([str(tmp_path), "--run", str(run)]) == 0
    first = run.read_text().splitlines()[0].split()
    assert first[:4] == ["q1", "Q0", "d1", "1"]
    assert "nDCG@10      1.0000" in capsys.readouterr().out


def test_missing_collection_skips_cleanly(tmp_path: Path):
    assert beir.main([str(tmp_path / "absent")]) == 0


def test_the_peers_index_the_same_passages_and_find_them(tmp_path: Path):
    pytest.importorskip("tantivy")
    pytest.importorskip("bm25s")
    from bench import peers

    files = tmp_path / "files"
    files.mkdir()
    (files / "a.txt").write_text("Ravens\n\nRavens nest on cliffs.\n\nThey eat carrion.\n")
    (files / "b.txt").write_text("Herons\n\nHerons wade in the reeds to catch fish.\n")
    assert [doc_id for doc_id, _ in peers.passages(files)] == ["a#1", "a#2", "b#1"]
    peers.tantivy_build(peers.passages(files), tmp_path / "tantivy")
    peers.bm25s_build(peers.passages(files), tmp_path / "bm25s")
    for searcher in (peers.TantivySearcher(tmp_path / "tantivy"), peers.Bm25sSearcher(tmp_path / "bm25s")):
        assert searcher.top("Where do herons catch fish?", 2)[0] == "b#1"
