"""How the library scales: build, reopen, answer, add, remove, memory and disk at 10k–1M chunks.

    python -m bench.scale                  # about 10k and 100k chunks
    python -m bench.scale --sizes 1000000  # the 1M-chunk library (a long run: tens of minutes)

Libraries are made of real text: sentences of the BEIR SciFact abstracts and of the SQuAD
paragraphs in ../shared/bench, recombined into news-length files (a headline, then
paragraphs of two to four sentences). In the same run, on the same chunks and terms, it times
rank-bm25's ``get_scores`` and bm25s (method "robertson", the nearest to Okapi) against our
scorer, and counts the questions whose top 10 differ from rank-bm25's. Prints medians.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from qa import Library, Settings
from qa.models import AddProgress

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "bench"
CHUNKS_PER_FILE = 10  # one paragraph is one chunk: the files below have about ten
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def sentence_pool() -> tuple[list[str], list[str], list[str]]:
    """Sentences, headlines and questions from the shared benchmark data."""
    sentences, headlines, questions = [], [], []
    with (SHARED / "scifact" / "corpus.jsonl").open(encoding="utf-8") as file:
        for line in file:
            doc = json.loads(line)
            headlines.append(doc["title"].rstrip("."))
            sentences += [s for s in _SENTENCE_END.split(doc["text"]) if 4 <= len(s.split()) <= 45]
    with (SHARED / "scifact" / "queries.jsonl").open(encoding="utf-8") as file:
        questions += [json.loads(line)["text"] for line in file][:150]
    for name in ("squad-dev.json", "squad-normans.json"):
        data = json.loads((SHARED / name).read_text(encoding="utf-8"))["data"]
        for article in data:
            for paragraph in article["paragraphs"]:
                sentences += [s for s in _SENTENCE_END.split(" ".join(paragraph["context"].split()))
                              if 4 <= len(s.split()) <= 45]
                questions += [qa["question"] for qa in paragraph["qas"][:1]]
    return sentences, headlines, questions


def misspelled_questions(sentences: list[str], rng: random.Random, count: int) -> list[str]:
    """"What is known about Normnady?": a name from the text with one letter changed."""
    names = sorted({w for s in sentences[:20000] for w in re.findall(r"\b[A-Z][a-z]{5,}\b", s[1:])})
    questions = []
    for name in rng.sample(names, count):
        i = rng.randrange(1, len(name) - 1)
        questions.append(f"What is known about {name[:i] + name[i + 1] + name[i] + name[i + 2:]}?")
    return questions


def write_library(folder: Path, chunks: int, pool: list[str], headlines: list[str],
                  rng: random.Random) -> int:
    folder.mkdir(parents=True)
    written = 0
    for number in range(max(1, chunks // CHUNKS_PER_FILE)):
        paragraphs = [" ".join(rng.sample(pool, rng.randint(2, 4)))
                      for _ in range(rng.randint(CHUNKS_PER_FILE - 4, CHUNKS_PER_FILE + 4))]
        text = rng.choice(headlines) + "\n\n" + "\n\n".join(paragraphs) + "\n"
        (folder / f"article-{number:07d}.txt").write_text(text, encoding="utf-8")
        written += len(text.encode())
    return written


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_qa(*args: str) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "qa", *args], capture_output=True, text=True)
    return time.perf_counter() - started, done


def cold_ask(library: Path, question: str) -> tuple[float, float | None]:
    """Wall time of a new `qa ask` process, and its peak memory in MB.

    The peak comes from /usr/bin/time (wait4 on its own child): a child's own ru_maxrss
    would include the memory of this process, which Linux carries across fork and exec.
    """
    timer = shutil.which("time") or "/usr/bin/time"
    command = [sys.executable, "-m", "qa", "--sources", str(library), "ask", question]
    measured = Path(timer).exists()
    started = time.perf_counter()
    done = subprocess.run(([timer, "-f", "%M"] if measured else []) + command,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak = float(done.stderr.strip().splitlines()[-1]) / 1024 if measured else None
    return seconds, peak


def compare_scorers(library: Library, questions: list[str], rank_bm25_questions: int) -> dict:
    """Ours, rank-bm25 and bm25s on the same chunks and terms; top-10 agreement with rank-bm25."""
    import bm25s
    from rank_bm25 import BM25Okapi

    from qa.chunking import chunk_counts

    store = library._store
    rows = store._connection.execute("SELECT id, text, section FROM chunks ORDER BY id").fetchall()
    ids = np.array([row[0] for row in rows])
    corpus = [[term for term, n in chunk_counts(text, section)[0].items() for _ in range(n)]
              for _, text, section in rows]
    reader = library._answerer.reader
    queries = [q.weights for q in map(reader.read, questions) if q.weights]
    results = {}

    started = time.perf_counter()
    for weights in queries:
        library._index.top(weights, 10)
    results["ours"] = (time.perf_counter() - started) / len(queries)

    retriever = bm25s.BM25(method="robertson", k1=library.settings.k1, b=library.settings.b)
    retriever.index(corpus, show_progress=False)
    started = time.perf_counter()
    for weights in queries:
        scores = retriever.get_scores(list(weights))
        np.argpartition(-scores, min(10, len(scores) - 1))[:10]
    results["bm25s"] = (time.perf_counter() - started) / len(queries)

    sample = queries[:rank_bm25_questions]
    model = BM25Okapi(corpus, k1=library.settings.k1, b=library.settings.b)
    n = len(corpus)
    for term, idf in model.idf.items():  # the project's rule for non-positive Okapi idf
        if idf <= 0:
            df = sum(term in doc for doc in model.doc_freqs)
            model.idf[term] = float(np.log(1 + (n - df + 0.5) / (df + 0.5)))
    differ = 0
    started = time.perf_counter()
    expected_tops = []
    for weights in sample:
        scores = sum(w * model.get_scores([t]) for t, w in weights.items())
        expected_tops.append(scores)
    results["rank_bm25"] = (time.perf_counter() - started) / max(1, len(sample))
    for weights, scores in zip(sample, expected_tops):
        order = np.argsort(-scores, kind="stable")
        expected = [(int(ids[i]), float(scores[i])) for i in order[:11] if scores[i] > 0]
        ours = [(hit.chunk, hit.score) for hit in library._index.top(weights, 10)]
        same_scores = np.allclose([s for _, s in ours], [s for _, s in expected[:10]], rtol=1e-9)
        boundary_tie = len(expected) > 10 and np.isclose(expected[9][1], expected[10][1])
        same_ids = boundary_tie or {c for c, _ in ours} == {c for c, _ in expected[:10]}
        differ += not (same_scores and same_ids)
    results["differ"] = differ
    results["compared"] = len(sample)
    return results


def measure(size: int, sentences: list[str], headlines: list[str], questions: list[str],
            rng: random.Random, rank_bm25_questions: int, keep: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="qa-scale-") as work:
        staging = Path(work) / "staging"
        folder = keep / f"library-{size}" if keep else Path(work) / "library"
        text_bytes = write_library(staging, size, sentences, headlines, rng)
        rates = BuildRates()
        started = time.perf_counter()
        library = Library.open(folder, Settings(), create=True)
        library.add([staging], progress=rates.update)
        build = time.perf_counter() - started
        build_peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                         resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        shutil.rmtree(staging)
        figures = measure_library(folder, questions, Path(work), rank_bm25_questions)
    return {"text_mb": text_bytes / 1e6, "build_s": build, "build_mb_s": text_bytes / 1e6 / build,
            "build_peak_mb": build_peak, "build_rates": rates.rates, **figures}


class BuildRates:
    """MB/s over each tenth of a build, to show whether adding slows as the library grows."""

    def __init__(self) -> None:
        self.rates: list[float] = []
        self.mark = (time.perf_counter(), 0)

    def update(self, progress: AddProgress) -> None:
        tenth = progress.bytes_total / 10
        if progress.bytes_done >= (len(self.rates) + 1) * tenth > 0:
            now = time.perf_counter()
            self.rates.append((progress.bytes_done - self.mark[1]) / 1e6 / (now - self.mark[0]))
            self.mark = (now, progress.bytes_done)
            print(f"  built {progress.files_done:,} of {progress.files_total:,} files: "
                  f"{self.rates[-1]:.2f} MB/s in this tenth", file=sys.stderr, flush=True)


def measure_library(folder: Path, questions: list[str], work: Path, rank_bm25_questions: int) -> dict:
    """Everything but the build, on a library that exists: reopen, answer, add, remove, disk, scorers."""
    chunks = sum(source.chunks for source in Library.open(folder).sources)
    colds = [cold_ask(folder, questions[i]) for i in range(3)]
    library = Library.open(folder)
    for question in questions[:20]:  # warm the caches a long-running process would have
        library.ask(question)
    latencies = []
    for question in questions:
        started = time.perf_counter()
        library.ask(question)
        latencies.append((time.perf_counter() - started) * 1000)
    adds, removes = [], []
    names = sorted(source.id for source in library.sources  # ids keep the folder added: staging/…
                   if source.id.rsplit("/", 1)[-1].startswith("article-"))[:3]
    for i, name in enumerate(names):
        small = work / f"small-{i}.txt"
        small.write_text(f"Small note {i}\n\nA short paragraph about otters number {i}.\n")
        seconds, done = run_qa("--sources", str(folder), "add", str(small))
        assert done.returncode == 0, done.stderr
        adds.append(seconds)
        seconds, done = run_qa("--sources", str(folder), "remove", name)
        assert done.returncode == 0, done.stderr
        removes.append(seconds)
    disk = sum(p.stat().st_size for p in (folder / ".qa").iterdir() if p.is_file())
    scorers = compare_scorers(Library.open(folder), questions, rank_bm25_questions) \
        if rank_bm25_questions else {}
    return {
        "chunks": chunks, "cold_ask_s": statistics.median(c[0] for c in colds),
        "ask_peak_mb": max((c[1] for c in colds if c[1] is not None), default=float("nan")),
        "p50_ms": statistics.median(latencies), "p95_ms": percentile(latencies, 0.95),
        "questions": len(latencies), "add_one_s": statistics.median(adds),
        "remove_one_s": statistics.median(removes), "index_mb": disk / 1e6, **scorers,
    }


def bare_imports() -> float:
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import nltk, rank_bm25, pydantic"], check=True)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="library sizes in chunks (default: 10000 100000)")
    parser.add_argument("--rank-bm25-questions", type=int, default=100,
                        help="questions scored by rank-bm25 too (it is slow on big libraries); "
                             "0 skips the comparison of scorers")
    parser.add_argument("--existing", type=Path, metavar="LIBRARY",
                        help="measure a library already built (no build; it is changed by the "
                             "add and remove measurements)")
    parser.add_argument("--keep", type=Path, metavar="FOLDER",
                        help="build the libraries in FOLDER/library-SIZE and keep them "
                             "(for --existing later)")
    args = parser.parse_args(argv)
    if not (SHARED / "scifact" / "corpus.jsonl").exists():
        print(f"bench.scale: no benchmark data in {SHARED}; skipped.", file=sys.stderr)
        return 0
    rng = random.Random(7)
    sentences, headlines, questions = sentence_pool()
    questions = rng.sample(questions, min(len(questions), 200)) + misspelled_questions(sentences, rng, 30)
    print(f"bare `python -c 'import nltk, rank_bm25, pydantic'`: {bare_imports():.2f} s (median of 5)")
    print(f"{len(questions)} questions ({len(sentences)} sentences in the pool)\n")
    if args.existing:
        with tempfile.TemporaryDirectory(prefix="qa-scale-") as work:
            runs = [measure_library(args.existing, questions, Path(work), args.rank_bm25_questions)]
    else:
        runs = (measure(size, sentences, headlines, questions, rng, args.rank_bm25_questions, args.keep)
                for size in args.sizes)
    for r in runs:
        report(r)
    return 0


def report(r: dict) -> None:
    if "build_s" in r:
        print(f"== {r['chunks']:,} chunks ({r['text_mb']:.0f} MB of text)")
        print(f"build (qa add of a folder)   {r['build_s']:.1f} s, {r['build_mb_s']:.2f} MB/s, "
              f"peak memory {r['build_peak_mb']:.0f} MB")
        print("build rate by tenths (MB/s)  " + " ".join(f"{rate:.2f}" for rate in r["build_rates"]))
    else:
        print(f"== {r['chunks']:,} chunks (a library already built)")
    print(f"cold `qa ask`                {r['cold_ask_s']:.2f} s (median of 3), "
          f"peak memory {r['ask_peak_mb']:.0f} MB")
    print(f"warm answer                  p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms "
          f"({r['questions']} questions)")
    print(f"`qa add` one small file      {r['add_one_s']:.2f} s (median of 3, whole process)")
    print(f"`qa remove` one source       {r['remove_one_s']:.2f} s (median of 3, whole process)")
    print(f"index on disk                {r['index_mb']:.0f} MB")
    if "ours" not in r:
        print()
        return
    print(f"scoring per question         ours {r['ours'] * 1000:.2f} ms, bm25s {r['bm25s'] * 1000:.2f} ms, "
          f"rank-bm25 {r['rank_bm25'] * 1000:.1f} ms  (rank-bm25/ours {r['rank_bm25'] / r['ours']:.0f}×, "
          f"bm25s/ours {r['bm25s'] / r['ours']:.2f}×)")
    print(f"top 10 differing from rank-bm25: {r['differ']} of {r['compared']} questions\n", flush=True)


if __name__ == "__main__":
    sys.exit(main())
