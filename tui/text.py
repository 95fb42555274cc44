"""Untrusted text (sources, titles, file names, questions) on its way to the screen.

Everything a source or a user wrote reaches a widget through `shown`: a `rich.text.Text`, so
square brackets are never read as markup, made inert by `qa.display.inert` (the CLI's one
function for this), so a file cannot send escape sequences to the terminal. Each control
character becomes its visible picture one for one, so offsets into the text still hold.
Notifications and placeholders take plain strings: those go through `inert` directly.
"""

from __future__ import annotations

from rich.text import Text

from qa.display import describe_os_error, inert


def shown(text: str, style: str = "", multiline: bool = False) -> Text:
    """``text`` for a widget; newlines and tabs kept only when ``multiline`` (a name cannot forge a line)."""
    return Text(inert(text, multiline=multiline), style=style)


def said(error: Exception) -> str:
    """An error (an OSError or one of the library's) as one inert sentence, for a notification."""
    return describe_os_error(error) if isinstance(error, OSError) else inert(str(error))


def flat(text: str, style: str = "") -> Text:
    """``text`` on one line: each line break or tab becomes a space (one for one: offsets hold)."""
    return shown(text.translate(_FLAT), style)


_FLAT = str.maketrans("\n\r\t\v\f", "     ")


def size(count: int) -> str:
    """Bytes as a person reads them: ``812 B``, ``14 KB``, ``3.2 MB``."""
    value, unit = float(count), "B"
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            break
        value /= 1000
    if unit == "B":
        return f"{count} B"
    return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
