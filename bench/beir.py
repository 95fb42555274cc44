"""Retrieval benchmark on a BEIR collection with the app's own analysis and BM25 settings.

    python -m bench.beir ../shared/bench/scifact --run runs/scifact.trec

Each document is one source file of one passage (title + text), indexed and ranked through
`Library` like any other folder. Prints nDCG@10 (trec_eval's linear gain), Recall@100,
queries per second and index time, and writes a TREC run file.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

from qa import Library, Settings
from qa.files import atomic_write

DEPTH = 100


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        query, doc, score = line.split("\t")
        qrels.setdefault(query, {})[doc] = int(score)
    return qrels


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    dcg = sum(relevant.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(relevant.values(), reverse=True)[:k]))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: list[str], relevant: dict[str, int], k: int = DEPTH) -> float:
    wanted = {d for d, g in relevant.items() if g > 0}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


# One passage per document, as BEIR scores documents: no paragraph is split into windows.
SETTINGS = Settings(chunk_max_words=1_000_000)


def passage(doc: dict) -> str:
    """A document as one line: the title is indexed with the text, not taken as a headline."""
    return " ".join(f"{doc.get('title', '')} {doc['text']}".split())


def library_of(corpus: list[dict], folder: Path) -> tuple[Library, dict[str, str]]:
    """A library of one file per document, and file id → document id."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, doc in enumerate(corpus):
        (folder / f"d{number}.txt").write_text(passage(doc) + "\n", encoding="utf-8")
    return Library.open(folder, SETTINGS), {f"d{number}": doc["_id"] for number, doc in enumerate(corpus)}


def rank_all(library: Library, ids: dict[str, str], queries: dict[str, str],
             qrels: dict[str, dict[str, int]]) -> tuple[list[str], list[float], list[float], float]:
    started = time.perf_counter()
    run_lines, ndcgs, recalls = [], [], []
    for query_id in qrels:
        ranked = [(ids[hit.source], hit.score) for hit in library.search(queries[query_id], DEPTH)]
        run_lines += [f"{query_id} Q0 {doc} {rank} {score:.4f} qa-bm25"
                      for rank, (doc, score) in enumerate(ranked, start=1)]
        ndcgs.append(ndcg_at([d for d, _ in ranked], qrels[query_id]))
        recalls.append(recall_at([d for d, _ in ranked], qrels[query_id]))
    return run_lines, ndcgs, recalls, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("collection", type=Path)
    parser.add_argument("--run", type=Path, help="where to write the TREC run file")
    args = parser.parse_args(argv)
    if not (args.collection / "corpus.jsonl").exists():
        print(f"bench.beir: no BEIR collection at {args.collection}; skipped.", file=sys.stderr)
        return 0
    settings = SETTINGS
    corpus = read_jsonl(args.collection / "corpus.jsonl")
    queries = {q["_id"]: q["text"] for q in read_jsonl(args.collection / "queries.jsonl")}
    qrels = read_qrels(args.collection / "qrels" / "test.tsv")

    with tempfile.TemporaryDirectory(prefix="qa-beir-") as folder:
        started = time.perf_counter()
        library, ids = library_of(corpus, Path(folder))
        index_seconds = time.perf_counter() - started
        run_lines, ndcgs, recalls, query_seconds = rank_all(library, ids, queries, qrels)

    if args.run:
        args.run.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(args.run, ("\n".join(run_lines) + "\n").encode())
    print(f"collection   {args.collection.name}: {len(corpus)} documents, {len(ndcgs)} queries")
    print(f"settings     BM25 {settings.bm25_variant} k1={settings.k1} b={settings.b}")
    print(f"nDCG@10      {sum(ndcgs) / len(ndcgs):.4f}")
    print(f"Recall@100   {sum(recalls) / len(recalls):.4f}")
    print(f"queries/s    {len(ndcgs) / query_seconds:.1f}")
    print(f"index time   {index_seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
