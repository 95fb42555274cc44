"""The terminal UI driven as a person would, through Textual's Pilot."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from qa import Library
from tui.app import QaApp
from tui.screens import AddSourceScreen, HelpScreen, PassageScreen
from tui.widgets import AnswerView, CitationLine, QuestionInput, QuoteLine


def make_app(library: Library, tmp_path: Path) -> QaApp:
    return QaApp(library, export_dir=tmp_path, cursor_blink=False)


async def wait_until(pilot, condition, what: str) -> None:
    """Let the app run until ``condition()`` holds (workers answer on their own time)."""
    for _ in range(200):
        await pilot.pause(0.02)
        if condition():
            await pilot.pause()
            return
    raise AssertionError(f"timed out waiting for {what}")


async def wait_for_answers(app: QaApp, pilot, count: int) -> list[AnswerView]:
    await wait_until(pilot, lambda: len(app.query(AnswerView)) >= count, f"answer #{count}")
    return list(app.query(AnswerView))


async def ask(app: QaApp, pilot, question: str) -> AnswerView:
    expected = len(app.query(AnswerView)) + 1
    app.query_one(QuestionInput).value = question
    await pilot.press("enter")
    return (await wait_for_answers(app, pilot, expected))[-1]


def rendered(widget: Static) -> str:
    return str(widget.render())


async def test_a_question_shows_a_quote_and_its_citation(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "How many officers has Kenya pledged to send?")
        quotes = list(view.query(QuoteLine))
        assert quotes and "600 more police officers" in rendered(quotes[0])
        assert rendered(quotes[0]).endswith("[1]")
        assert "Kenya pledges 600 more officers to Haiti" in rendered(view.query_one(CitationLine))
        assert app.focused is app.query_one(QuestionInput)


async def test_follow_up_uses_the_conversation(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ask(app, pilot, "How many Kenyan officers are patrolling in Haiti?")
        view = await ask(app, pilot, "And how many are still in training?")
        assert "undergoing training" in rendered(view.query(QuoteLine).first())


async def test_not_covered_answer_is_shown_differently(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "Who won the 2022 World Cup?")
        assert view.has_class("not-covered")
        assert "don't cover" in rendered(view.query_one(".refusal"))
        assert not view.query(QuoteLine)


async def test_input_history(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ask(app, pilot, "When was the MSS authorized?")
        await ask(app, pilot, "Who is the main sponsor?")
        box = app.query_one(QuestionInput)
        await pilot.press("up")
        assert box.value == "Who is the main sponsor?"
        await pilot.press("up")
        assert box.value == "When was the MSS authorized?"
        await pilot.press("down", "down")
        assert box.value == ""


async def test_citation_opens_the_passage_with_the_quote_highlighted(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "How many people have been displaced?")
        view.focus()
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PassageScreen)
        cited = screen.query_one(".cited", Static)
        text = cited.render()
        assert "578,000" in str(text)
        highlighted = [str(text)[span.start:span.end] for span in text.spans
                       if getattr(span.style, "reverse", False)]
        assert highlighted and "578,000 Haitians had been internally displaced" in highlighted[0]
        await pilot.press("escape")
        assert not isinstance(app.screen, PassageScreen)
        await pilot.click(view.query(QuoteLine).first())
        await pilot.pause()
        assert isinstance(app.screen, PassageScreen)
        assert "700,000" in str(app.screen.query_one(".cited", Static).render())


async def test_adding_a_source_through_the_dialog_then_asking_about_it(library: Library, tmp_path: Path):
    article = tmp_path / "eruption.txt"
    article.write_text("Volcano erupts near Grindavik\n\nThe volcano near Grindavik erupted on Tuesday night.\n")
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, AddSourceScreen)
        app.screen.query_one(Input).value = str(article)
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, AddSourceScreen), "the dialog to close")
        assert any(s.title == "Volcano erupts near Grindavik" for s in library.sources)
        view = await ask(app, pilot, "When did the volcano erupt?")
        assert "Tuesday night" in rendered(view.query(QuoteLine).first())


async def test_a_bad_path_shows_the_error_in_the_dialog(library: Library, tmp_path: Path):
    bad = tmp_path / "table.csv"
    bad.write_text("a,b\n")
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("ctrl+o")
        for path, message in ((tmp_path / "missing.txt", "does not exist"), (bad, "not a supported format")):
            app.screen.query_one(Input).value = str(path)
            await pilot.press("enter")
            await wait_until(pilot, lambda: message in rendered(app.screen.query_one("#add-error", Static)),
                             f"the error {message!r}")
            assert isinstance(app.screen, AddSourceScreen)
            assert message in rendered(app.screen.query_one("#add-error", Static))


async def test_export_writes_markdown(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ask(app, pilot, "How many officers has Kenya pledged to send?")
        await pilot.press("ctrl+s")
        [exported] = tmp_path.glob("qa-conversation-*.md")
        text = exported.read_text()
        assert "## How many officers has Kenya pledged to send?" in text
        assert "> To combat the gangs" in text and "[1]" in text
        assert "1. Kenya pledges 600 more officers to Haiti, paragraph 1" in text


async def test_markup_in_a_source_is_shown_literally(sources_dir: Path, tmp_path: Path):
    (sources_dir / "tricky.txt").write_text(
        "Markup test page\n\nThe zebra said [@click=app.quit]quit[/] and [bold red]x[/] loudly.\n")
    library = Library.open(sources_dir)
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "What did the zebra say?")
        quote = view.query(QuoteLine).first()
        assert "[@click=app.quit]quit[/] and [bold red]x[/]" in rendered(quote)
        await pilot.click(quote)
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, PassageScreen)
        assert "[bold red]x[/]" in str(app.screen.query_one(".cited", Static).render())


async def test_help_and_sources_panel(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        panel = app.query_one("#sources-panel")
        assert panel.display
        await pilot.press("ctrl+b")
        assert not panel.display
