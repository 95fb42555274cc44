"""Extraction speed per format, and PDFium against pdfminer.six on the same report.

    python -m bench.formats [--pages 150]

Every document is generated (bench.documents), so the run needs nothing downloaded. Speed is
the median of three loads through `qa.sources.load`: pages/s for PDF, MB/s of file for the
rest. The PDF comparison also scores text quality: of the report's paragraphs, how many come
out whole and exact; how many running-header lines and words broken at line ends remain.
pdfminer.six is optional (`pip install -e ".[bench]"`); without it that row is skipped.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pypdfium2 as pdfium

from bench.documents import (
    FIELD_GUIDE_MD, news_page, paragraphs, report_csv, report_mbox, report_odt, report_pdf, report_rst, report_rtf,
    write_docx, write_epub, write_pptx,
)
from qa.sources import load

HEADER = "Fisheries Annual Report"


def timed(action: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sections(count: int, per_section: int, seed: int = 7) -> list[tuple[str, list[str]]]:
    return [(f"Section {n}", paragraphs(per_section, seed=seed + n)) for n in range(1, count + 1)]


def make_documents(folder: Path, pages: int) -> tuple[dict[str, Path], list[tuple[str, list[str]]]]:
    report = sections(pages // 2, 8)
    files = {
        "pdf": folder / "report.pdf", "docx": folder / "report.docx", "epub": folder / "book.epub",
        "html": folder / "page.html", "md": folder / "notes.md", "txt": folder / "notes.txt",
    }
    files["pdf"].write_bytes(report_pdf(report, header=HEADER))
    write_docx(files["docx"], report, "Report")
    write_epub(files["epub"], report, "Book")
    files["html"].write_text(news_page("Headline", [p for _, body in report[:40] for p in body]))
    files["md"].write_text("\n".join([FIELD_GUIDE_MD] + [f"## {h}\n\n" + "\n\n".join(b) for h, b in report]))
    files["txt"].write_text("Notes\n\n" + "\n\n".join(p for _, body in report for p in body))
    more = {"rst": folder / "report.rst", "odt": folder / "report.odt", "csv": folder / "findings.csv",
            "pptx": folder / "slides.pptx", "mbox": folder / "list.mbox", "rtf": folder / "report.rtf"}
    more["rst"].write_text(report_rst(report, "Report"))
    more["odt"].write_bytes(report_odt(report, "Report"))
    more["csv"].write_text(report_csv(report))
    write_pptx(more["pptx"], report, "Report")
    more["mbox"].write_bytes(report_mbox(report))
    more["rtf"].write_text(report_rtf(report, "Report"))
    return {**files, **more}, report


def _exact_share(found: Sequence[str], expected: Sequence[str]) -> float:
    wanted = set(expected)
    return sum(1 for paragraph in found if paragraph in wanted) / len(expected)


def compare_pdf(path: Path, report: list[tuple[str, list[str]]], pages: int) -> list[str]:
    expected = [p for _, body in report for p in body]
    rows = [f"{'PDF extractor':34} {'pages/s':>8} {'exact paragraphs':>17} {'headers left':>13} {'broken words':>13}"]

    def row(name: str, seconds: float, text: str, found: Sequence[str]) -> str:
        broken = len(re.findall(r"[a-z]-\s*\n\s*[a-z]", text))
        return (f"{name:34} {pages / seconds:8.0f} {_exact_share(found, expected):17.0%} "
                f"{text.count(HEADER):13d} {broken:13d}")

    def raw_pdfium() -> str:
        document = pdfium.PdfDocument(path)
        try:
            return "\n".join(page.get_textpage().get_text_range() for page in document)
        finally:
            document.close()

    raw = raw_pdfium()
    rows.append(row("pypdfium2, raw page text", timed(raw_pdfium), raw,
                    [" ".join(block.split()) for block in raw.split("\n\n")]))
    loaded = load(path)
    rows.append(row("qa (pypdfium2 + paragraphs)", timed(lambda: load(path)), loaded.text,
                    [loaded.text[p.start:p.end] for p in loaded.paragraphs]))
    try:
        from pdfminer.high_level import extract_text
    except ImportError:
        rows.append("pdfminer.six                       (not installed: pip install -e '.[bench]')")
        return rows
    mined = extract_text(str(path))
    rows.append(row("pdfminer.six extract_text", timed(lambda: extract_text(str(path)), runs=1), mined,
                    [" ".join(block.split()) for block in mined.split("\n\n")]))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.formats", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=150, help="length of the generated PDF report")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        files, report = make_documents(Path(temporary), args.pages)
        page_count = len(pdfium.PdfDocument(files["pdf"]))
        print(f"{'format':8} {'file':>10} {'paragraphs':>11} {'median load':>12} {'speed':>14}")
        for name, path in files.items():
            seconds = timed(lambda: load(path))
            size = path.stat().st_size
            speed = f"{page_count / seconds:8.0f} pages/s" if name == "pdf" else f"{size / 1e6 / seconds:9.1f} MB/s"
            print(f"{name:8} {size / 1e6:8.2f}MB {len(load(path).paragraphs):11d} {seconds * 1000:9.0f} ms {speed:>14}")
        print()
        print("\n".join(compare_pdf(files["pdf"], report, page_count)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
