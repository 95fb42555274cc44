"""The conversation and the passage viewer, driven as a person would through Textual's Pilot."""

from __future__ import annotations

import contextlib
from pathlib import Path

from rich.style import Style
from textual.containers import VerticalScroll
from textual.widgets import Static

from qa import Library
from qa import history as saved
from qa.models import AnswerSpan
from tests.tui_pilot import ask, make_app, ready, rendered, wait_until
from tui.app import QaApp
from tui.dialogs import HelpScreen
from tui.finder import FindBar
from tui.viewer import PassageScreen, editor_command
from tui.widgets import (AnswerView, CitationLine, QuestionInput, QuestionView, QuoteLine, citation_text,
                         quote_text)


async def test_a_question_shows_a_quote_and_its_citation(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "How many officers has Kenya pledged to send?")
        quotes = list(view.query(QuoteLine))
        assert quotes and "600 more police officers" in rendered(quotes[0])
        assert rendered(quotes[0]).endswith("[1]")
        assert "Kenya pledges 600 more officers to Haiti" in rendered(view.query_one(CitationLine))
        assert app.focused is app.query_one(QuestionInput)


async def test_not_covered_answer_is_shown_differently(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "Who won the 2022 World Cup?")
        assert view.has_class("not-covered")
        assert "don't cover" in rendered(view.query_one(".refusal"))
        assert not view.query(QuoteLine)


async def test_a_follow_up_can_be_asked_again_on_its_own(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ask(app, pilot, "How many Kenyan officers are patrolling in Haiti?")
        follow_up = await ask(app, pilot, "And how many are still in training?")
        assert follow_up.answer.interpreted_as
        assert "undergoing training" in rendered(follow_up.query(QuoteLine).first())
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: len(app.query(AnswerView)) == 3, "the question asked again")
        again = app.query(AnswerView).last()
        assert again.answer.question == "And how many are still in training?"
        assert again.answer.interpreted_as is None
        # From the answer itself, too: r on a selected follow-up.
        follow_up.focus()
        await pilot.press("r")
        await wait_until(pilot, lambda: len(app.query(AnswerView)) == 4, "r to ask it again")
        assert app.query(AnswerView).last().answer.interpreted_as is None


async def test_questions_and_the_conversation_survive_a_restart(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ask(app, pilot, "When was the MSS authorized?")
        await ask(app, pilot, "Who is the main sponsor?")
    assert saved.history_path(library.folder).exists()
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        assert [q.question for q in app.query(QuestionView)] == ["When was the MSS authorized?",
                                                               "Who is the main sponsor?"]
        assert len(app.query(AnswerView)) == 2
        box = app.query_one(QuestionInput)
        await pilot.press("up")
        assert box.value == "Who is the main sponsor?"
        await pilot.press("up")
        assert box.value == "When was the MSS authorized?"
        await pilot.press("down", "down")
        assert box.value == ""
        # A restored answer is as live as a new one: its citations open.
        await ready(app, pilot)
        app.query(AnswerView).first().focus()
        await pilot.press("1")
        assert isinstance(app.screen, PassageScreen)


async def test_clear_twice_keeps_one_welcome_and_forgets_the_conversation(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ask(app, pilot, "When was the MSS authorized?")
        await pilot.press("ctrl+l")
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.is_running
        assert len(app.query(".welcome")) == 1 and not app.query(AnswerView)
    assert saved.load(library.folder).answers == []


async def test_citations_open_step_and_close_back_to_the_question_box(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "How many people have been displaced?")
        view.focus()
        await pilot.press("2")
        screen = app.screen
        assert isinstance(screen, PassageScreen)
        text = screen.query_one(".cited", Static).render()
        highlighted = [str(text)[span.start:span.end] for span in text.spans
                       if getattr(span.style, "reverse", False)]
        assert highlighted and "578,000 Haitians had been internally displaced" in highlighted[0]
        count = len(view.answer.citations)
        assert f"[2] of {count}" in rendered(screen.query_one("#passage-title", Static))
        for _ in range(count - 1):  # round the others, back to the first
            await pilot.press("n")
        assert f"[1] of {count}" in rendered(screen.query_one("#passage-title", Static))
        assert "700,000" in rendered(screen.query_one(".cited", Static))
        await pilot.press("p", "n", "n")
        assert "578,000" in rendered(screen.query_one(".cited", Static))
        await pilot.press("escape")
        assert not isinstance(app.screen, PassageScreen)
        assert app.focused is app.query_one(QuestionInput)
        await pilot.click(view.query(QuoteLine).first())
        assert isinstance(app.screen, PassageScreen)


async def test_search_within_a_source(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "How many people have been displaced?")
        view.focus()
        await pilot.press("1", "slash")
        await pilot.press(*"drones", "enter")
        found = app.screen.query(".found")
        assert len(found) == 1 and "drones" in rendered(found.first())
        await pilot.press("escape", "escape")
        assert app.focused is app.query_one(QuestionInput)


async def test_e_opens_the_source_in_the_editor_at_the_passage(library: Library, tmp_path: Path,
                                                               monkeypatch):
    runs: list[list[str]] = []
    monkeypatch.setenv("EDITOR", "myeditor --wait")
    monkeypatch.setattr("tui.viewer.subprocess.run", lambda command, check: runs.append(command))
    monkeypatch.setattr(QaApp, "suspend", lambda app: contextlib.nullcontext())
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "How many people have been displaced?")
        view.focus()
        await pilot.press("1", "e")
    citation = view.answer.citations[0]
    line = library.text(citation.source)[:citation.start].count("\n") + 1
    assert runs == [["myeditor", "--wait", f"+{line}", str(citation.path)]]
    assert editor_command(citation.path, 3, {}) is None


def test_a_citation_names_its_section_and_page(library: Library):
    answer = library.ask("How many people have been displaced?")
    citation = answer.citations[0].model_copy(update={"section": "Displacement", "page": 14})
    assert str(citation_text(citation)) == f"[1] {citation.title} › Displacement, p. 14"


def test_the_answering_words_are_bold_and_a_cut_quote_shows_its_cuts(library: Library):
    answer = library.ask("How many people have been displaced?")
    quote = answer.quotes[0]
    start = quote.text.index("700,000")
    marked = answer.model_copy(update={
        "answer": AnswerSpan(quote=0, start=start, end=start + 7),
        "quotes": [quote.model_copy(update={"cut_start": True, "cut_end": True}), *answer.quotes[1:]],
    })
    text = quote_text(marked, 0)
    bold = [str(text)[span.start:span.end] for span in text.spans if Style.parse(str(span.style)).bold]
    assert bold[0] == "700,000"
    assert str(text).startswith(f"“…{quote.text}…”")


async def test_copy_any_answer_and_find_in_the_conversation(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        first = await ask(app, pilot, "How many officers has Kenya pledged to send?")
        await ask(app, pilot, "How many people have been displaced?")
        first.focus()
        await pilot.press("c")
        assert "## How many officers has Kenya pledged to send?" in app.clipboard
        assert "displaced" not in app.clipboard
        app.query_one(QuestionInput).focus()
        await pilot.press("ctrl+f", *"pledged")
        assert app.query_one(FindBar).matches[-1] is first
        assert first.has_class("found-current")
        assert "2 of 2" in rendered(app.query_one("#find-count", Static))  # its question, then it
        await pilot.press("escape")
        assert not app.query(".found") and app.focused is app.query_one(QuestionInput)


async def test_page_keys_scroll_the_conversation_from_the_question_box(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        for question in ("How many people have been displaced?", "When was the MSS authorized?"):
            await ask(app, pilot, question)
        chat = app.query_one("#chat", VerticalScroll)
        await wait_until(pilot, lambda: chat.scroll_y == chat.max_scroll_y, "the newest answer in view")
        bottom = chat.scroll_y
        await pilot.press("pageup")
        await wait_until(pilot, lambda: chat.scroll_y < bottom, "the conversation to scroll up")
        assert app.focused is app.query_one(QuestionInput)


async def test_export_writes_markdown(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ask(app, pilot, "How many officers has Kenya pledged to send?")
        await pilot.press("ctrl+s")
        [exported] = tmp_path.glob("qa-conversation-*.md")
        text = exported.read_text()
        assert "## How many officers has Kenya pledged to send?" in text
        assert "> To combat the gangs" in text and "[1]" in text


async def test_markup_in_a_source_is_shown_literally(sources_dir: Path, tmp_path: Path):
    (sources_dir / "tricky.txt").write_text(
        "Markup test page\n\nThe zebra said [@click=app.quit]quit[/] and [bold red]x[/] loudly.\n")
    app = make_app(Library.open(sources_dir), tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "What did the zebra say?")
        quote = view.query(QuoteLine).first()
        assert "[@click=app.quit]quit[/] and [bold red]x[/]" in rendered(quote)
        await pilot.click(quote)
        assert app.is_running and isinstance(app.screen, PassageScreen)
        assert "[bold red]x[/]" in rendered(app.screen.query_one(".cited", Static))


async def test_help_returns_focus_and_the_sidebar_hides(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "When was the MSS authorized?")
        view.focus()
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert app.focused is app.query_one(QuestionInput)
        await pilot.press(*"typed")
        assert app.query_one(QuestionInput).value == "typed"
        panel = app.query_one("#sources-panel")
        assert panel.display
        await pilot.press("ctrl+b")
        assert not panel.display


async def test_the_sidebar_is_a_share_of_the_width(library: Library, tmp_path: Path):
    for width, expected in ((80, 24), (120, 33), (200, 48)):
        app = make_app(library, tmp_path)
        async with app.run_test(size=(width, 30)) as pilot:
            await pilot.pause()
            assert app.query_one("#sources-panel").outer_size.width == expected
