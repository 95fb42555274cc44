"""Answers from manuals: definition lists, man pages, term lines, commands and option names,
and refusal of questions about something the library only mentions in passing."""

from __future__ import annotations

from pathlib import Path

from qa import Library, Settings
from qa.formats.web import load as load_web
from qa.sources import load

FILLER = ("The archive keeps every file it was given, with its owner, mode and times, and writes "
          "them back in the same order when it is read again.")


def manual_page(body: str, title: str = "Wombat manual") -> str:
    return (f"<html><head><title>{title}</title><meta name='generator' content='Sphinx 7.2'></head><body>"
            "<div class='related' role='navigation'><a href='index.html'>Next topic</a> | Previous</div>"
            "<div class='sphinxsidebar'><p>Quick search</p><p>Table of contents of the wombat manual</p></div>"
            f"<div role='main' class='body'>{body}</div>"
            "<div class='footer'>Created using Sphinx.</div></body></html>")


def open_library(folder: Path) -> Library:
    return Library.open(folder, Settings())


def assert_verbatim(answer) -> None:
    for quote in answer.quotes:
        citation = answer.citations[quote.citation - 1]
        assert quote.text in citation.passage


def test_a_definition_list_keeps_each_term_with_its_definition(tmp_path: Path):
    path = tmp_path / "options.html"
    path.write_text(manual_page(
        "<h1>Options<a class='headerlink' href='#options'>¶</a></h1>"
        "<dl class='option'><dt>-f<br>--force</dt><dd><p>Remove the burrow without asking first. "
        "Nothing is kept.</p><p>Use it with care.</p></dd>"
        "<dt>--dig</dt><dd><p>Dig a new burrow beside the old one.</p></dd></dl>"))
    loaded = load(path, 10.0)
    passages = [loaded.text[p.start:p.end] for p in loaded.paragraphs]
    assert passages[0] == "-f --force\nRemove the burrow without asking first. Nothing is kept."
    assert passages[1:] == ["Use it with care.", "--dig\nDig a new burrow beside the old one."]
    assert {p.section for p in loaded.paragraphs} == {"Options"}  # no permalink mark
    for furniture in ("Next topic", "Quick search", "Table of contents", "Created using", "¶"):
        assert furniture not in loaded.text


def test_a_sphinx_page_without_a_generator_tag_is_read_as_a_manual(tmp_path: Path):
    page = ("<html><head><title>Changes</title></head><body><div class='related'>Next | Previous</div>"
            "<h1>Changes<a class='headerlink' href='#changes'>¶</a></h1><p>Version 8.1 adds wombats.</p></body></html>")
    loaded = load_web(page.encode(), tmp_path / "changes.html")
    assert loaded.title == "Changes" and "Previous" not in loaded.text


def test_a_news_page_is_still_read_by_trafilatura(tmp_path: Path):
    page = ("<html><head><title>Storm hits coast</title></head><body><nav>Home | World</nav>"
            "<article><h1>Storm hits coast</h1><p>The storm arrived on Monday.</p></article></body></html>")
    loaded = load_web(page.encode(), tmp_path / "storm.html")
    assert "Home" not in loaded.text and "The storm arrived on Monday." in loaded.text


def test_an_xhtml_manual_with_an_xml_declaration_keeps_its_headings(tmp_path: Path):
    page = ('<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head>'
            "<title>Backups</title><meta name='generator' content='DocBook XSL'/></head><body>"
            "<div class='navheader'>Prev Up Next</div><h2 class='title'>Backing up</h2>"
            "<p>Copy the burrow map every night.</p></body></html>")
    loaded = load_web(page.encode(), tmp_path / "backup.html")
    assert loaded.paragraphs[0].section == "Backing up"
    assert "Prev" not in loaded.text


MAN_PAGE = """WOMBAT(1)                    User Commands                    WOMBAT(1)

NAME
       wombat - dig and tend burrows

SYNOPSIS
       wombat [OPTION]... [BURROW]...

DESCRIPTION
       This manual page documents wombat.  It digs each burrow named on
       the command line, and tends the ones already dug when asked to.

OPTIONS
       -f, --force
              dig even where another animal already lives, never
              asking first

       -q     say nothing while digging

       --depth=METRES
              how deep to dig; the default is two metres
"""


def test_a_man_page_has_sections_a_title_and_options_with_their_lines(tmp_path: Path):
    path = tmp_path / "wombat.1.txt"
    path.write_text(MAN_PAGE)
    loaded = load(path, 10.0)
    assert loaded.title == "wombat - dig and tend burrows"
    sections = {" ".join(loaded.text[p.start:p.end].split()[:2]): p.section for p in loaded.paragraphs}
    assert sections["wombat -"] == "NAME" and sections["wombat [OPTION]..."] == "SYNOPSIS"
    assert sections["This manual"] == "DESCRIPTION"
    assert sections["-f, --force"] == sections["-q say"] == sections["--depth=METRES how"] == "OPTIONS"


def test_an_option_s_description_is_quoted_with_its_option_line(tmp_path: Path):
    (tmp_path / "wombat.1.txt").write_text(MAN_PAGE)
    (tmp_path / "notes.txt").write_text(
        "Field notes\n\nThe force of a wombat's digging surprised everyone; the -f option of the old "
        "wombat tool was mentioned by the keeper.\n")
    answer = open_library(tmp_path).ask("What does the -f option of wombat do?")
    first = answer.quotes[0].text
    assert first.startswith("-f, --force") and "never" in first and "asking first" in first
    assert answer.citations[0].section == "OPTIONS"
    assert_verbatim(answer)


def test_the_cli_shows_a_hard_wrapped_quote_on_one_line(tmp_path: Path, capsys):
    from qa.cli import main
    (tmp_path / "wombat.1.txt").write_text(MAN_PAGE)
    assert main(["--sources", str(tmp_path), "ask", "What does the --force option of wombat do?"]) == 0
    out = capsys.readouterr().out
    assert "“-f, --force dig even where another animal already lives, never asking first”" in out


GLOSSARY = manual_page(
    "<h1>Glossary</h1><dl class='glossary'>"
    "<dt>Burrow</dt><dd><p>A tunnel system a wombat digs to sleep in during the day.</p></dd>"
    "<dt>Scat</dt><dd><p>Cube-shaped droppings that mark a territory.</p></dd></dl>", "Glossary")


def test_what_is_quotes_the_definition_after_the_term_not_the_restatement(tmp_path: Path):
    (tmp_path / "glossary.html").write_text(GLOSSARY)
    (tmp_path / "index.html").write_text(manual_page(
        "<h1>Index</h1><ul><li>burrow</li><li>See burrow.</li><li>wombat</li></ul>"
        "<p>Wombat burrows are described in the glossary of this manual.</p>"))
    answer = open_library(tmp_path).ask("What is a burrow?")
    assert "A tunnel system a wombat digs" in answer.quotes[0].text
    assert answer.quotes[0].text.startswith("Burrow\n")  # the term line is quoted with it
    assert_verbatim(answer)


def test_a_command_line_answers_how_to_but_not_what_is(tmp_path: Path):
    (tmp_path / "guide.md").write_text(
        "# Guide\n\n## Digging\n\n```\n$ wombat dig --depth 2 burrow\n```\n\n"
        "A burrow is a tunnel system that a wombat digs for shelter.\n")
    library = open_library(tmp_path)
    assert "tunnel system" in library.ask("What is a wombat burrow?").quotes[0].text
    assert library.ask("How do I dig a burrow with wombat?").quotes[0].text.startswith("$ wombat dig")


def test_an_option_is_matched_in_its_own_case(tmp_path: Path):
    (tmp_path / "tunnel.1.txt").write_text(
        "TUNNEL(1)            User Commands            TUNNEL(1)\n\nNAME\n       tunnel - join two burrows\n\n"
        "OPTIONS\n       -l NAME\n              log in as NAME at the far burrow\n\n"
        "       -L PORT:HOST:PORT\n              forward the given port of this burrow to the far host\n")
    answer = open_library(tmp_path).ask("What does tunnel -L do?")
    assert "forward the given port" in answer.quotes[0].text


def test_a_question_about_something_mentioned_only_in_passing_is_refused(tmp_path: Path):
    # Two thousand passages; twenty about the archive's worker connections directive; "nginx"
    # once, in passing. A question about nginx's directive is not answered from the archive's.
    paragraphs = [f"Archive note {i}. {FILLER}" for i in range(2000)]
    for i in range(0, 2000, 100):
        paragraphs[i] = f"Note {i}: the worker connections directive sets the limit of open connections per worker."
    paragraphs[1550] = "The notes were once kept on a server behind nginx, long ago."
    (tmp_path / "notes.txt").write_text("Archive notes\n\n" + "\n\n".join(paragraphs) + "\n")
    library = open_library(tmp_path)
    assert library.ask("What limit does the worker connections directive set?").answered
    refused = library.ask("What limit does the nginx worker connections directive set?")
    assert not refused.answered


def test_a_hard_wrapped_sentence_is_not_cut_at_a_line_that_ends_before_a_capital():
    from qa.analysis import sentences
    wrapped = ("       If this option is set, each use of the key will require confirmation using the\n"
               "       SSH_ASKPASS program before it is used. The default is no.\n")
    assert [wrapped[s.start:s.end].split()[0] for s in sentences(wrapped)] == ["If", "The"]
    headed = "Background\nThe mission began in 2024 and has grown since then, with more officers arriving."
    assert [headed[s.start:s.end] for s in sentences(headed)][0] == "Background"


def test_a_pdf_option_line_is_kept_with_the_paragraph_it_heads(tmp_path: Path):
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.documents import report_pdf
    path = tmp_path / "shell.pdf"
    path.write_bytes(report_pdf([("Options", [
        "AUTO_DIG (-J)",
        "If a command names a burrow, dig into that burrow instead of running it as a command.",
        "Short item", "Another short item",
    ])], title="Shell manual"))
    loaded = load(path, 10.0)
    passages = [loaded.text[p.start:p.end] for p in loaded.paragraphs]
    option = next(i for i, passage in enumerate(passages) if passage.startswith("AUTO_DIG (-J)"))
    assert passages[option].endswith("instead of running it as a command.")
    assert "Short item" not in passages[option]
    answer = open_library(tmp_path).ask("What does the AUTO_DIG option do?")
    assert "dig into that burrow" in answer.quotes[0].text


def test_markdown_front_matter_is_the_title_not_a_section(tmp_path: Path):
    path = tmp_path / "wombat.md"
    path.write_text("---\ntitle: \"Wombat: a burrowing guide\"\nsection: 1\ndate: 2024-01-01\n---\n\n"
                    "Wombats dig burrows with their front claws.\n\n## Care\n\nGive them room.\n")
    loaded = load(path, 10.0)
    assert loaded.title == "Wombat: a burrowing guide"
    assert [loaded.text[p.start:p.end] for p in loaded.paragraphs] == [
        "Wombats dig burrows with their front claws.", "Give them room."]
    assert loaded.paragraphs[0].section is None and loaded.paragraphs[0].lines == (7, 7)
    assert "section: 1" not in loaded.text


def test_markdown_whose_text_is_raw_html_is_read(tmp_path: Path):
    path = tmp_path / "wombat.1.md"
    path.write_text("<pre>\n<b>NAME</b>\n    wombat - dig and tend burrows &amp; tunnels\n</pre>\n")
    loaded = load(path, 10.0)
    assert "wombat - dig and tend burrows & tunnels" in loaded.text
