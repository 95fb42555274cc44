"""Opening, adding, browsing and removing sources in the terminal UI, with slow work made slow on purpose."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pypdfium2
import pytest
from textual.widgets import Checkbox, Input, Static

from bench.documents import paragraphs, report_pdf
from qa import Library, LibraryError
from tests.tui_pilot import (
    another_writer,
    ask,
    gated_add,
    make_app,
    many_sources,
    notifications,
    open_the_add_s_progress,
    ready,
    rendered,
    wait_until,
    with_a_held_add,
)
from tui.browser import SourcesScreen
from tui.dialogs import AddPathScreen, AddProgressScreen, ConfirmScreen, HelpScreen
from tui.indexing import IndexingStatus
from tui.sidebar import SourcesPanel
from tui.source_list import SourceList
from tui.text import size
from tui.transcript import Busy
from tui.viewer import PassageScreen
from tui.widgets import AnswerView, QuestionInput, QuestionView, QuoteLine


def article(folder: Path, name: str, title: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"{title}\n\n{body}\n")
    return path


async def test_typing_is_accepted_while_the_library_opens(library: Library, tmp_path: Path):
    opened = threading.Event()

    def slow_open() -> Library:
        opened.wait(10)
        return library

    app = make_app(slow_open, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert "Opening the library" in rendered(app.query_one(".welcome", Static))
        assert app.focused is app.query_one(QuestionInput)
        await pilot.press(*"When was the MSS authorized?", "enter")
        assert "still opening" in rendered(app.query_one(".busy-label", Static)) and not app.query(AnswerView)
        opened.set()
        await wait_until(pilot, lambda: app.query(AnswerView), "the waiting question's answer")
        assert not app.query(Busy)
        assert "2 sources" in rendered(app.query_one(".welcome", Static))


def pairs(app) -> list[tuple[str, str]]:
    """The transcript as (question shown, question its answer answers), in order; a question
    still waiting has "" for its answer."""
    shown: list[tuple[str, str]] = []
    for view in app.chat.transcript.children:
        if isinstance(view, QuestionView):
            shown.append((view.question, ""))
        elif isinstance(view, AnswerView) and shown:
            shown[-1] = (shown[-1][0], view.answer.question)
    return shown


async def test_a_question_asked_while_the_library_opens_is_shown_after_the_last_conversation(
        library: Library, tmp_path: Path):
    """It was answered and saved, but shown nowhere: the restored conversation was put after
    it, and its answer... (5 of 6 starts in a terminal)."""
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ask(app, pilot, "When was the MSS authorized?")
    opened = threading.Event()
    app = make_app(lambda: opened.wait(10) and library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press(*"How many officers did Kenya pledge?", "enter")
        opened.set()
        await wait_until(pilot, lambda: len(app.query(AnswerView)) == 2 and not app.query(Busy), "the answer")
        assert pairs(app) == [("When was the MSS authorized?",) * 2, ("How many officers did Kenya pledge?",) * 2]
        assert app.chat.transcript.children[-1] is app.query(AnswerView).last()


async def test_answers_to_a_burst_of_questions_land_under_their_own_questions(library: Library, tmp_path: Path):
    """Five questions typed (or pasted line by line) at once: answers arriving faster than the
    transcript removed each "Finding the passages" line were put under the wrong questions,
    and the last stayed "Finding…" for good (3 of 3 tries in a terminal, 19,800 sources)."""
    from textual import events

    typed = ["How many officers did Kenya pledge?", "Who arrived in Haiti?", "When was the MSS authorized?",
             "How many people have been displaced?", "Who is the main sponsor?"]
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        for question in typed[:2]:
            for character in question:
                app.post_message(events.Key(character if character.isalnum() else f"burst-{ord(character)}",
                                            character))
            app.post_message(events.Key("enter", "\r"))
        await wait_until(pilot, lambda: len(app.chat.exchanges) == 2 and not app.query(Busy), "two answers")
        transcript = app.chat.transcript
        for question in typed[2:]:
            transcript.asked(question, waiting_for_library=False)
        for question in typed[2:]:  # each answer comes before the "Finding…" line above it is gone
            transcript.answered(library.ask(question), (), None)
        await wait_until(pilot, lambda: not app.query(Busy), "no question left waiting")
        assert pairs(app) == [(question, question) for question in typed]


async def test_a_waiting_question_told_the_library_opened_before_it_is_drawn_says_it_is_being_answered():
    """Five questions sent as the library opened: one's waiting line was told so before its
    label existed, and the app died (NoMatches), 1 of 8 tries in a terminal."""
    from textual.app import App

    busy = Busy(waiting_for_library=True)
    busy.library_opened()
    async with App().run_test() as pilot:
        await pilot.app.mount(busy)
        assert "Finding the passages" in rendered(busy.query_one(".busy-label", Static))


def test_the_welcome_s_long_titles_wrap_under_their_first_word():
    from tui.widgets import welcome

    long = "The Kennet and Lambourn survey of spawning redds, with notes on the water temperature, part"
    sources = [source.model_copy(update={"title": f"{long} {n}"}) for n, source in enumerate(many_sources(4))]
    rows = rendered(Static(welcome(sources)), width=50).splitlines()
    at = rows.index("4 sources, including:")
    assert rows[at + 1].startswith("  • The Kennet")
    assert rows[at + 2].startswith("    ") and rows[at + 2].strip()  # the rest of the title, indented
    assert not any(row.startswith(("spawning", "temperature", "water", "part")) for row in rows)


def test_the_welcome_marks_a_followed_folder_s_sources_and_says_where_a_generic_title_is():
    from tui.widgets import welcome

    readme, garden, report = many_sources(3)
    sources = [readme.model_copy(update={"id": "docs/manual/README.md", "title": "README"}),
               garden.model_copy(update={"id": "notes/garden.txt", "title": "Garden diary", "followed": "notes"}),
               report]
    rows = rendered(Static(welcome(sources)), width=80).splitlines()
    assert "  • README  docs/manual/" in rows and "  ↻ Garden diary  notes/" in rows
    assert "  • Quarterly report number 2" in rows
    assert "↻ a followed folder's file, read where it is and kept in sync." in rows


async def test_a_library_that_cannot_open_ends_the_app_with_the_reason(tmp_path: Path):
    def failing_open() -> Library:
        raise LibraryError(f"{tmp_path / 'x'} is not a folder.")

    app = make_app(failing_open, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_until(pilot, lambda: not app.is_running, "the app to exit")
    assert app.return_code == 1


async def test_adding_shows_progress_escape_hides_it_and_typing_lands_in_the_question_box(
        library: Library, tmp_path: Path, monkeypatch):
    new = tmp_path / "new"
    new.mkdir()
    article(new, "eruption.txt", "Volcano erupts near Grindavik", "The volcano near Grindavik erupted on Tuesday night.")
    article(new, "flood.txt", "River floods the valley", "The river flooded the valley on Monday.")
    (new / "empty.txt").write_text("")
    gate, reported = threading.Event(), threading.Event()
    monkeypatch.setattr("qa.background.BackgroundAdd", gated_add(gate, reported))
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, AddPathScreen), "the add dialog")
        app.screen.query_one(Input).value = str(new)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AddProgressScreen) and "1 of 3 files · 25% of 400 B · second-report.txt"
                         in rendered(app.screen.query_one(".indexing-label", Static)), "progress in the dialog")
        await pilot.press("escape", *"When did")  # escape hides; the add goes on
        box = app.query_one(QuestionInput)
        assert not isinstance(app.screen, AddProgressScreen) and app.focused is box
        assert box.value == "When did" and app.adding.job is not None and not app.adding.job.cancelled
        sidebar = app.query_one(SourcesPanel).query_one(IndexingStatus)
        assert sidebar.display and "25%" in rendered(sidebar.query_one(".indexing-label", Static))
        gate.set()
        await wait_until(pilot, lambda: not sidebar.display, "the add to finish")
        await wait_until(pilot, lambda: len(app.query_one(".panel-list", SourceList).rows) == 4,
                         "the sidebar to list the new sources")
        [message] = [m for m in notifications(app) if m.startswith("Added")]
        assert re.fullmatch(r"Added 2 sources \(\d+ chunks\), 1 could not be added: empty\.txt is empty\.", message)
        view = await ask(app, pilot, "When did the volcano erupt?")
        assert "Tuesday night" in rendered(view.query(QuoteLine).first())


async def test_hide_by_keyboard_then_cancel_from_the_dialog_or_the_sidebar(library: Library, tmp_path: Path,
                                                                           monkeypatch):
    async with with_a_held_add(library, tmp_path, monkeypatch) as (app, pilot):
        await open_the_add_s_progress(app, pilot)
        await pilot.press("enter")  # Hide has the focus
        assert not isinstance(app.screen, AddProgressScreen) and app.focused is app.query_one(QuestionInput)
        await pilot.click(".indexing-cancel")  # the sidebar's button cancels; no dialog comes back
        await wait_until(pilot, lambda: app.adding.job is None, "the add to stop")
        assert not isinstance(app.screen, AddProgressScreen)
        assert any(m.startswith("Cancelled.") for m in notifications(app))
        await open_the_add_s_progress(app, pilot)
        await pilot.press("c")
        await wait_until(pilot, lambda: app.adding.job is None, "the second add to stop")
        assert app.focused is app.query_one(QuestionInput)


async def test_questions_are_answered_while_an_add_waits(library: Library, tmp_path: Path):
    source = article(tmp_path, "eruption.txt", "Volcano erupts", "The volcano erupted on Tuesday night.")
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        with another_writer(library.folder):  # the add's child process waits for its turn to write
            await pilot.press("ctrl+o")
            await wait_until(pilot, lambda: isinstance(app.screen, AddPathScreen), "the add dialog")
            app.screen.query_one(Input).value = str(source)
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, AddProgressScreen), "the progress dialog")
            label = app.screen.query_one(".indexing-label", Static)
            await wait_until(pilot, lambda: "Looking for files" in rendered(label), "the child to start")
            await pilot.click("#add-hide")
            view = await ask(app, pilot, "How many officers has Kenya pledged to send?")
            assert "600 more police officers" in rendered(view.query(QuoteLine).first())
            assert app.adding.job is not None
            await pilot.press("ctrl+o")
            await wait_until(pilot, lambda: isinstance(app.screen, AddProgressScreen), "the progress dialog")
            await pilot.click("#add-cancel")
            sidebar = app.query_one(SourcesPanel).query_one(IndexingStatus)
            # The dialog is dismissed first, then the add is cancelled: a refresh or two later under load.
            await wait_until(pilot, lambda: "Cancelling" in rendered(sidebar.query_one(".indexing-label", Static)),
                             "the sidebar to say the add is cancelling")
        await wait_until(pilot, lambda: app.adding.job is None, "the add to stop")
        assert any(m.startswith("Cancelled. Added 0 sources") for m in notifications(app)), notifications(app)
        assert not (library.folder / "eruption.txt").exists()
        await wait_until(pilot, lambda: len(app.query_one(".panel-list", SourceList).rows) == 3,
                         "the other writer's source in the sidebar")


async def test_a_slow_older_listing_never_puts_a_stale_count_back(library: Library, tmp_path: Path):
    # Two listings in flight (an add's last batch, then its end): the older one finishing last
    # must not show its count over the newer one's.
    first_read, release = threading.Event(), threading.Event()
    older, newer = many_sources(12), many_sources(15)

    class Listing:
        generation = 0

        def __init__(self) -> None:
            self.calls = 0

        @property
        def sources(self) -> list:
            self.calls += 1
            if self.calls == 1:
                first_read.set()
                release.wait(10)
                return older
            return newer

    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        sidebar = app.query_one(SourcesPanel)
        sidebar.library = Listing()
        sidebar.list_again()
        await wait_until(pilot, first_read.is_set, "the first listing to start")
        sidebar.list_again()
        title = sidebar.query_one(".panel-title", Static)
        await wait_until(pilot, lambda: rendered(title) == "Sources (15)", "the newer listing")
        release.set()
        await wait_until(pilot, lambda: all(w.is_finished for w in app.workers if w.group == "listing"),
                         "the older listing to end")
        assert rendered(title) == "Sources (15)"


async def test_a_bad_path_shows_the_error_in_the_dialog(library: Library, tmp_path: Path):
    bad = tmp_path / "table.xlsx"
    bad.write_text("a,b\n")
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, AddPathScreen), "the add dialog")
        app.screen.query_one(Input).value = str(bad)
        await pilot.press("enter")
        # The dialog closes with the path and opens again with the error: the new one may not be
        # composed yet when it is first looked at (under load, it was not in 2 of 4 full runs).
        await wait_until(pilot, lambda: isinstance(app.screen, AddPathScreen) and any(
            "not a supported format" in rendered(error) for error in app.screen.query("#add-error").results(Static)),
            "the error")
        assert app.screen.query_one(Input).value == str(bad)
        # A path that does not exist is said at once, in the same dialog, and nothing starts.
        dialog = app.screen
        dialog.query_one(Input).value = str(tmp_path / "missing-report.pdf")
        await pilot.press("enter")
        assert app.screen is dialog and app.adding.job is None
        assert rendered(dialog.query_one("#add-error", Static)) == f"{tmp_path / 'missing-report.pdf'} does not exist."
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.focused is app.query_one(QuestionInput), "the question box focused")


async def add_from_the_dialog(app, pilot, path: Path, *options: str) -> None:
    """Open the add dialog, type ``path``, tick ``options`` (checkbox ids) by keyboard, and add."""
    await pilot.press("ctrl+o")
    await wait_until(pilot, lambda: isinstance(app.screen, AddPathScreen), "the add dialog")
    dialog = app.screen
    dialog.query_one(Input).value = str(path)
    for option in options:
        box = dialog.query_one(f"#{option}", Checkbox)
        for _ in range(8):  # Tab moves along the dialog; the box is reached by keyboard
            if app.focused is box:
                break
            await pilot.press("tab")
        assert app.focused is box, f"{option} not reachable by Tab"
        await pilot.press("space")
        assert box.value
    await pilot.press("shift+tab")  # off the checkbox: enter in the path box adds
    dialog.query_one(Input).focus()
    await pilot.press("enter")


def source_ids(app) -> set[str]:
    return {source.id for source in app.query_one(".panel-list", SourceList).rows}


async def test_a_folder_followed_from_the_add_dialog_picks_up_a_new_file(library: Library, tmp_path: Path,
                                                                          monkeypatch):
    monkeypatch.setattr("tui.sidebar.FOLLOW_EVERY", 0.2)  # the poll, made quick for the test
    notes = tmp_path / "notes"
    (notes / "trips").mkdir(parents=True)
    article(notes / "trips", "iceland.txt", "Iceland trip", "The volcano near Grindavik erupted on Tuesday night.")
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await add_from_the_dialog(app, pilot, notes, "add-link")
        await wait_until(pilot, lambda: "notes/trips/iceland.txt" in source_ids(app), "the followed folder's file")
        assert [folder.path for folder in library.followed()] == [notes]
        assert not (library.folder / "notes" / "trips" / "iceland.txt").is_symlink()  # the folder, not its files
        article(notes, "flood.txt", "River floods the valley", "The river flooded the valley on Monday.")
        await wait_until(pilot, lambda: "notes/flood.txt" in source_ids(app), "the new file, picked up by the poll")
        view = await ask(app, pilot, "When did the river flood the valley?")
        assert "Monday" in rendered(view.query(QuoteLine).first())
        assert any(m.startswith("Following notes: 1 source (") for m in notifications(app))  # as `qa add --link` says
        await add_from_the_dialog(app, pilot, notes, "add-link")  # followed again: nothing new, and said so
        await wait_until(pilot, lambda: f"{notes} is already in the sources as notes; nothing changed."
                         in notifications(app), "the second add's summary")
    assert (notes / "flood.txt").exists() and (notes / "trips" / "iceland.txt").exists()


async def test_hidden_files_are_added_from_the_dialog_only_when_asked(library: Library, tmp_path: Path):
    docs = tmp_path / "docs"
    (docs / ".drafts").mkdir(parents=True)
    article(docs, "guide.txt", "Guide", "The guide explains the river.")
    article(docs / ".drafts", "plan.txt", "Plan", "The plan is to visit the glacier in June.")
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await add_from_the_dialog(app, pilot, docs)
        await wait_until(pilot, lambda: "docs/guide.txt" in source_ids(app) and app.adding.job is None, "the add")
        assert not any("plan" in source for source in source_ids(app))
        assert any(re.fullmatch(r'Added 1 source \(\d+ chunks?\), 1 hidden file skipped \(\.drafts/\): '
                                r'tick "Include hidden files" to add them\.', m) for m in notifications(app))
        await add_from_the_dialog(app, pilot, docs, "add-hidden")
        # Stored without its dot, so the library's own scan does not skip it.
        await wait_until(pilot, lambda: "docs/drafts/plan.txt" in source_ids(app), "the hidden file added")
        assert any(re.fullmatch(r"Added 1 source \(\d+ chunks?\), 1 already there\.", m) for m in notifications(app))


async def test_following_unticks_and_disables_hidden_files(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: isinstance(app.screen, AddPathScreen), "the add dialog")
        hidden, link = app.screen.query_one("#add-hidden", Checkbox), app.screen.query_one("#add-link", Checkbox)
        hidden.value = True
        link.value = True
        await wait_until(pilot, lambda: hidden.disabled, "hidden files disabled")
        assert not hidden.value  # a followed folder's hidden files are never read: not promised


async def test_the_browser_filters_ten_thousand_sources_as_you_type(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.push_screen(SourcesScreen(many_sources(10_000)))
        await pilot.pause()
        listing = app.screen.query_one(SourceList)
        assert len(listing.rows) == 10_000
        await pilot.press(*"number 9999")
        assert [s.id for s in listing.rows] == ["report-9999"]
        assert "1 of 10,000 sources" in rendered(app.screen.query_one("#browser-count", Static))
        await pilot.press("backspace")
        assert len(listing.rows) == 19  # 999, 1999 … 8999, and 9990 … 9999
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.focused is app.query_one(QuestionInput), "the question box focused")


async def test_enter_in_the_browser_opens_the_source(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), "the browser")
        await pilot.press(*"ruto", "enter")
        assert isinstance(app.screen, PassageScreen)
        assert "Kenyan Ruto arrives" in rendered(app.screen.query_one("#passage-title", Static))


async def test_the_browser_shows_each_source_s_format_size_and_counts(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("f2", *"ruto")
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), "the browser")
        listing = app.screen.query_one(SourceList)
        [source] = listing.rows
        row = " ".join(listing.render_line(0).text.split())
        assert row.startswith("Kenyan Ruto arrives")
        assert row.endswith(f"txt {size(source.size)} {source.paragraphs} ¶ {source.chunks} ch")
        await pilot.resize_terminal(80, 24)  # narrow: the title keeps its room, the counts go
        await wait_until(pilot, lambda: " ¶ " not in listing.render_line(0).text, "the compact row")
        row = " ".join(listing.render_line(0).text.split())
        assert row.startswith("Kenyan Ruto arrives in Haiti to assess") and row.endswith(f"txt {size(source.size)}")


async def test_the_browser_shows_the_folder_a_source_is_in_so_a_path_filter_makes_sense(
        library: Library, tmp_path: Path):
    docs = tmp_path / "docs"
    (docs / "manual").mkdir(parents=True)
    article(docs / "manual", "backup.txt", "Backups", "Backups run every night.")
    library.add([docs])
    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("f2", *"manual")  # matches the path, not the title
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen)
                         and len(app.screen.query_one(SourceList).rows) == 1, "the filtered browser")
        listing = app.screen.query_one(SourceList)
        assert " ".join(listing.render_line(0).text.split()).startswith("Backups docs/manual/ txt")
        app.screen.query_one("#browser-filter", Input).value = ""
        await wait_until(pilot, lambda: len(listing.rows) == 3, "every source")
        flat = [listing.render_line(y).text for y in range(3) if "Kenya pledges" in listing.render_line(y).text]
        assert flat and "/" not in flat[0].split("txt")[0]  # a source outside folders: its title alone


async def test_the_browser_shows_the_pages_of_a_pdf_and_the_sections_of_a_document(library: Library,
                                                                                    tmp_path: Path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "report.pdf").write_bytes(report_pdf(
        [("Summary", paragraphs(8, seed=4)), ("Spawning survey", paragraphs(6, seed=5))], title="River report"))
    (incoming / "guide.md").write_text("# Field guide\n\n## Water\n\nCold water.\n\n## Fish\n\nTrout.\n\n"
                                       "## Birds\n\nHerons.\n")
    library.add([incoming])
    pages = len(pypdfium2.PdfDocument(incoming / "report.pdf"))
    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), "the browser")
        listing = app.screen.query_one(SourceList)

        def row(title: str) -> str:
            index = next(i for i, s in enumerate(listing.rows) if s.title.startswith(title))
            return " ".join(listing.render_line(index).text.split())

        await wait_until(pilot, lambda: " pp " in row("River report"), "the PDF's pages")
        assert pages > 1 and f" {pages} pp " in row("River report")
        assert " 3 § " in row("Field guide")
        assert " § " not in row("Kenya pledges")


async def test_the_sidebar_follows_what_another_process_adds_and_removes(library: Library, tmp_path: Path,
                                                                         monkeypatch):
    """`qa remove` in another terminal: the sidebar still listed the source after 6 s."""
    monkeypatch.setattr("tui.sidebar.FOLLOW_EVERY", 0.2)  # the poll, made quick for the test
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.pause(0.5)
        other = Library.open(library.folder)  # as another `qa` process would
        other.remove(["ruto-arrives-in-haiti-as-insecurity-deepens"])
        await wait_until(pilot, lambda: len(app.query_one(".panel-list", SourceList).rows) == 1, "the removal")
        assert "Sources (1)" in rendered(app.query_one(".panel-title", Static))
        article(tmp_path, "flood.txt", "River floods the valley", "The river flooded the valley on Monday.")
        other.add([tmp_path / "flood.txt"])
        await wait_until(pilot, lambda: len(app.query_one(".panel-list", SourceList).rows) == 2, "the addition")


def test_a_confirmation_for_one_source_speaks_of_one_and_of_no_original_it_lacks():
    from tui.browser import removal

    [copied, followed] = [s.model_copy(update={"origin": None}) for s in many_sources(2)]
    followed = followed.model_copy(update={"followed": "notes"})
    _, detail, _ = removal([copied], [], [copied, followed])
    assert "The file is deleted from" in str(detail) and "original" not in str(detail)
    _, detail, _ = removal([copied.model_copy(update={"origin": Path("/home/ana/report.txt")})], [], [copied])
    assert "the original you added it from is not touched" in str(detail)
    _, detail, _ = removal([], ["notes"], [copied, followed])
    assert "1 source leaves the library" in str(detail)


async def test_keys_typed_with_f2_wait_for_the_browser_s_list(library: Library, tmp_path: Path, monkeypatch):
    """f2 "ruto" tab space at once over a big library: the space reached the list before it was
    filled, and nothing was marked (17,000 sources in a terminal; here a slow listing)."""
    from textual import events

    import tui.browser

    quick = tui.browser.haystack

    def slow_haystack(source):
        time.sleep(0.2)
        return quick(source)

    monkeypatch.setattr(tui.browser, "haystack", slow_haystack)
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        for key, character in (("f2", None), *((c, c) for c in "ruto"), ("tab", "\t"), ("space", " ")):
            app.post_message(events.Key(key, character))
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen) and app.screen.listing.marked,
                         "the source marked")
        assert app.screen.listing.marked == {"ruto-arrives-in-haiti-as-insecurity-deepens"}
        assert app.screen.query_one("#browser-filter", Input).value == "ruto"


async def test_remove_marked_sources_after_a_confirmation_naming_them(library: Library, tmp_path: Path):
    from textual import events

    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), "the browser")
        await pilot.press("f2")  # already open: no second browser on top of it
        await pilot.pause(0.2)
        assert len(app.screen_stack) == 2
        await pilot.press("tab", "space", "space", "ctrl+r")
        assert isinstance(app.screen, ConfirmScreen)
        detail = rendered(app.screen.query_one("#confirm-detail Static", Static))
        assert "Kenya pledges 600 more officers" in detail and "Kenyan Ruto arrives" in detail
        await pilot.press("n")  # keep them
        assert len(library.sources) == 2
        for key, character in (("ctrl+r", None), ("y", "y")):  # typed at once: y is the confirmation's
            app.post_message(events.Key(key, character))
        await wait_until(pilot, lambda: not library.sources, "the files to be removed")
        assert app.screen.query_one("#browser-filter", Input).value == ""
        await wait_until(pilot, lambda: not app.query_one(".panel-list", SourceList).rows, "the sidebar")
        assert not list(library.folder.glob("*.txt"))


async def test_removing_a_followed_folder_s_source_stops_following_it_and_keeps_its_files(
        library: Library, tmp_path: Path):
    notes = tmp_path / "notes"
    (notes / "work").mkdir(parents=True)
    article(notes / "work", "backup.md", "Backup plan", "The backup runs every Friday at noon.")
    article(notes, "garden.txt", "Garden", "The tomatoes were planted in May.")
    library.add([notes], link=True)
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), "the browser")
        await pilot.press(*"garden")
        await wait_until(pilot, lambda: len(app.screen.query_one(SourceList).rows) == 1, "the filter")
        await pilot.press("tab", "space")  # a source of the followed folder, and one copied in
        app.screen.query_one("#browser-filter", Input).value = "pledges"
        await wait_until(pilot, lambda: len(app.screen.query_one(SourceList).rows) == 1, "the filter")
        await pilot.press("space", "ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        question = rendered(app.screen.query_one("#confirm-question", Static))
        detail = rendered(app.screen.query_one("#confirm-detail Static", Static))
        assert question == "Delete 1 source from the sources folder and stop following notes?"
        assert "2 sources leave the library; the folder and its files are not touched" in detail
        await pilot.press("y")
        await wait_until(pilot, lambda: not library.followed(), "the folder no longer followed")
        await wait_until(pilot, lambda: {s.id for s in app.query_one(".panel-list", SourceList).rows}
                         == {"ruto-arrives-in-haiti-as-insecurity-deepens"}, "the sidebar listed again")
        assert any(m.startswith("Stopped following notes (2 sources); its files in") for m in notifications(app))
    assert (notes / "garden.txt").read_text().startswith("Garden") and (notes / "work" / "backup.md").exists()


async def test_ask_within_a_source_until_escape(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), "the browser")
        await pilot.press(*"ruto", "ctrl+a")
        box = app.query_one(QuestionInput)
        assert app.focused is box and "Ask within Kenyan Ruto arrives" in box.placeholder
        view = await ask(app, pilot, "How many people have been displaced?")
        assert {c.source for c in view.answer.citations} == {"ruto-arrives-in-haiti-as-insecurity-deepens"}
        await pilot.press("escape")
        assert "within" not in box.placeholder
        view = await ask(app, pilot, "How many people have been displaced?")
        assert len({c.source for c in view.answer.citations}) == 2
    app = make_app(library, tmp_path)  # after a restart the first answer still says where it was asked
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        first, second = app.query(AnswerView)
        assert "Asked within Kenyan Ruto arrives" in "".join(rendered(note) for note in first.query(".note"))
        assert "Asked within" not in "".join(rendered(note) for note in second.query(".note"))
        assert "Kenyan Ruto arrives" in app.chat.markdown().split("How many people have been displaced?")[1]


OPEN_IN_THE_UI = """
import sys
from pathlib import Path

from textual.app import App

import qa.ingest
import tui.app
import tui.launcher
from qa import Settings

qa.ingest.PARALLEL_MIN_BYTES = 0  # so that four small new files are analysed in worker processes
opened = []
show = tui.app.QaApp._opened


def opened_then_quit(app, library, sources, past):
    show(app, library, sources, past)
    opened.append(len(sources))
    app.exit()


tui.app.QaApp._opened = opened_then_quit
tui.app.QaApp.run = lambda app: App.run(app, headless=True)
code = tui.launcher.open_ui(lambda: (Path(sys.argv[1]), Settings()))
print(f"exit {code}, opened {opened}")
"""


@pytest.mark.slow
def test_new_files_found_at_start_are_analysed_in_worker_processes_from_inside_the_ui(tmp_path: Path):
    # In a fresh interpreter: multiprocessing's helpers, once running, stay for the whole test run.
    folder = tmp_path / "sources"
    folder.mkdir()
    for n in range(4):
        article(folder, f"report-{n}.txt", f"Report {n}", f"The harbour of town {n} was rebuilt in spring.")
    run = subprocess.run([sys.executable, "-c", OPEN_IN_THE_UI, str(folder)], capture_output=True, text=True,
                         timeout=60)
    assert run.stdout.strip() == "exit 0, opened [4]", run.stderr[-2000:]


async def test_marks_are_counted_across_filters(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.push_screen(SourcesScreen(many_sources(100)))
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), "the browser")
        count = app.screen.query_one("#browser-count", Static)
        await pilot.press(*"number 12", "tab")
        await wait_until(pilot, lambda: app.focused is app.screen.listing, "the list to have focus")
        await pilot.press("space")
        await pilot.press(*"3")  # typing in the list goes on filtering: "number 123" shows nothing
        await pilot.press("backspace", "backspace", "backspace", *"5")
        await wait_until(pilot, lambda: app.screen.listing.rows and app.screen.listing.rows[0].id == "report-5",
                         "the other filter")
        await pilot.press("tab", "space")
        assert "2 marked (1 not shown)" in rendered(count)


# -- the sidebar: followed folders, where a file is, stopping following by keyboard -------------

def followed_and_nested(library: Library, tmp_path: Path) -> Path:
    """A copied folder with a file whose title says nothing of where it is, and a followed folder."""
    docs, notes = tmp_path / "docs", tmp_path / "notes"
    (docs / "manual").mkdir(parents=True)
    (docs / "manual" / "README.md").write_text("Backups run every night at two.\n")
    (notes / "work").mkdir(parents=True)
    article(notes, "garden.txt", "Garden diary", "The tomatoes were planted in May.")
    (notes / "work" / "README.md").write_text("The laptop is backed up every Friday.\n")
    library.add([docs])
    library.add([notes], link=True)
    return notes


def sidebar_rows(app) -> list[str]:
    listing = app.query_one(".panel-list", SourceList)
    return [listing.render_line(y).text.rstrip() for y in range(len(listing.rows))]


def footer_keys(app) -> list[str]:
    from textual.widgets._footer import FooterKey

    return [f"{key.key_display} {key.description}" for key in app.screen.query(FooterKey)]


async def test_the_sidebar_marks_a_followed_folder_s_sources_and_says_where_a_generic_title_is(
        library: Library, tmp_path: Path):
    followed_and_nested(library, tmp_path)
    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        rows = sidebar_rows(app)
        assert any(row.startswith("↻ Garden diary") for row in rows), rows
        # Two files titled README: each its title, then its folder (not a path cut before its name).
        assert "  README  docs/manual/" in rows and "↻ README  notes/work/" in rows, rows
        assert "↻ followed: notes" in rendered(app.query_one(".panel-title", Static))
        welcome = rendered(app.query_one(".welcome", Static))
        assert "• README  docs/manual/" in welcome
        await pilot.press("f2")  # the browser marks them too, and says what the mark means
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen)
                         and len(app.screen.query_one(SourceList).rows) == 5, "the browser")
        listing = app.screen.query_one(SourceList)
        assert any(listing.render_line(y).text.startswith("  ↻ Garden diary") for y in range(5))
        assert "↻ in a followed folder" in rendered(app.screen.query_one("#browser-help", Static))
        assert "followed folder's file, read where it is" in welcome


async def test_u_in_the_sidebar_stops_following_a_folder_after_a_confirmation_and_keeps_its_files(
        library: Library, tmp_path: Path):
    notes = followed_and_nested(library, tmp_path)
    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("shift+tab")  # no answer yet: from the question box to the sidebar's list
        listing = app.query_one(".panel-list", SourceList)
        assert app.focused is listing
        for _ in range(len(listing.rows)):
            if listing.current is not None and not listing.current.followed:
                break
            await pilot.press("down")
        await pilot.pause()
        assert "u Stop following" not in footer_keys(app)  # not on a copied source
        await pilot.press("u")
        assert not isinstance(app.screen, ConfirmScreen)
        for _ in range(len(listing.rows)):
            if listing.current is not None and listing.current.followed:
                break
            await pilot.press("down")
        await wait_until(pilot, lambda: "u Stop following" in footer_keys(app), "the key in the footer")
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation")
        assert rendered(app.screen.query_one("#confirm-question", Static)) == "Stop following notes?"
        assert "the folder and its files are not touched" in rendered(app.screen.query_one("#confirm-detail Static",
                                                                                            Static))
        await pilot.press("n")  # keep following
        await pilot.pause()
        assert library.followed()
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirmation again")
        await pilot.press("y")
        await wait_until(pilot, lambda: not library.followed(), "the folder no longer followed")
        await wait_until(pilot, lambda: not any("Garden" in row for row in sidebar_rows(app)), "the sidebar listed again")
        assert "followed" not in rendered(app.query_one(".panel-title", Static))
        assert any(m.startswith("Stopped following notes (2 sources); its files in") for m in notifications(app))
    assert (notes / "garden.txt").read_text().startswith("Garden diary")


async def test_c_in_the_sidebar_cancels_the_add_and_the_palette_offers_it(library: Library, tmp_path: Path,
                                                                          monkeypatch):
    async with with_a_held_add(library, tmp_path, monkeypatch) as (app, pilot):
        await pilot.press("shift+tab")  # the sidebar's list
        assert isinstance(app.focused, SourceList)
        await pilot.press("c")  # no add: nothing to cancel
        assert not any(m.startswith("Cancelled.") for m in notifications(app))
        app.adding.start([tmp_path])
        await wait_until(pilot, lambda: "c Cancel the add" in footer_keys(app), "the key in the footer")
        assert "Cancel the add" in {command.title for command in app.get_system_commands(app.screen)}
        await pilot.press("c")
        await wait_until(pilot, lambda: app.adding.job is None, "the add to stop")
        assert any(m.startswith("Cancelled.") for m in notifications(app))
        assert "c Cancel the add" not in footer_keys(app)


async def test_progress_that_reaches_the_add_dialog_before_it_is_built_shows_once_it_is():
    """ctrl+o during an add, as the child reports a file: the dialog's progress got the report
    before its bar existed, and the app crashed (NoMatches), taking the add with it."""
    from textual.app import App
    from textual.widgets import ProgressBar

    from qa.models import AddProgress

    class Host(App[None]):
        pass

    app = Host()
    async with app.run_test() as pilot:
        status = IndexingStatus()
        mounting = app.screen.mount(status)
        status.show(AddProgress(files_done=3, files_total=12, bytes_done=30, bytes_total=120), False)
        await mounting
        await pilot.pause()
        assert status.query_one(ProgressBar).progress == 30
        assert "3 of 12" in str(status.query_one(".indexing-label", Static).render())


@pytest.mark.parametrize("key, screen, field", [("f2", SourcesScreen, "#browser-filter"),
                                                 ("ctrl+o", AddPathScreen, Input)])
async def test_keys_typed_right_after_a_key_that_opens_a_screen_go_to_that_screen(
        library: Library, tmp_path: Path, key: str, screen: type, field):
    """f2 then "ruto" in one burst (one terminal read): the keys belong to the browser that f2
    opens, not to the question box under it (they went there while the browser was opening)."""
    from textual import events

    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        app.post_message(events.Key(key, None))
        for character in "ruto":
            app.post_message(events.Key(character, character))
        await wait_until(pilot, lambda: isinstance(app.screen, screen), "the screen")
        await wait_until(pilot, lambda: app.screen.query_one(field).value == "ruto", "the keys in it")
        assert app.query_one(QuestionInput).value == ""


@pytest.mark.parametrize("key", ["f1", "f2"])
async def test_a_screen_opened_then_closed_in_one_burst_leaves_the_question_typed_after_it(
        library: Library, tmp_path: Path, key: str):
    """f2, escape and a question typed at once: the screen opens and closes, the question goes
    to the box (help stayed open and the question was lost; the browser's filter took it)."""
    from textual import events

    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        app.post_message(events.Key(key, None))
        app.post_message(events.Key("alt+w", "w"))  # escape and the next letter, read at once
        for character in "ho":
            app.post_message(events.Key(character, character))
        box = app.query_one(QuestionInput)
        await wait_until(pilot, lambda: box.value == "who", "the question in the box")
        assert len(app.screen_stack) == 1 and app.focused is box


async def test_keys_typed_at_once_in_the_sidebar_reach_the_box_or_the_viewer_they_open(
        library: Library, tmp_path: Path):
    """"who" typed at once in the sidebar's list: the box got the w, and h and o reached the
    list after the focus had left it, and were lost. Enter then "/gang": the viewer it opens
    searches for gang."""
    from textual import events

    def burst(*keys: str) -> None:
        for key in keys:
            app.post_message(events.Key(key, "/" if key == "slash" else "\r" if key == "enter" else key))

    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("shift+tab")  # no answer yet: from the question box to the sidebar's list
        box = app.query_one(QuestionInput)
        burst("w", "h", "o")
        await wait_until(pilot, lambda: box.value == "who", "the three letters in the box")
        box.value = ""
        await pilot.press("shift+tab")
        burst("enter", "slash", "g", "a", "n", "g")
        await wait_until(pilot, lambda: isinstance(app.screen, PassageScreen), "the viewer")
        search = app.screen.query_one("#passage-search", Input)
        await wait_until(pilot, lambda: search.value == "gang", "the search")
        assert box.value == ""


async def test_a_letter_then_a_digit_typed_at_once_on_a_selected_answer_go_to_the_box(
        library: Library, tmp_path: Path):
    """"x1": the x moves the focus to the box, so the 1 is the box's too, not a citation."""
    from textual import events

    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        view = await ask(app, pilot, "How many people have been displaced?")
        view.focus()
        await pilot.pause()
        for key in "x1":
            app.post_message(events.Key(key, key))
        box = app.query_one(QuestionInput)
        await wait_until(pilot, lambda: box.value == "x1", "both in the box")
        assert len(app.screen_stack) == 1


async def test_tab_goes_from_the_question_box_to_the_sidebar_past_the_answers(library: Library, tmp_path: Path):
    """Tab walked through every answer first: 23 presses with about 21 answers."""
    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        for question in ("How many officers did Kenya pledge?", "Who arrived in Haiti?", "When was the MSS authorized?"):
            await ask(app, pilot, question)
        await pilot.press("tab")
        assert app.focused is app.query_one(".panel-list", SourceList)
        await pilot.press("ctrl+b")  # the sidebar hidden: tab goes on as Textual's does
        app.query_one(QuestionInput).focus()
        await pilot.press("tab")
        assert app.focused is not app.query_one(".panel-list", SourceList)


async def test_a_question_typed_in_the_sidebar_goes_to_the_question_box(library: Library, tmp_path: Path):
    """The sidebar's list has two letter keys of its own (u, c); every other letter typed there
    goes to the question box, as on a selected answer."""
    app = make_app(library, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("shift+tab")  # no answer yet: from the question box to the sidebar's list
        assert app.focused is app.query_one(".panel-list", SourceList)
        await pilot.press(*"where is it", "question_mark")
        box = app.query_one(QuestionInput)
        assert app.focused is box and box.value == "where is it?"


async def test_escape_then_a_question_in_one_burst_on_the_add_dialog_hides_it_and_asks(
        library: Library, tmp_path: Path, monkeypatch):
    """Escape and the next letter read at once arrive as one alt+letter. The keys after the
    escape waited for the dialog to close on a callback that Textual keeps with the screen on
    top, lost when that screen closed first: every key after it was held for good (in a
    terminal, 3 of 3 tries)."""
    from textual import events

    async with with_a_held_add(library, tmp_path, monkeypatch) as (app, pilot):
        await open_the_add_s_progress(app, pilot)
        app.post_message(events.Key("alt+w", "w"))
        for character in "ho":
            app.post_message(events.Key(character, character))
        box = app.query_one(QuestionInput)
        await wait_until(pilot, lambda: not isinstance(app.screen, AddProgressScreen), "the dialog hidden")
        await wait_until(pilot, lambda: box.value == "who", "the keys in the question box")
        await pilot.press("f1")  # and the keys after them
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")


async def test_the_add_dialog_opened_and_hidden_again_and_again_while_progress_pours_in(
        library: Library, tmp_path: Path, monkeypatch):
    """ctrl+o, escape, ctrl+o, escape during a big add: a progress report reached the second
    dialog's status between its bar and its button being mounted, and the app died (NoMatches),
    3 of 3 times in a terminal. And a report per file (hundreds a second) must not hold the UI."""
    from qa.background import BackgroundAdd
    from qa.models import AddProgress

    gate = threading.Event()
    reports = []

    class PouringAdd(BackgroundAdd):
        def run(self):
            done = 0
            while not gate.is_set() and not self.cancelled:
                done += 1
                self.progressed(AddProgress(files_done=done, files_total=10_000, bytes_done=done,
                                            bytes_total=10_000, current=Path(f"file-{done}.txt")))
                reports.append(done)
                time.sleep(0.0005)
            return []

    monkeypatch.setattr("qa.background.BackgroundAdd", PouringAdd)
    app = make_app(library, tmp_path)
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await ready(app, pilot)
            app.adding.start([tmp_path])
            for _ in range(4):
                await pilot.press("ctrl+o")
                await wait_until(pilot, lambda: isinstance(app.screen, AddProgressScreen), "the progress dialog")
                await pilot.press("escape")
                await wait_until(pilot, lambda: len(app.screen_stack) == 1, "the dialog hidden")
            await pilot.press(*"who")
            box = app.query_one(QuestionInput)
            await wait_until(pilot, lambda: box.value == "who", "typing during the add")
            assert len(reports) > 100 and app.adding.job is not None
    finally:
        gate.set()


async def test_keys_typed_right_after_hide_reach_the_question_box(library: Library, tmp_path: Path, monkeypatch):
    """Enter on Hide then "who" in one burst: Hide's Enter (a binding) ran after "who" had
    reached the dialog, where it was dropped."""
    from textual import events

    async with with_a_held_add(library, tmp_path, monkeypatch) as (app, pilot):
        await open_the_add_s_progress(app, pilot)
        for key, character in (("enter", "\r"), ("w", "w"), ("h", "h"), ("o", "o")):  # Hide has the focus
            app.post_message(events.Key(key, character))
        box = app.query_one(QuestionInput)
        await wait_until(pilot, lambda: not isinstance(app.screen, AddProgressScreen), "the dialog hidden")
        await wait_until(pilot, lambda: box.value == "who", "the keys in the question box")
        assert app.focused is box and app.adding.job is not None


async def test_a_filter_that_matches_nothing_says_so_and_ctrl_u_clears_it(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("f2", *"zzqx")
        await wait_until(pilot, lambda: isinstance(app.screen, SourcesScreen), "the browser")
        count = app.screen.query_one("#browser-count", Static)
        await wait_until(pilot, lambda: "No title or path holds “zzqx”" in rendered(count), "the sentence")
        await pilot.press("ctrl+u")
        await wait_until(pilot, lambda: rendered(count).startswith("Sources: 2 sources"), "the whole list")
        assert app.screen.query_one("#browser-filter", Input).value == ""
