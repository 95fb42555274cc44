from pathlib import Path

import pytest

from qa.sources import SourceError, load
from conftest import BUNDLED, PLEDGE, VISIT


def test_headline_becomes_title_without_site_section():
    loaded = load(BUNDLED / VISIT)
    assert loaded.title == "Kenyan Ruto arrives in Haiti to assess police mission as insecurity deepens"


def test_title_from_file_name_when_first_line_is_body():
    loaded = load(BUNDLED / PLEDGE)
    assert loaded.title == "Kenya pledges 600 more officers to Haiti"
    first = loaded.text[loaded.paragraphs[0].start:loaded.paragraphs[0].end]
    assert first.startswith("To combat the gangs")
    assert len(loaded.paragraphs) == 9


def test_page_furniture_is_not_a_paragraph():
    loaded = load(BUNDLED / VISIT)
    paragraphs = [loaded.text[p.start:p.end] for p in loaded.paragraphs]
    assert not any("scroll to top" in p for p in paragraphs)
    assert paragraphs[-1].startswith("They added that a security deployment")


def test_text_is_the_file_as_python_reads_it(tmp_path: Path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("\ufeffHeadline here\r\n\r\nBody one.\r\nBody two.\r\n".encode("utf-8"))
    loaded = load(path)
    assert loaded.text == path.read_text(encoding="utf-8")
    assert loaded.title == "Headline here"
    assert [loaded.text[p.start:p.end] for p in loaded.paragraphs] == ["Body one.", "Body two."]


def test_cp1252_is_decoded_with_a_warning(tmp_path: Path):
    path = tmp_path / "old.txt"
    path.write_bytes("Caf\xe9 news\n\nThe caf\xe9 opened \x93today\x94.\n".encode("latin-1"))
    loaded = load(path)
    assert "café opened “today”" in loaded.text
    assert loaded.warning and "cp1252" in loaded.warning


def test_hard_wrapped_paragraphs_stay_whole(tmp_path: Path):
    path = tmp_path / "wrapped.md"
    path.write_text("# A title\n\nThe first paragraph is\nwrapped over lines.\n\n## Part\n\nSecond one.\n")
    loaded = load(path)
    assert loaded.title == "A title"
    assert [loaded.text[p.start:p.end] for p in loaded.paragraphs] == [
        "The first paragraph is\nwrapped over lines.", "Second one."]


def test_html_page_keeps_paragraphs_and_drops_scripts_and_navigation(tmp_path: Path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Storm hits coast | Daily</title><script>var x = 'no';</script></head>"
        "<body><nav><p>Home | World</p></nav><h1>Storm hits coast</h1>"
        "<p>The storm &amp; its winds arrived on Monday.</p><p>Ten homes were damaged.</p>"
        "<footer><p>Copyright</p></footer></body></html>"
    )
    loaded = load(path)
    assert loaded.title == "Storm hits coast"
    assert [loaded.text[p.start:p.end] for p in loaded.paragraphs] == [
        "The storm & its winds arrived on Monday.", "Ten homes were damaged."]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"  \n\n", "is empty"),
        ("binary.txt", b"\x00\x01\x02abc", "binary"),
        ("table.xlsx", b"a,b\n1,2\n", "supported: .txt, .md, .*.pdf, .docx, .epub"),
    ],
)
def test_bad_files_give_one_clear_sentence(tmp_path: Path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError, match=message):
        load(path)


def test_missing_file(tmp_path: Path):
    with pytest.raises(SourceError, match="does not exist"):
        load(tmp_path / "nope.txt")
