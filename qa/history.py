"""What a conversation leaves behind: the questions asked and the last conversation, per library.

The conversation cleared (ctrl+l in the UI) is kept too, until the next question, so that it
can still be brought back after a restart.

Kept in ``<sources>/.qa/conversation.json`` (the folder's ``.gitignore`` of ``*`` covers it),
written atomically after each answer so a crash loses at most the answer being written. A
missing or unreadable file is an empty history, never an error: history is a convenience.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ValidationError

from qa.files import atomic_write
from qa.models import Answer
from qa.store import INDEX_DIR

HISTORY_FILE = "conversation.json"
# Enough to scroll back through weeks of questions; a conversation longer than this is cut
# from the front, so the file stays small enough to rewrite after every answer.
MAX_QUESTIONS = 1000
MAX_ANSWERS = 100


class History(BaseModel):
    questions: list[str] = []
    answers: list[Answer] = []
    cleared: list[Answer] = []
    # For each answer (and each cleared one), the titles of the sources it was asked within; none:
    # all of them. Kept beside the answers, so a history written before them still reads.
    within: list[list[str]] = []
    cleared_within: list[list[str]] = []

    def exchanges(self, cleared: bool = False) -> list[tuple[Answer, tuple[str, ...]]]:
        """The answers (or the cleared ones), each with the titles it was asked within."""
        answers, within = (self.cleared, self.cleared_within) if cleared else (self.answers, self.within)
        return [(answer, tuple(within[n]) if n < len(within) else ()) for n, answer in enumerate(answers)]


def history_path(folder: Path) -> Path:
    return folder / INDEX_DIR / HISTORY_FILE


def load(folder: Path) -> History:
    """The saved history of the library in ``folder``, or an empty one."""
    try:
        return History.model_validate_json(history_path(folder).read_bytes())
    except (OSError, ValueError, ValidationError):
        return History()


def save(folder: Path, history: History) -> None:
    """Replace the saved history. Raises OSError when the folder cannot be written."""
    path = history_path(folder)
    path.parent.mkdir(exist_ok=True)
    kept = History(questions=history.questions[-MAX_QUESTIONS:], answers=history.answers[-MAX_ANSWERS:],
                   cleared=history.cleared[-MAX_ANSWERS:], within=history.within[-MAX_ANSWERS:],
                   cleared_within=history.cleared_within[-MAX_ANSWERS:])
    atomic_write(path, kept.model_dump_json().encode())
