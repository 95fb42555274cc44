"""Untrusted text made inert, plurals, and OS errors as sentences."""

import errno

from hypothesis import given
from hypothesis import strategies as st

from qa.display import describe_os_error, inert, plural

HOSTILE = [
    "\x1b]0;pwned\x07",          # OSC, BEL-terminated: retitles the terminal
    "\x1b]8;;http://x\x1b\\",    # OSC 8 hyperlink, ST-terminated
    "\x1b[2J\x1b[H",             # CSI: wipe the screen, cursor home
    "\x9b31m",                   # C1 CSI: the same in one character
    "\x9d0;pwned\x9c",           # C1 OSC ... C1 ST
    "\u202egnp.exe",             # right-to-left override
    "\u2066isolated\u2069",      # isolates
    "back\rspace\x08\x7f",       # carriage return, backspace, delete
    "\udcff\udcfe",              # undecodable bytes of a file name
]
DANGEROUS = set(map(chr, [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def test_escape_sequences_become_visible_and_harmless():
    for text in HOSTILE:
        shown = inert(text)
        assert not DANGEROUS & set(shown), repr(shown)
        assert len(shown) == len(text)
        shown.encode("utf-8")  # no lone surrogate left to crash the writer
    assert inert("\x1b]0;pwned\x07") == "␛]0;pwned␇"
    assert inert("\u202egnp.exe") == "\ufffdgnp.exe"


def test_newlines_and_tabs_are_kept_only_when_the_caller_allows():
    assert inert("a\n\tb") == "a␊␉b"
    assert inert("a\n\tb\x1b", multiline=True) == "a\n\tb␛"


def test_ordinary_text_is_unchanged():
    text = "Ruto’s “600 officers” — Jérémie, 東京, العربية, emoji 🙂, [bold]markup[/]"
    assert inert(text) is text


@given(st.text())
def test_nothing_dangerous_survives_any_text(text: str):
    shown = inert(text, multiline=True)
    assert not (DANGEROUS - {"\n", "\t"}) & set(shown)
    assert len(shown) == len(text)


def test_plurals():
    assert [plural(n, "chunk") for n in (0, 1, 2, 1200)] == ["0 chunks", "1 chunk", "2 chunks", "1,200 chunks"]


def test_os_errors_are_one_sentence_naming_the_path():
    cases = {
        errno.EACCES: "Permission denied: /s/x.txt.",
        errno.EROFS: "/s/x.txt is on a read-only file system.",
        errno.ENOSPC: "No space left on the disk for /s/x.txt.",
        errno.ENAMETOOLONG: "The name is too long for the file system: /s/x.txt.",
        errno.ENOENT: "/s/x.txt does not exist (was it moved or deleted?).",
    }
    for code, sentence in cases.items():
        assert describe_os_error(OSError(code, "strerror", "/s/x.txt")) == sentence
    assert describe_os_error(OSError(errno.ENOSPC, "No space left on device")) == "No space left on device."
    assert describe_os_error(OSError(errno.EACCES, "denied", "/s/\x1b[2J.txt")) == "Permission denied: /s/␛[2J.txt."
