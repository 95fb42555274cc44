"""Speed of the app on the bundled articles: answer latency, cold `qa ask`, index build and reload.

    python -m bench.speed

Prints medians over several runs (timings on a shared machine are noisy).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qa import Library

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "How many officers has Kenya pledged to send?", "How many people have been displaced?",
    "When was the MSS authorized?", "Who is the main sponsor of the deployment?",
    "What equipment does the mission need?", "Who won the 2022 World Cup?",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        sources = Path(folder) / "sources"
        shutil.copytree(REPO / "sources", sources, ignore=shutil.ignore_patterns(".qa"))
        builds, reloads = [], []
        for _ in range(5):
            shutil.rmtree(sources / ".qa", ignore_errors=True)
            started = time.perf_counter()
            Library.open(sources)
            builds.append(time.perf_counter() - started)
            started = time.perf_counter()
            library = Library.open(sources)
            reloads.append(time.perf_counter() - started)
        latencies = []
        for _ in range(50):
            for question in QUESTIONS:
                started = time.perf_counter()
                library.ask(question)
                latencies.append((time.perf_counter() - started) * 1000)
        colds = []
        for _ in range(7):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "qa", "--sources", str(sources), "ask", QUESTIONS[0]],
                           check=True, capture_output=True)
            colds.append(time.perf_counter() - started)
    print(f"answer latency in-process  p50 {statistics.median(latencies):.2f} ms   "
          f"p95 {percentile(latencies, 0.95):.2f} ms   ({len(latencies)} questions)")
    print(f"cold `qa ask` wall time    median {statistics.median(colds):.2f} s   (7 runs)")
    print(f"index build (2 articles)   median {statistics.median(builds) * 1000:.0f} ms   (5 runs)")
    print(f"index reload from disk     median {statistics.median(reloads) * 1000:.0f} ms   (5 runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
