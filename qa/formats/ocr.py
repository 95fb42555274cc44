"""Text of scanned PDF pages, read by Tesseract: each page rendered by PDFium, its lines recognised.

The page is rendered at 300 dpi in grey and handed to the `tesseract` command on its standard
input (a PGM image: no temporary file, no imaging library); its TSV output gives each word with
its box, grouped into lines. A line becomes a `pdf.Line` in the page's own coordinates, so the
PDF reader joins lines into paragraphs, drops running headers and finds headings as it does for
a text layer, and each paragraph is cited by its page.

pytesseract runs the same program the same way (through a temporary PNG made with Pillow);
ocrmypdf writes a new PDF with a text layer and needs Ghostscript and pikepdf besides.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess

import pypdfium2 as pdfium

from qa.errors import SourceError

DPI = 300
# One page of a scan takes a few seconds; a page that takes this long is not going to finish.
PAGE_TIMEOUT_SECONDS = 120
INSTALL_HINT = "sudo apt install tesseract-ocr"


def tesseract() -> str | None:
    """The `tesseract` program on the PATH, if it is installed."""
    return shutil.which("tesseract")


def page_lines(document: pdfium.PdfDocument, index: int, name: str) -> list:
    """The recognised lines of page ``index`` (0-based) as `qa.formats.pdf.Line`s, in reading order."""
    from qa.formats.pdf import Line

    program = tesseract()
    if program is None:
        raise SourceError(f"{name} has no text layer (it looks like a scan) and reading it needs Tesseract, "
                          f"which is not installed ({INSTALL_HINT}).")
    page = document[index]
    try:
        height_points = page.get_height()
        scale = DPI / 72
        bitmap = page.render(scale=scale, grayscale=True)
        pixels = bitmap.to_numpy()
    finally:
        page.close()
    rows, columns = pixels.shape[:2]
    image = f"P5 {columns} {rows} 255\n".encode() + pixels.reshape(rows, columns).tobytes()
    try:
        # One thread: `qa add` already runs a worker per core.
        result = subprocess.run([program, "stdin", "stdout", "--dpi", str(DPI), "-l", "eng", "tsv"], input=image,
                                capture_output=True, timeout=PAGE_TIMEOUT_SECONDS,
                                env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    except subprocess.TimeoutExpired:
        raise SourceError(f"{name}: Tesseract took over {PAGE_TIMEOUT_SECONDS} s to read page {index + 1}.") from None
    except OSError as error:
        raise SourceError(f"{name}: Tesseract could not be run ({error.strerror or error}).") from None
    if result.returncode != 0:
        said = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SourceError(f"{name}: Tesseract could not read page {index + 1} ({said[-1] if said else 'no reason given'}).")
    words: dict[tuple[str, str, str], list[tuple[int, int, int, int, str]]] = {}
    for row in result.stdout.decode("utf-8", "replace").splitlines()[1:]:
        fields = row.split("\t")
        if len(fields) != 12 or fields[0] != "5" or not fields[11].strip():
            continue
        left, top, width, height = (int(value) for value in fields[6:10])
        words.setdefault((fields[2], fields[3], fields[4]), []).append((left, top, width, height, fields[11].strip()))
    lines = []
    for line_words in words.values():
        left = min(word[0] for word in line_words)
        right = max(word[0] + word[2] for word in line_words)
        top = min(word[1] for word in line_words)
        bottom = max(word[1] + word[3] for word in line_words)
        # The type size, from the tallest words (a line of x-height letters is shorter): whole points,
        # so that lines of one paragraph agree and the body's size is the most common one.
        size = round(statistics.median(sorted(word[3] for word in line_words)[len(line_words) // 2:]) / scale)
        lines.append(Line(page=index + 1, text=" ".join(word[4] for word in line_words), left=left / scale,
                          right=right / scale, top=height_points - top / scale, bottom=height_points - bottom / scale,
                          size=float(size)))
    return lines  # in Tesseract's reading order: block by block, a column at a time
