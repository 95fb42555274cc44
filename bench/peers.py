"""qa beside tantivy and bm25s on the same files: ingest, cold and warm questions, size, nDCG@10.

    python -m bench.peers                         # 10k and 100k chunks (about 15 minutes)
    python -m bench.peers --sizes 10000 --repeats 3

Libraries are `bench.scale`'s (sentences of SciFact and SQuAD recombined into news-length
files). qa indexes the files with `qa add`; tantivy (one stored id, one text field with its
`en_stem` analyser) and bm25s (PyStemmer's English stemmer, its English stop words, k1 1.2,
b 0.75) index each file's paragraphs after its headline, the passages qa's chunks are. Every
measurement alternates the engines, repetition by repetition, so the machine's load falls on
all of them alike:

- ingest: a new process per build; wall MB/s and CPU-seconds (its own and its children's) per MB;
- cold question: a new process that opens the index and answers one question (qa: `qa ask`,
  the whole answer; the peers: a script that opens the index and prints the ten best ids),
  against `python -c "import sqlite3"`;
- warm: p50/p95 of retrieval (qa: `Library.search`, ten best) and of qa's whole answer
  (`Library.ask`) in one process, over `bench.scale`'s questions;
- index size on disk, and SciFact nDCG@10 (`bench.beir`'s collection and scoring).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ENGINES = ("qa", "tantivy", "bm25s")

# The scripts a user of each peer would write to answer one question; run as `python -c`.
TANTIVY_ASK = """
import sys, tantivy
index = tantivy.Index.open(sys.argv[1])
query, _ = index.parse_query_lenient(sys.argv[2], ["body"])
searcher = index.searcher()
for score, address in searcher.search(query, 10).hits:
    print(searcher.doc(address)["id"][0], score)
"""
BM25S_ASK = """
import json, sys, bm25s, Stemmer
retriever = bm25s.BM25.load(sys.argv[1])
ids = json.loads(open(sys.argv[1] + "/ids.json").read())
query = bm25s.tokenize([sys.argv[2]], stopwords="en", stemmer=Stemmer.Stemmer("english").stemWords,
                       return_ids=False, show_progress=False)
documents, scores = retriever.retrieve(query, k=min(10, len(ids)), show_progress=False)
for document, score in zip(documents[0], scores[0]):
    print(ids[document], score)
"""
SQLITE_ONLY = "import sqlite3"


def passages(folder: Path) -> Iterator[tuple[str, str]]:
    """(id, text) of each paragraph after the headline of each file: the passages qa indexes."""
    for path in sorted(folder.iterdir()):
        paragraphs = path.read_text(encoding="utf-8").split("\n\n")[1:]
        for number, paragraph in enumerate(paragraphs, start=1):
            if paragraph.strip():
                yield f"{path.stem}#{number}", paragraph.strip()


# -- the peers -------------------------------------------------------------------------------

def _stemmer() -> Callable[[list[str]], list[str]]:
    import Stemmer

    return Stemmer.Stemmer("english").stemWords


def tantivy_build(documents: Iterator[tuple[str, str]], index_dir: Path) -> None:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("body", stored=False, tokenizer_name="en_stem")
    index_dir.mkdir(parents=True)
    index = tantivy.Index(builder.build(), path=str(index_dir))
    writer = index.writer()
    for doc_id, text in documents:
        writer.add_document(tantivy.Document(id=doc_id, body=text))
    writer.commit()
    writer.wait_merging_threads()


class TantivySearcher:
    def __init__(self, index_dir: Path) -> None:
        import tantivy

        self.index = tantivy.Index.open(str(index_dir))
        self.searcher = self.index.searcher()

    def top(self, question: str, k: int) -> list[str]:
        query, _ = self.index.parse_query_lenient(question, ["body"])
        return [self.searcher.doc(address)["id"][0] for _, address in self.searcher.search(query, k).hits]


def bm25s_build(documents: Iterator[tuple[str, str]], index_dir: Path) -> None:
    import bm25s

    ids, texts = zip(*documents)
    tokens = bm25s.tokenize(list(texts), stopwords="en", stemmer=_stemmer(), show_progress=False)
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index(tokens, show_progress=False)
    retriever.save(str(index_dir), show_progress=False)
    (index_dir / "ids.json").write_text(json.dumps(ids))


class Bm25sSearcher:
    def __init__(self, index_dir: Path) -> None:
        import bm25s

        self.bm25s = bm25s
        self.retriever = bm25s.BM25.load(str(index_dir))
        self.ids = json.loads((index_dir / "ids.json").read_text())
        self.stem = _stemmer()

    def top(self, question: str, k: int) -> list[str]:
        query = self.bm25s.tokenize([question], stopwords="en", stemmer=self.stem, return_ids=False,
                                    show_progress=False)
        documents, scores = self.retriever.retrieve(query, k=min(k, len(self.ids)), show_progress=False)
        return [self.ids[d] for d, s in zip(documents[0], scores[0]) if s > 0]


# -- measuring -------------------------------------------------------------------------------

def timed_process(command: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (the process and the children it waited for) of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"bench.peers: {' '.join(command[:4])}... failed:\n{done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def build_command(engine: str, files: Path, index: Path) -> list[str]:
    if engine == "qa":
        return [sys.executable, "-m", "qa", "--sources", str(index), "add", str(files)]
    return [sys.executable, "-m", "bench.peers", "--build", engine, str(files), str(index)]


def ask_command(engine: str, index: Path, question: str) -> list[str]:
    if engine == "qa":
        return [sys.executable, "-m", "qa", "--sources", str(index), "ask", question]
    if engine == "sqlite3":
        return [sys.executable, "-c", SQLITE_ONLY]
    return [sys.executable, "-c", TANTIVY_ASK if engine == "tantivy" else BM25S_ASK, str(index), question]


def disk_mb(folder: Path) -> float:
    if folder.is_file():
        return folder.stat().st_size / 1e6
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure_size(size: int, work: Path, repeats: int, cold_runs: int, questions: list[str],
                 pool: tuple[list[str], list[str]]) -> dict:
    from bench.scale import write_library
    from qa import Library

    files = work / f"files-{size}"
    text_mb = write_library(files, size, pool[0], pool[1], random.Random(size)) / 1e6
    chunks = sum(1 for _ in passages(files))
    builds: dict[str, list[tuple[float, float]]] = {engine: [] for engine in ENGINES}
    indexes = {engine: work / f"{engine}-{size}" for engine in ENGINES}
    for repeat in range(repeats):
        for engine in ENGINES:
            index = indexes[engine]
            subprocess.run(["rm", "-rf", str(index)], check=True)
            if engine == "qa":
                index.mkdir()
            builds[engine].append(timed_process(build_command(engine, files, index)))
            print(f"  {size:,} chunks, build {repeat + 1}/{repeats}, {engine}: "
                  f"{builds[engine][-1][0]:.1f} s", file=sys.stderr, flush=True)
    sizes = {engine: disk_mb(indexes[engine] / ".qa" if engine == "qa" else indexes[engine])
             for engine in ENGINES}

    colds: dict[str, list[float]] = {engine: [] for engine in ("sqlite3", *ENGINES)}
    for run in range(cold_runs):
        for engine in colds:
            colds[engine].append(timed_process(ask_command(engine, indexes.get(engine, work),
                                                           questions[run]))[0])

    library = Library.open(indexes["qa"])
    searchers = {"qa": lambda question, k: [hit.source for hit in library.search(question, k)],
                 "tantivy": TantivySearcher(indexes["tantivy"]).top,
                 "bm25s": Bm25sSearcher(indexes["bm25s"]).top}
    for question in questions[:20]:  # warm the caches a long-running process has
        library.ask(question)
        for top in searchers.values():
            top(question, 10)
    retrieval: dict[str, list[float]] = {engine: [] for engine in ENGINES}
    answers: list[float] = []
    for question in questions:
        for engine, top in searchers.items():
            started = time.perf_counter()
            top(question, 10)
            retrieval[engine].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        library.ask(question)
        answers.append((time.perf_counter() - started) * 1000)
    return {"size": size, "chunks": chunks, "text_mb": text_mb, "builds": builds, "disk": sizes,
            "colds": colds, "retrieval": retrieval, "answers": answers}


def scifact_ndcg(collection: Path, work: Path) -> dict[str, float]:
    """nDCG@10 on a BEIR collection: qa through `bench.beir`, the peers over the same
    passages (title and text as one line)."""
    from bench import beir

    corpus = beir.read_jsonl(collection / "corpus.jsonl")
    queries = {q["_id"]: q["text"] for q in beir.read_jsonl(collection / "queries.jsonl")}
    qrels = beir.read_qrels(collection / "qrels" / "test.tsv")
    documents = [(doc["_id"], beir.passage(doc)) for doc in corpus]
    library, ids = beir.library_of(corpus, work / "scifact-qa")
    _, ndcgs, _, _ = beir.rank_all(library, ids, queries, qrels)
    results = {"qa": statistics.mean(ndcgs)}
    tantivy_build(iter(documents), work / "scifact-tantivy")
    bm25s_build(iter(documents), work / "scifact-bm25s")
    for engine, top in (("tantivy", TantivySearcher(work / "scifact-tantivy").top),
                        ("bm25s", Bm25sSearcher(work / "scifact-bm25s").top)):
        results[engine] = statistics.mean(beir.ndcg_at(top(queries[q], 10), qrels[q]) for q in qrels)
    return results


def report(r: dict) -> None:
    print(f"== {r['chunks']:,} passages, {r['text_mb']:.1f} MB of text in {r['size'] // 10:,} files")
    print(f"{'':24}" + "".join(f"{engine:>22}" for engine in ENGINES))

    def row(label: str, cell: Callable[[str], str]) -> None:
        print(f"{label:24}" + "".join(f"{cell(engine):>22}" for engine in ENGINES))

    def span(values: list[float], unit: str, digits: int = 2) -> str:
        low, high = min(values), max(values)
        return f"{low:.{digits}f}{unit}" if len(values) == 1 else f"{low:.{digits}f}–{high:.{digits}f}{unit}"

    row("ingest MB/s", lambda e: span([r["text_mb"] / wall for wall, _ in r["builds"][e]], ""))
    row("ingest CPU-s per MB", lambda e: span([cpu / r["text_mb"] for _, cpu in r["builds"][e]], ""))
    row("cold question (median)", lambda e: f"{statistics.median(r['colds'][e]):.2f} s")
    print(f"{'':24}(`python -c \"import sqlite3\"`: {statistics.median(r['colds']['sqlite3']):.2f} s; "
          f"{len(r['colds']['qa'])} runs each; qa's is `qa ask`, the whole answer)")
    row("warm retrieval p50/p95", lambda e: f"{statistics.median(r['retrieval'][e]):.1f}/"
                                           f"{percentile(r['retrieval'][e], 0.95):.1f} ms")
    row("warm whole answer p50/p95", lambda e: f"{statistics.median(r['answers']):.1f}/"
                                               f"{percentile(r['answers'], 0.95):.1f} ms" if e == "qa" else "–")
    row("index on disk", lambda e: f"{r['disk'][e]:.1f} MB")
    print(flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="library sizes in passages (default: 10000 100000)")
    parser.add_argument("--repeats", type=int, default=2, help="builds per engine and size (default 2)")
    parser.add_argument("--cold-runs", type=int, default=5, help="cold questions per engine (default 5)")
    parser.add_argument("--questions", type=int, default=200, help="warm questions (default 200)")
    parser.add_argument("--scifact", type=Path, default=None,
                        help="a BEIR collection for nDCG@10 (default ../shared/bench/scifact; "
                             "skipped when absent)")
    parser.add_argument("--build", nargs=3, metavar=("ENGINE", "FILES", "INDEX"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:  # one build in its own process, timed by the parent
        engine, files, index = args.build
        (tantivy_build if engine == "tantivy" else bm25s_build)(passages(Path(files)), Path(index))
        return 0
    from bench.scale import SHARED, sentence_pool

    if not (SHARED / "scifact" / "corpus.jsonl").exists():
        print(f"bench.peers: no benchmark data in {SHARED}; skipped.", file=sys.stderr)
        return 0
    sentences, headlines, questions = sentence_pool()
    questions = random.Random(7).sample(questions, min(len(questions), args.questions))
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"{os.cpu_count()} cores; {len(questions)} questions\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="qa-peers-") as folder:
        work = Path(folder)
        for size in args.sizes:
            report(measure_size(size, work, args.repeats, args.cold_runs, questions, (sentences, headlines)))
        collection = args.scifact or SHARED / "scifact"
        if (collection / "qrels" / "test.tsv").exists():
            ndcg = scifact_ndcg(collection, work)
            print("SciFact nDCG@10         " + "".join(f"{ndcg[e]:>22.4f}" for e in ENGINES))
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
