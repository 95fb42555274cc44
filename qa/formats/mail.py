"""E-mail: one message (.eml) or a mailbox of them (.mbox), with the standard library's `email`.

A message's text part is read as its paragraphs (blank-line separated, hard-wrapped lines
kept); a message with only an HTML part is read through the web-page reader. Attachments are
left out. An .eml's subject is its title, its sender and date its metadata.

A mailbox is one source (the library keeps one source per file), each message a section
named "Subject · Sender · Date" and cited by its number, "message 4". Messages are split at
each line starting with "From " as Python's `mailbox.mbox` splits them ("mboxrd" quoting,
">From ", undone), from the bytes already read rather than by opening the file again.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path

from qa.formats import SECTION_SEPARATOR, DerivedText, LoadedText, SourceError, clean_inline
from qa.formats.text import title_from_file_name
from qa.models import Metadata

MAX_MESSAGES = 200_000
# The standard library parses some headers in quadratic time (a 50 KB quoted sender took 4 s);
# real headers are under a few KB, so longer ones are cut before anything reads them.
MAX_HEADER_CHARS = 4_096
_FROM_LINE = re.compile(rb"^From ", re.MULTILINE)
_QUOTED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_HEADER_SEPARATOR = " · "


def load(data: bytes, path: Path) -> LoadedText:
    if path.suffix.lower() == ".mbox":
        return _load_mailbox(data, path)
    message = _parse(data)
    if not any(message.get(name) for name in ("From", "To", "Subject", "Date", "Message-ID")):
        raise SourceError(f"{path.name} cannot be read as an e-mail; it has no message headers.")
    built = DerivedText()
    subject = _header(message, "Subject")
    _add_body(message, built, section=None, page=None, path=path)
    metadata = Metadata(author=_header(message, "From"), date=_header(message, "Date"))
    return built.result(path.name, subject or title_from_file_name(path, ""), metadata)


def _load_mailbox(data: bytes, path: Path) -> LoadedText:
    starts = [match.start() for match in _FROM_LINE.finditer(data)]
    if not starts:
        raise SourceError(f"{path.name} cannot be read as a mailbox; no line starts a message (\"From ...\").")
    if len(starts) > MAX_MESSAGES:
        raise SourceError(f"{path.name} holds over {MAX_MESSAGES:,} messages, more than one source may hold.")
    built = DerivedText()
    for number, (start, end) in enumerate(zip(starts, [*starts[1:], len(data)]), start=1):
        raw = data[start:end]
        raw = _QUOTED_FROM.sub(rb"\1", raw[raw.find(b"\n") + 1:] if b"\n" in raw else b"")
        message = _parse(raw)
        subject, sender, date = _header(message, "Subject"), _sender(message), _day(message)
        section = _HEADER_SEPARATOR.join(part for part in (subject or "(no subject)", sender, date) if part)
        section = section.replace(SECTION_SEPARATOR, " ")  # a "›" in a subject is no heading path
        built.add(section, paragraph=False)
        _add_body(message, built, section=section, page=number, path=path)
    return built.result(path.name, title_from_file_name(path, ""))


class _Policy(email.policy.EmailPolicy):
    """`email.policy.default`, with each header cut to ``MAX_HEADER_CHARS`` as it is read from the source."""

    def header_source_parse(self, sourcelines: list[str]) -> tuple[str, str]:
        name, value = super().header_source_parse(sourcelines)
        return name, value[:MAX_HEADER_CHARS]


_POLICY = _Policy()


def _parse(data: bytes) -> EmailMessage:
    return email.message_from_bytes(data, policy=_POLICY)  # type: ignore[return-value]


def _add_body(message: EmailMessage, built: DerivedText, section: str | None, page: int | None,
              path: Path) -> None:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return
    text = _content(part)
    if part.get_content_subtype() == "html":
        from qa.formats import web  # only for a message without a text part

        try:
            page_text = web.load(text.encode("utf-8"), path.with_suffix(".html"))
        except SourceError:
            return
        for paragraph in page_text.paragraphs:
            inner = paragraph.section
            built.add(page_text.text[paragraph.start:paragraph.end], page=page,
                      section=SECTION_SEPARATOR.join(s for s in (section, inner) if s) or None)
        return
    for block in _BLANK_LINES.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        block = "\n".join(clean_inline(line) for line in block.strip().splitlines())
        built.add(block, section=section, page=page)


def _content(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError):  # an unknown or lying charset
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else str(payload or "")


def _header(message: EmailMessage, name: str) -> str | None:
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError):  # a header the parser cannot make sense of
        return None
    return clean_inline(str(value)) or None if value is not None else None


def _sender(message: EmailMessage) -> str | None:
    """The sender's name, or their address when they give no name."""
    try:
        addresses = message["From"].addresses if message["From"] is not None else ()
    except (AttributeError, ValueError, TypeError, IndexError):
        return _header(message, "From")
    if not addresses:
        return _header(message, "From")
    return clean_inline(addresses[0].display_name or addresses[0].addr_spec) or None


def _day(message: EmailMessage) -> str | None:
    """The day it was sent, 2026-03-04, or the Date header as written when it is not a date."""
    try:
        when = message["Date"].datetime if message["Date"] is not None else None
    except (AttributeError, ValueError, TypeError, IndexError):
        when = None
    return when.date().isoformat() if when is not None else _header(message, "Date")
