"""The conversation and the passage viewer, driven as a person would through Textual's Pilot."""

from __future__ import annotations

import contextlib
from pathlib import Path

from rich.style import Style
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from qa import Library, Settings
from qa import history as saved
from qa.models import AnswerSpan
from tests.tui_pilot import (ask, cited, make_app, on_screen, open_viewer, ready, rendered, styled, viewer,
                              wait_for_answers, wait_until)
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
        # From the answer itself, too: ctrl+g on a selected follow-up asks that one.
        follow_up.focus()
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: len(app.query(AnswerView)) == 4, "ctrl+g to ask it again")
        assert app.query(AnswerView).last().answer.interpreted_as is None


async def test_ctrl_t_asks_the_question_as_did_you_mean_spells_it(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        misspelled = await ask(app, pilot, "What did Rutto say about the mission?")
        assert misspelled.answer.suggestions == ["Ruto"]
        assert "ctrl+t asks it" in rendered(misspelled.query(".note").first())
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: len(app.query(AnswerView)) == 2, "the corrected question's answer")
        corrected = app.query(AnswerView).last().answer
        assert corrected.question == "What did Ruto say about the mission?" and not corrected.suggestions
        misspelled.focus()  # from a selected answer, too
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: len(app.query(AnswerView)) == 3, "the selected answer's corrected question")
        assert app.query(AnswerView).last().answer.question == "What did Ruto say about the mission?"


async def test_questions_and_the_conversation_survive_a_restart(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ask(app, pilot, "When was the MSS authorized?")
        await ask(app, pilot, "Who is the main sponsor?")
    assert saved.history_path(library.folder).exists()
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)  # the conversation is read with the library, in its worker
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
        text = await open_viewer(app, pilot, "2")
        assert "578,000 Haitians had been internally displaced" in "".join(styled(text, "reverse"))
        assert "578,000" in cited(text)
        screen = app.screen
        count = len(view.answer.citations)
        assert f"[2] of {count}" in rendered(screen.query_one("#passage-title", Static))
        for _ in range(count - 1):  # round the others, back to the first
            await pilot.press("n")
        assert f"[1] of {count}" in rendered(screen.query_one("#passage-title", Static))
        await wait_until(pilot, lambda: "700,000" in cited(viewer(app)), "the first citation's passage")
        await pilot.press("p", "n", "n")
        await wait_until(pilot, lambda: "578,000" in cited(viewer(app)), "the second citation's passage")
        await pilot.press("q")
        await wait_until(pilot, lambda: not isinstance(app.screen, PassageScreen), "the viewer to close")
        await wait_until(pilot, lambda: app.focused is app.query_one(QuestionInput), "the question box focused")
        await pilot.click(view.query(QuoteLine).first())
        await wait_until(pilot, lambda: isinstance(app.screen, PassageScreen), "the viewer")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.focused is app.query_one(QuestionInput), "the question box focused")


async def test_search_within_a_source_as_you_type_then_n_and_escape_clears_it(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "How many people have been displaced?")
        view.focus()
        text = await open_viewer(app, pilot, "1")
        help_line = app.screen.query_one("#passage-help", Static)
        await pilot.press("slash", *"gang")
        total = len(text.matches)
        first = text.current + 1  # the first match from the top of the screen, as in less
        assert total > 2 and f"match {first} of {total}" in rendered(help_line)
        assert styled(text, "underline") and all("gang" in run.lower() for run in styled(text, "underline"))
        await pilot.press("enter", "n")
        assert f"match {first % total + 1} of {total}" in rendered(help_line)
        await pilot.press("N", "N")
        assert f"match {(first - 2) % total + 1} of {total}" in rendered(help_line)
        await pilot.press("slash", *"zzzq")
        assert "no match for “zzzq”" in rendered(help_line) and not styled(text, "underline")
        await pilot.press("escape")  # ends the search: no stale status, no highlight
        assert "match" not in rendered(help_line) and not text.matches
        assert isinstance(app.screen, PassageScreen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.focused is app.query_one(QuestionInput), "the question box focused")
        view.focus()
        await open_viewer(app, pilot, "1")
        await pilot.press("slash", *"gang", "enter", "n", "q")  # q closes, also while searching
        await wait_until(pilot, lambda: not isinstance(app.screen, PassageScreen), "the viewer to close")


async def test_the_viewer_offers_n_and_p_only_when_the_answer_has_another_citation(library: Library,
                                                                                  tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        for question in ("How many officers did Kenya pledge?", "How many people have been displaced?"):
            view = await ask(app, pilot, question)
            view.focus()
            await open_viewer(app, pilot, "1")
            help_line = rendered(app.screen.query_one("#passage-help", Static))
            assert ("n/p next/prev citation" in help_line) == (len(view.answer.citations) > 1)
            await pilot.press("escape")
            await wait_until(pilot, lambda: len(app.screen_stack) == 1, "the viewer closed")
        assert {len(v.answer.citations) > 1 for v in app.query(AnswerView)} == {True, False}  # both kinds seen


async def test_pager_keys_move_through_the_source(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("f2", *"ruto", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PassageScreen) and app.screen.ready, "the viewer")
        text = viewer(app)
        assert text.scroll_y == 0 and text.max_scroll_y > 0
        await pilot.press("j", "j")
        assert text.scroll_y == 2
        await pilot.press("k")
        assert text.scroll_y == 1
        await pilot.press("G")
        assert text.scroll_y == text.max_scroll_y
        await pilot.press("g")
        assert text.scroll_y == 0


async def test_a_resize_keeps_the_passage_in_view(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(200, 60)) as pilot:
        view = await ask(app, pilot, "How many people have been displaced?")
        view.focus()
        text = await open_viewer(app, pilot, "2")
        assert "578,000" in cited(text)
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: text.virtual_size.width < 72, "the text to be wrapped again")
        await wait_until(pilot, lambda: "578,000" in cited(text), "the passage in view")
        assert any(row.startswith("▌") for row in on_screen(text))


async def test_a_long_source_shows_the_cited_passage_first_then_all_of_it_in_place(sources_dir: Path,
                                                                                   tmp_path: Path):
    from tui.passage_text import AROUND

    filler = [f"Survey note {n}: the river ran clear past station {n} on the morning of the count." for n in range(2000)]
    assert sum(map(len, filler)) > 4 * AROUND
    body = "\n\n".join([*filler, "The Kennet survey counted 412 spawning redds in November."])
    (sources_dir / "river-survey.txt").write_text(f"River survey\n\n{body}\n")
    library = Library.open(sources_dir, Settings())
    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await ask(app, pilot, "How many redds did the Kennet survey count?")
        view.focus()
        text = await open_viewer(app, pilot, "1")
        assert "412 spawning redds" in cited(text)
        # The whole text follows: its first paragraph laid out too, the passage still in view.
        await wait_until(pilot, lambda: text.spans and text.spans[0].start == 0, "the whole text laid out")
        await wait_until(pilot, lambda: "412 spawning redds" in cited(text), "the passage still in view")
        await pilot.press("g")
        await wait_until(pilot, lambda: "River survey" in on_screen(text)[0], "the top of the source")


async def test_n_in_a_long_source_shown_around_one_passage_goes_to_the_next_one(sources_dir: Path,
                                                                                tmp_path: Path, monkeypatch):
    """Open [1] of a long source, n before the rest of it is laid out: the viewer showed some
    other page, unmarked (3 of 3 in a 310-page PDF in a terminal)."""
    from tui.passage_text import AROUND

    monkeypatch.setattr("tui.viewer.REST_AFTER", 60.0)  # the whole text never comes in this test
    filler = [f"Survey note {n}: the river ran clear past station {n} on the morning of the count." for n in range(3000)]
    assert sum(map(len, filler)) > 6 * AROUND
    body = "\n\n".join(["The Kennet survey counted 412 spawning redds in November.", *filler,
                         "The Lambourn survey counted 97 spawning redds in May."])
    (sources_dir / "river-survey.txt").write_text(f"River survey\n\n{body}\n")
    library = Library.open(sources_dir, Settings())
    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await ask(app, pilot, "How many spawning redds were counted?")
        passages = [citation.passage for citation in view.answer.citations]
        assert any("412" in p for p in passages) and any("97 spawning" in p for p in passages), passages
        view.focus()
        text = await open_viewer(app, pilot, "1")
        first = cited(text)
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen.ready and cited(text) and cited(text) != first, "the next passage")
        assert {first[:40], cited(text)[:40]} <= {p[:40] for p in passages}


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
        await open_viewer(app, pilot, "1")
        await pilot.press("e")
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
        await pilot.press("ctrl+c")
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
        await wait_until(pilot, lambda: isinstance(app.screen, PassageScreen) and app.screen.ready, "the viewer")
        assert app.is_running
        assert "[bold red]x[/]" in cited(viewer(app))


async def test_help_returns_focus_and_the_sidebar_hides(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "When was the MSS authorized?")
        view.focus()
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.focused is app.query_one(QuestionInput), "the question box focused")
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


# -- every keystroke lands ---------------------------------------------------------------------

async def test_typing_on_a_selected_answer_goes_on_to_the_question_box(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "How many people have been displaced?")
        box = app.query_one(QuestionInput)
        view.focus()
        await pilot.press(*"Who leads?")  # none of these is the answer's own key (1-9)
        assert box.value == "Who leads?" and app.focused is box
        view.focus()
        await pilot.press(*"can ")  # letters never act on the answer: "can" is not a copy
        assert box.value == "Who leads?can " and app.focused is box and not app.clipboard
        view.focus()
        await pilot.press("ctrl+c")  # its own keys still work
        assert "## How many people have been displaced?" in app.clipboard and app.focused is view


async def test_the_footer_offers_the_answer_s_own_citation_keys(library: Library, tmp_path: Path):
    from textual.widgets._footer import FooterKey

    def open_key() -> str:
        keys = [f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey)
                if key.key == "1"]
        return keys[0] if keys else ""

    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        for question in ("How many people have been displaced?", "When did Ruto arrive in Haiti?"):
            app.query_one(QuestionInput).focus()
            view = await ask(app, pilot, question)
            count = len(view.answer.citations)
            assert 1 <= count < 9
            view.focus()
            expected = "1 Open" if count == 1 else f"1-{count} Open [n]"
            await wait_until(pilot, lambda: open_key() == expected, f"{expected!r} in the footer, not {open_key()!r}")


async def test_a_refusal_hands_digits_to_the_question_box_and_hints_only_its_keys(library: Library,
                                                                                   tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "Who won the 2022 World Cup?")
        view.focus()
        await pilot.pause()
        assert view.border_subtitle == "^c copy"
        await pilot.press("1")
        assert app.query_one(QuestionInput).value == "1" and not isinstance(app.screen, PassageScreen)


async def test_keys_typed_as_the_viewer_opens_go_to_the_viewer(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "How many people have been displaced?")
        view.focus()
        await pilot.press("1", "escape", *"xyz")  # escape reaches the viewer, however slowly it opens
        assert not isinstance(app.screen, PassageScreen)
        assert app.query_one(QuestionInput).value == "xyz"


async def test_escape_and_a_key_read_as_one_alt_key_under_load_are_both_kept(library: Library, tmp_path: Path):
    from textual import events

    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "How many people have been displaced?")
        box = app.query_one(QuestionInput)
        app.chat.ask_within([library.sources[0]])
        box.focus()
        app.post_message(events.Key("alt+x", "x"))  # escape, x from the terminal, read at once
        await wait_until(pilot, lambda: box.value == "x", "the x in the box")
        assert not app.chat.within  # and the escape asked all sources again
        view.focus()
        await open_viewer(app, pilot, "1")
        box.value = ""
        app.post_message(events.Key("alt+q", "q"))  # escape closes the viewer; q goes on to the question box
        await wait_until(pilot, lambda: not isinstance(app.screen, PassageScreen), "the escape to close the viewer")
        await wait_until(pilot, lambda: box.value == "q", "the q in the question box")
        box.focus()
        box.value = "a word"
        box.cursor_position = 0
        await pilot.press("alt+backspace")  # a real alt key the question box uses stays itself
        assert box.value == "word" and not app.chat.within  # alt+backspace: delete the word to the right


async def test_an_answer_is_shown_as_on_its_way_until_it_lands(library: Library, tmp_path: Path, monkeypatch):
    import threading

    from tui.transcript import Busy

    release = threading.Event()
    answer = library.ask

    def slow_ask(*args, **kwargs):
        release.wait(10)
        return answer(*args, **kwargs)

    monkeypatch.setattr(library, "ask", slow_ask)
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press(*"When was the MSS authorized?", "enter")
        await wait_until(pilot, lambda: app.query(Busy), "the busy indicator")
        assert "Finding the passages" in rendered(app.query_one(".busy-label", Static))
        release.set()
        await wait_until(pilot, lambda: app.query(AnswerView), "the answer")
        assert not app.query(Busy)


async def test_a_refused_question_says_why_in_the_conversation(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        app.query_one(QuestionInput).value = "How many officers " * 60
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.query(".ask-error"), "the error")
        assert "the limit is 1,000" in rendered(app.query_one(".ask-error", Static))


# -- no dead ends ------------------------------------------------------------------------------

async def test_clear_can_be_undone_until_the_next_question(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ask(app, pilot, "When was the MSS authorized?")
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: not app.query(AnswerView), "the clear")
        assert saved.load(library.folder).answers == []
        assert any("ctrl+z brings it back" in n.message for n in app._notifications)
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: app.query(AnswerView), "the undo")
        assert [a.question for a in saved.load(library.folder).answers] == ["When was the MSS authorized?"]
        # The toast that offered ctrl+z goes once it is no longer true (it stayed up, stale).
        assert not any("ctrl+z brings it back" in n.message for n in app._notifications)
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: not app.query(AnswerView), "the second clear")
        await ask(app, pilot, "Who is the main sponsor?")
        assert not any("ctrl+z brings it back" in n.message for n in app._notifications)
        await pilot.press("ctrl+z")  # a new conversation has begun: the old one is gone
        await pilot.pause()
        assert [v.answer.question for v in app.query(AnswerView)] == ["Who is the main sponsor?"]


async def test_a_cleared_conversation_comes_back_after_a_restart_until_the_next_question(library: Library,
                                                                                         tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ask(app, pilot, "When was the MSS authorized?")
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: not app.query(AnswerView), "the clear")
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        assert not app.query(AnswerView)
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: app.query(AnswerView), "the undo after a restart")
        assert [v.answer.question for v in app.query(AnswerView)] == ["When was the MSS authorized?"]
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: not app.query(AnswerView), "the second clear")
        await ask(app, pilot, "Who is the main sponsor?")
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+z")  # the question after the clear began a new conversation
        await pilot.pause()
        assert [v.answer.question for v in app.query(AnswerView)] == ["Who is the main sponsor?"]


async def test_a_removed_source_s_citation_says_so_and_asks_again(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "How many people have been displaced?")
        gone = view.answer.citations[0]
        library.remove([gone.source])
        view.focus()
        await open_viewer(app, pilot, "1")
        note = rendered(app.screen.query_one("#passage-note", Static))
        assert f"{gone.title} was removed from the library" in note and "press a to ask" in note
        # Nothing to search or edit: the hints do not offer it, and / opens no search box.
        assert "search" not in rendered(app.screen.query_one("#passage-help", Static))
        await pilot.press("slash")
        assert not app.screen.query_one("#passage-search").display
        await pilot.press("a")
        await wait_until(pilot, lambda: len(app.query(AnswerView)) == 2, "the question asked again")
        assert {c.source for c in app.query(AnswerView).last().answer.citations} == {
            c.source for c in view.answer.citations} - {gone.source}


async def test_export_and_copy_keep_scope_interpretation_and_full_citations(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        ruto = next(s for s in library.sources if s.title.startswith("Kenyan Ruto"))
        app.chat.ask_within([ruto])
        await ask(app, pilot, "Who won the 2022 World Cup?")
        await pilot.press("escape")  # all sources again
        await ask(app, pilot, "How many Kenyan officers are patrolling in Haiti?")
        follow_up = await ask(app, pilot, "And how many are still in training?")
        await pilot.press("ctrl+s")
        [exported] = tmp_path.glob("qa-conversation-*.md")
        text = exported.read_text()
        assert f"*Asked within: {ruto.title}*" in text
        assert "*The sources don't cover this question.*" in text
        assert "*Read as a follow-up to: How many Kenyan officers are patrolling in Haiti?*" in text
        citation = follow_up.answer.citations[0]
        assert f"[1] {citation.place}: `{citation.path}`" in text
        await pilot.press("ctrl+y")
        assert "Read as a follow-up to" in app.clipboard and "World Cup" not in app.clipboard


async def test_the_theme_is_kept_for_the_next_session(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        app.theme = "nord"
        await pilot.pause()
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        assert app.theme == "nord"


async def test_help_is_a_table_of_every_key_that_fits_80_columns(library: Library, tmp_path: Path):
    from rich.console import Console

    app = make_app(library, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table", Static)
        assert table.outer_size.width <= 76
        console = Console(width=table.size.width, record=True, file=open("/dev/null", "w"))
        console.print(app.screen.table())
        lines = console.export_text().splitlines()
        assert all(len(line.rstrip()) <= table.size.width for line in lines)
        shown = "\n".join(lines)
        # From the bindings: the viewer's pager keys and the app's own, each with what it does.
        assert "the end of the source" in shown and "bring back the conversation" in shown
        assert "^z" in shown and "G" in shown
        # The keys the trial missed: a page down in the viewer, the add dialog's cancel.
        assert "a page down" in shown and "stop adding after the files in hand" in shown


def test_the_ui_loads_no_engine_before_its_first_frame():
    # What `qa` imports before drawing: the CLI's parser and Textual; the settings (pydantic),
    # NumPy and the analysis load in the worker that opens the library.
    import subprocess
    import sys

    probe = ("import sys, qa.cli, tui.launcher, tui.app; "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'numpy', 'nltk', 'Stemmer'}))")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "[]", run.stderr


async def test_shift_tab_selects_the_newest_answer_and_tab_goes_on_to_the_sidebar(library: Library, tmp_path: Path):
    from tui.source_list import SourceList

    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ask(app, pilot, "When was the MSS authorized?")
        newest = await ask(app, pilot, "How many people have been displaced?")
        await pilot.press("shift+tab")
        assert app.focused is newest
        await pilot.press("tab")  # after the newest answer: the sidebar's list
        assert isinstance(app.focused, SourceList)
        await pilot.press("shift+tab", "escape")  # escape on a selected answer: back to the box
        assert app.focused is app.query_one(QuestionInput)


def test_a_hard_wrapped_quote_reads_on_one_line():
    from qa.models import Answer, Citation, Quote
    from tui.widgets import quote_text
    wrapped = "-f, --force\n\t      ignore nonexistent files and arguments, never\n\t      prompt"
    citation = Citation(n=1, source="rm", title="rm", path=Path("rm.1.txt"), paragraph=7, start=0,
                        end=len(wrapped), passage=wrapped, score=1.0)
    answer = Answer(question="q", answered=True, text=wrapped, citations=[citation],
                    quotes=[Quote(text=wrapped, citation=1, start=0, end=len(wrapped))])
    assert quote_text(answer, 0).plain == "“-f, --force ignore nonexistent files and arguments, never prompt” [1]"


# -- each piece owns its keys ------------------------------------------------------------------

async def test_the_chat_s_keys_work_from_the_question_box_a_selected_answer_and_the_sidebar(library: Library,
                                                                                            tmp_path: Path):
    from tui.source_list import SourceList

    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        first = await ask(app, pilot, "When was the MSS authorized?")
        await ask(app, pilot, "How many people have been displaced?")
        await pilot.press("shift+tab", "tab")  # the newest answer, then the sidebar's list
        assert isinstance(app.focused, SourceList)
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: not app.query(AnswerView), "the clear, from the sidebar")
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: len(app.query(AnswerView)) == 2, "the undo, from the sidebar")
        await pilot.press("ctrl+s")
        assert len(list(tmp_path.glob("qa-conversation-*.md"))) == 1
        await pilot.press("ctrl+f", *"authorized")  # from the sidebar to the find bar
        assert app.query_one(FindBar).matches[-1].answer.question == first.answer.question
        await pilot.press("escape")
        assert app.focused is app.query_one(QuestionInput)
        await pilot.press("ctrl+y")  # from the question box
        assert "## How many people have been displaced?" in app.clipboard
        app.query(AnswerView).first().focus()
        await pilot.press("f1")  # the app's own keys from a selected answer
        assert isinstance(app.screen, HelpScreen)


async def test_the_help_and_the_palette_list_each_piece_s_keys_where_they_apply(library: Library, tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "garden.txt").write_text("Garden diary\n\nThe tomatoes were planted in May.\n")
    library.add([notes], link=True)
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ask(app, pilot, "When was the MSS authorized?")

        def palette() -> set[str]:
            return {command.title for command in app.get_system_commands(app.screen)}

        assert {"Help", "Add", "Sources", "Find", "Export", "Clear", "Copy last answer"} <= palette()
        assert "Undo clear" not in palette() and "All sources" not in palette()  # nothing to undo, no scope
        assert "Keys" not in palette()  # Textual's own key panel, beside our help
        listing = app.query_one(".panel-list")
        listing.cursor = next(n for n, s in enumerate(listing.rows) if s.followed)
        assert "Stop following" in palette()  # the sidebar's, for the source under its cursor
        listing.cursor = next(n for n, s in enumerate(listing.rows) if not s.followed)
        assert "Stop following" not in palette()
        await pilot.press("f1")
        table = rendered(app.screen.query_one("#help-table", Static), width=120)
        assert "In the sidebar" in table and "stop following that folder" in table
        assert "In the conversation and the question box" in table and "clear the conversation" in table
        assert "open citation [n] of the selected answer" in table  # a tooltip is text, not markup


async def test_questions_typed_ahead_in_one_burst_are_asked_one_by_one_as_typed(library: Library, tmp_path: Path):
    """A terminal delivers keys typed quickly (or pasted line by line) in one read: each question
    is asked as typed. Enter as a binding ran after the next question's keys were in the box,
    so every question read "How many officers? AWho arrived in Haiti? B"."""
    from textual import events

    app = make_app(library, tmp_path)
    typed = ["How many officers did Kenya pledge?", "Who arrived in Haiti?"]
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        for question in typed:  # posted at once, before any is handled
            for character in question:
                app.post_message(events.Key(character if character.isalnum() else f"burst-{ord(character)}",
                                            character))
            app.post_message(events.Key("enter", "\r"))
        await wait_for_answers(app, pilot, 2)
        assert [exchange.answer.question for exchange in app.chat.exchanges] == typed
        assert all(typed[i] in rendered(view) for i, view in enumerate(app.query(QuestionView)))
        assert app.query_one(QuestionInput).value == ""


async def test_keys_typed_in_one_burst_in_the_viewer_are_read_in_order(library: Library, tmp_path: Path):
    """"/gang" typed at once in the viewer searches for "gang": the letters went to the text,
    still focused while / opened the search box, and g jumped to the top."""
    from textual import events

    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "How many people have been displaced?")
        view.focus()
        text = await open_viewer(app, pilot, "1")
        scrolled = text.scroll_y
        for key, character in (("slash", "/"), ("g", "g"), ("a", "a"), ("n", "n"), ("g", "g")):
            app.post_message(events.Key(key, character))
        search = app.screen.query_one("#passage-search", Input)
        await wait_until(pilot, lambda: search.value == "gang", "the search for gang")
        assert app.focused is search and text.matches
        for key, character in (("escape", "\x1b"), ("g", "g"), ("j", "j")):  # back in the text: its keys
            app.post_message(events.Key(key, character))
        await wait_until(pilot, lambda: text.scroll_y == 1, "the top, then a line down")
        assert app.focused is text and scrolled > 1
        for key, character in (("slash", "/"), ("g", "g"), ("a", "a"), ("n", "n"), ("g", "g"), ("enter", "\r"),
                               ("n", "n"), ("n", "n")):  # enter ends the search, n and n step through it
            app.post_message(events.Key(key, character))
        help_line = app.screen.query_one("#passage-help", Static)
        await wait_until(pilot, lambda: app.focused is text and "match" in rendered(help_line), "back in the text")
        assert search.value == "gang" and "no match" not in rendered(help_line)  # the n's were not typed in it


async def test_a_question_pasted_over_several_lines_is_kept_whole(library: Library, tmp_path: Path):
    from textual import events

    app = make_app(library, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        box = app.query_one(QuestionInput)
        box.value = "Tell me: "
        box.post_message(events.Paste("how many officers\n  did Kenya\r\npledge?\n"))
        await wait_until(pilot, lambda: box.value != "Tell me: ", "the paste")
        assert box.value == "Tell me: how many officers did Kenya pledge?"
        box.value = ""
        await pilot.press("shift+tab")  # the sidebar's list (no answer yet): a paste there goes to the box
        app.focused.post_message(events.Paste("Who arrived?"))
        await wait_until(pilot, lambda: box.value == "Who arrived?", "the paste in the box")
        assert app.focused is box


async def test_the_command_palette_does_not_show_the_keys_of_the_screen_under_it(library: Library, tmp_path: Path):
    from textual.command import CommandPalette
    from textual.widgets import Footer

    app = make_app(library, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        footer = app.query_one(Footer)
        assert footer.visible
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        assert not footer.visible
        await pilot.press("escape")
        await wait_until(pilot, lambda: footer.visible, "the footer back")


async def test_every_key_of_a_selected_follow_up_fits_the_footer_at_80_columns(library: Library, tmp_path: Path):
    from textual.widgets._footer import FooterKey

    app = make_app(library, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(app, pilot, "How many officers did Kenya pledge?")
        follow_up = await ask(app, pilot, "When did they arrive?")
        assert follow_up.answer.interpreted_as  # read as a follow-up
        follow_up.focus()
        await pilot.pause()
        shown = {key.description: key.region for key in app.screen.query(FooterKey)}
        assert {"Ask alone", "Sources"} <= set(shown)
        regions = sorted(shown.values(), key=lambda region: region.x)  # each key whole, none under another
        assert all(a.right <= b.x for a, b in zip(regions, regions[1:])) and regions[-1].right <= 80, shown
        await pilot.resize_terminal(120, 40)  # wide again: the palette's key comes back
        await wait_until(pilot, lambda: "palette" in {key.description for key in app.screen.query(FooterKey)},
                         "the palette's key")
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: "palette" not in {key.description for key in app.screen.query(FooterKey)},
                         "the palette's key gone")


def test_every_row_of_an_indented_line_with_wide_or_non_ascii_characters_fits_the_width():
    """A man page's indented line with a non-ASCII hyphen lost its end at 80 columns: the
    indentation was not counted, so the row was wider than the viewer and cut."""
    from rich.cells import cell_len

    from tui.passage_text import paragraphs, wrap

    text = ("       The  gzip command will only attempt to compress regular files.  In par‐\n"
            "    漢字の段落は幅が二つのセルを取ります。 Wide characters take two cells each, here.\n")
    for width in range(20, 90):
        starts, ends, owners = wrap(text, paragraphs(text), width)
        rows = [text[start:end].rstrip() for start, end in zip(starts, ends)]
        assert all(cell_len(row) <= width for row in rows), (width, rows)
        assert "".join(text[start:end] for start, end in zip(starts, ends)) == text.replace("\n", ""), width


def test_the_viewer_leaves_a_blank_row_only_where_the_source_has_a_blank_line():
    """A man page's or a Markdown file's paragraph spans lines: they read as one block, not
    double-spaced; paragraphs keep the blank row between them."""
    from tui.passage_text import paragraphs, wrap

    text = "/var/lib/dpkg/available\n    List of available packages.\n\nNext paragraph."
    starts, ends, owners = wrap(text, paragraphs(text), 80)
    shown = [text[start:end].strip() if owner >= 0 else "" for start, end, owner in zip(starts, ends, owners)]
    assert shown == ["/var/lib/dpkg/available", "List of available packages.", "", "Next paragraph."]


async def test_keys_typed_right_after_a_citation_s_number_go_to_the_viewer(library: Library, tmp_path: Path):
    """On a selected answer, "1" then "jj" in one burst: the keys are the viewer's (they went to
    the question box while the viewer was opening)."""
    from textual import events

    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "How many people have been displaced?")
        view.focus()
        await pilot.pause()
        for key in ("1", "j", "j"):
            app.post_message(events.Key(key, key))
        await wait_until(pilot, lambda: isinstance(app.screen, PassageScreen), "the viewer")
        await pilot.pause(0.3)
        assert isinstance(app.screen, PassageScreen) and app.query_one(QuestionInput).value == ""
