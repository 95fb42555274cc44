"""Untrusted text (sources, titles, file names, questions) on its way to the screen.

Everything a source or a user wrote reaches a widget through `shown`: a `rich.text.Text`, so
square brackets are never read as markup, with control characters replaced by their visible
pictures one for one (so offsets into the text still hold), so a file cannot send escape
sequences to the terminal.
"""

from __future__ import annotations

from rich.text import Text

_CONTROLS = str.maketrans({code: chr(0x2400 + code) for code in range(0x20) if chr(code) not in "\n\t"}
                          | {0x7F: "\u2421"})


def shown(text: str, style: str = "") -> Text:
    return Text(text.translate(_CONTROLS), style=style)


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


def plural(count: int, noun: str) -> str:
    """``1 source``, ``2 sources``, ``1,200 chunks``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
