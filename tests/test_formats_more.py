"""The formats beyond PDF, Word, EPUB, HTML, Markdown and text, each from a real file made here:
a question gets a clean quote (a verbatim slice of the stored text, no markup) and a citation
that says where it is (section, slide, row, message, lines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import Library, Settings
from qa.models import Answer
from qa.sources import SourceError, load


def ask(folder: Path, question: str) -> Answer:
    """The answer from a library of ``folder``, checked against the contract quoting rests on."""
    library = Library.open(folder, Settings())
    answer = library.ask(question)
    assert answer.answered, answer.text
    for quote in answer.quotes:
        citation = answer.citations[quote.citation - 1]
        text = library.text(citation.source)
        assert text[citation.start:citation.end] == citation.passage
        assert text[quote.start:quote.end] == quote.text and quote.text in citation.passage
    return answer


def passages(path: Path) -> list[str]:
    loaded = load(path)
    return [loaded.text[p.start:p.end] for p in loaded.paragraphs]


# -- reStructuredText ------------------------------------------------------------------------------

RST = """\
=====================
Wombat keeping guide
=====================

:Author: A. Keeper

Feeding
=======

Wombats graze at night. Adult wombats eat about **three kilograms** of
native grasses a week, see :ref:`diet <diet-table>` and the
`RSPCA notes <https://example.org/wombats>`_ for details.

.. note:: Fresh water must always be available.

.. code-block:: python

   feed(wombat, grams=400)

.. versionadded:: 2.1
   Night feeding.

.. include:: /etc/passwd

.. raw:: html

   <script>alert(1)</script>

Burrows
-------

--depth METRES   How deep the burrow may be dug before the keeper is told.

Burrow
    A tunnel system that a wombat digs with its :class:`~claws.Front` claws.

.. |kg| replace:: kilograms
.. _diet-table:

=======  ==========
Food     Share
=======  ==========
Grass    80 percent
Roots    20 percent
=======  ==========
"""


def test_rst_is_read_without_its_markup_with_sections_and_lines(tmp_path: Path):
    path = tmp_path / "wombats.rst"
    path.write_text(RST)
    loaded = load(path)
    text = loaded.text
    assert loaded.title == "Wombat keeping guide"
    for markup in ("**", ":ref:", "`_", ":class:", "..", "<https", "versionadded", "root:", "<script"):
        assert markup not in text
    grazing = next(p for p in loaded.paragraphs if text[p.start:p.end].startswith("Wombats graze"))
    assert text[grazing.start:grazing.end] == (
        "Wombats graze at night. Adult wombats eat about three kilograms of\n"
        "native grasses a week, see diet and the\nRSPCA notes for details.")
    assert grazing.section == "Feeding" and grazing.lines == (10, 12)
    assert "Fresh water must always be available." in passages(path)
    assert "feed(wombat, grams=400)" in passages(path)
    assert "Burrow\nA tunnel system that a wombat digs with its claws.Front claws." in passages(path)
    assert "Grass | 80 percent" in passages(path)
    option = next(p for p in loaded.paragraphs if text[p.start:p.end].startswith("--depth"))
    assert option.section == "Feeding › Burrows"


def test_rst_answers_with_a_clean_quote_and_its_section(tmp_path: Path):
    (tmp_path / "wombats.rst").write_text(RST)
    answer = ask(tmp_path, "How much grass do adult wombats eat a week?")
    assert "Adult wombats eat about three kilograms of\nnative grasses a week" in answer.quotes[0].text
    assert answer.citations[0].place == "Wombat keeping guide › Feeding, paragraph 2 (lines 10–12)"


# -- CSV and TSV -----------------------------------------------------------------------------------

CSV = """\
name,born,known for
Ada Lovelace,1815,"the first published algorithm, for the Analytical Engine"
Alan Turing,1912,the Turing machine
Grace Hopper,1906,"the first compiler,
A-0"
Edsger Dijkstra,1930,the shortest path algorithm
"""


def test_csv_rows_name_their_columns_and_are_cited_by_row(tmp_path: Path):
    (tmp_path / "pioneers.csv").write_text(CSV)
    assert passages(tmp_path / "pioneers.csv")[2] == "name: Grace Hopper · born: 1906 · known for: the first compiler, A-0"
    answer = ask(tmp_path, "When was Grace Hopper born?")
    assert answer.quotes[0].text == "name: Grace Hopper · born: 1906 · known for: the first compiler, A-0"
    assert answer.citations[0].place == "Pioneers, row 4"  # the header is row 1
    assert answer.citations[0].page == 4


def test_tsv_and_semicolon_csv_are_sniffed(tmp_path: Path):
    (tmp_path / "ships.tsv").write_text("ship\tlaunched\tport\nEndeavour\t1764\tWhitby\nBeagle\t1820\tWoolwich\n")
    (tmp_path / "rivers.csv").write_text("river;length km;sea\nDanube;2850;Black Sea\nRhine;1230;North Sea\n")
    assert passages(tmp_path / "ships.tsv") == ["ship: Endeavour · launched: 1764 · port: Whitby",
                                                "ship: Beagle · launched: 1820 · port: Woolwich"]
    assert passages(tmp_path / "rivers.csv")[1] == "river: Rhine · length km: 1230 · sea: North Sea"


def test_a_csv_without_a_header_keeps_its_cells(tmp_path: Path):
    (tmp_path / "list.csv").write_text("1,apples,2\n2,pears,5\n3,plums,7\n")
    assert passages(tmp_path / "list.csv") == ["1 · apples · 2", "2 · pears · 5", "3 · plums · 7"]


def test_a_csv_with_a_huge_cell_is_refused_in_one_sentence(tmp_path: Path):
    path = tmp_path / "blob.csv"
    path.write_text('a,b\n1,"' + "x" * 200_000 + '"\n')
    with pytest.raises(SourceError, match="cannot be read as a table"):
        load(path)


# -- OpenDocument text -----------------------------------------------------------------------------

REPORT_RST = """\
.. title:: River report

Water temperature
=================

Brown trout stop feeding when the river is warmer than 20 degrees.
Mayflies  hatch in May, as they do every year [#]_.

* Caddis flies hatch later.

=====  =====
Fish   Count
=====  =====
Trout  12
=====  =====

.. [#] Counted at the weir.

Methods
=======

Fish were counted with nets.
"""


def test_odt_written_by_docutils_answers_with_its_section(tmp_path: Path):
    from docutils.core import publish_string

    (tmp_path / "river.odt").write_bytes(
        publish_string(REPORT_RST, writer="odt", settings_overrides={"report_level": 5, "warning_stream": False}))
    loaded = load(tmp_path / "river.odt")
    assert loaded.title == "River report"
    assert passages(tmp_path / "river.odt") == [
        "Brown trout stop feeding when the river is warmer than 20 degrees. Mayflies hatch in May, as they do every year.",
        "Caddis flies hatch later.", "Fish | Count", "Trout | 12", "Fish were counted with nets."]
    answer = ask(tmp_path, "When do brown trout stop feeding?")
    assert answer.quotes[0].text == "Brown trout stop feeding when the river is warmer than 20 degrees."
    assert answer.citations[0].place == "River report › Water temperature, paragraph 1"


def test_an_odt_spreadsheet_or_a_zip_without_content_is_refused_in_one_sentence(tmp_path: Path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "empty.odt", "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    with pytest.raises(SourceError, match="has no content.xml"):
        load(tmp_path / "empty.odt")
