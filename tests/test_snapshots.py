"""What a person sees, pinned as SVG snapshots at 80×24 (update with `pytest --snapshot-update`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import Library
from tui.app import QaApp
from tui.widgets import AnswerView, QuestionInput

SIZE = (80, 24)


@pytest.fixture
def app(library: Library, tmp_path: Path) -> QaApp:
    return QaApp(library, export_dir=tmp_path, cursor_blink=False)


async def ask(pilot, question: str) -> None:
    pilot.app.query_one(QuestionInput).value = question
    await pilot.press("enter")
    for _ in range(200):
        await pilot.pause(0.02)
        if pilot.app.query(AnswerView):
            break
    await pilot.pause()


def test_welcome_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE)


def test_answered_question(snap_compare, app):
    async def run_before(pilot):
        await pilot.press("ctrl+b")
        await ask(pilot, "How many people have been displaced?")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_passage_viewer(snap_compare, app):
    async def run_before(pilot):
        await ask(pilot, "How many people have been displaced?")
        pilot.app.query_one(AnswerView).focus()
        await pilot.press("2")
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_add_source_dialog(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, press=["ctrl+o"])


def test_help_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, press=["f1"])
