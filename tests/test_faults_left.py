"""Faults of the campaign (../shared/findings/faults.md) fixed last, each as a user meets it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from bench.documents import PdfLine, pdf_bytes
from qa import Library
from qa.sources import load


def _epub_with_an_empty_navmap(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        book.writestr("META-INF/container.xml",
                      "<?xml version='1.0'?><container version='1.0' xmlns='urn:oasis:names:tc:opendocument:xmlns:container'>"
                      "<rootfiles><rootfile full-path='content.opf' media-type='application/oebps-package+xml'/>"
                      "</rootfiles></container>")
        book.writestr("content.opf",
                      "<?xml version='1.0'?><package xmlns='http://www.idpf.org/2007/opf' version='2.0' unique-identifier='id'>"
                      "<metadata xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:title>Kittiwakes</dc:title>"
                      "<dc:identifier id='id'>x</dc:identifier><dc:language>en</dc:language></metadata>"
                      "<manifest><item id='c' href='c.xhtml' media-type='application/xhtml+xml'/>"
                      "<item id='ncx' href='toc.ncx' media-type='application/x-dtbncx+xml'/></manifest>"
                      "<spine toc='ncx'><itemref idref='c'/></spine></package>")
        book.writestr("toc.ncx",
                      "<?xml version='1.0'?><ncx xmlns='http://www.daisy.org/z3986/2005/ncx/' version='2005-1'>"
                      "<head/><docTitle><text>Kittiwakes</text></docTitle><navMap></navMap></ncx>")
        book.writestr("c.xhtml", "<html xmlns='http://www.w3.org/1999/xhtml'><head><title>c</title></head><body>"
                                 "<p>The kittiwake colony counted 212 nests in May.</p></body></html>")


def test_an_epub_whose_table_of_contents_is_empty_is_read(tmp_path: Path):
    book = tmp_path / "kittiwakes.epub"
    _epub_with_an_empty_navmap(book)  # was "cannot be read as an EPUB book; it may be damaged"
    loaded = load(book)
    assert loaded.title == "Kittiwakes"
    assert "The kittiwake colony counted 212 nests in May." in loaded.text


def _log_page(number: int, lines: list[str]) -> list[PdfLine]:
    return [PdfLine(72, 720 - 16 * n, text) for n, text in enumerate(lines)]


def test_pdf_sentences_that_differ_from_page_to_page_only_in_numbers_are_kept(tmp_path: Path):
    """Two-line pages ("Page 3 of the log." / "The count on page 3 was 3."): every line is in
    a margin and repeats, digits aside. They were all dropped as running headers, and the file
    refused as having no text."""
    pdf = tmp_path / "petrels.pdf"
    pdf.write_bytes(pdf_bytes([_log_page(n, [f"Page {n} of the petrel log.",
                                             f"The storm petrel count on page {n} was {n % 7 + 40}."])
                               for n in range(1, 13)]))
    text = load(pdf).text
    assert "The storm petrel count on page 5 was 45." in text
    assert "Page 12 of the petrel log." in text


def test_pdf_short_running_labels_with_changing_numbers_are_still_dropped(tmp_path: Path):
    pdf = tmp_path / "survey.pdf"
    pdf.write_bytes(pdf_bytes([_log_page(n, [f"Cliff survey 2024 · sheet {n}",
                                             f"Nest {n} on the north ledge held two eggs and one chick.",
                                             "The observers noted calm weather and a light westerly wind.",
                                             f"{n}"])
                               for n in range(1, 13)]))
    text = load(pdf).text
    assert "Cliff survey" not in text
    assert "Nest 7 on the north ledge held two eggs and one chick." in text


def test_a_misspelling_asked_many_times_is_suggested_once(library: Library):
    answer = library.ask(" ".join(["Rutto"] * 30) + "?")  # was "Did you mean: Ruto, Ruto, … (30 times)"
    assert answer.suggestions == ["Ruto"]
