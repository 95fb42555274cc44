"""E-mail: one message (.eml) or a mailbox of them (.mbox), with the standard library's `email`.

Messages are parsed with its `compat32` policy and the few headers used are decoded here:
`policy.default` parses every header it touches into objects, which took 4 ms a message
(45 times as long as this for a mailbox of 75 messages) and is quadratic on some long headers
(a 50 KB Content-Type took 3 s).

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
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

from qa.formats import SECTION_SEPARATOR, DerivedText, LoadedText, SourceError, clean_inline
from qa.formats.text import title_from_file_name
from qa.models import Metadata

MAX_MESSAGES = 200_000
# Real headers are under a few KB; a longer one is cut before its words are decoded.
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


def _parse(data: bytes) -> Message:
    return email.message_from_bytes(data, policy=email.policy.compat32)


def _add_body(message: Message, built: DerivedText, section: str | None, page: int | None,
              path: Path) -> None:
    part = _body(message)
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


def _body(message: Message) -> Message | None:
    """The part a mail client shows: the first plain-text part that is not an attachment, or else
    the first HTML one (what `EmailMessage.get_body(("plain", "html"))` picks for a usual message)."""
    shown = [part for part in message.walk() if part.get_content_maintype() == "text"
             and (part.get("Content-Disposition") or "").split(";")[0].strip().lower() != "attachment"]
    return next((part for part in shown if part.get_content_subtype() == "plain"),
                next((part for part in shown if part.get_content_subtype() == "html"), None))


def _content(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(payload or "")
    try:
        return payload.decode(part.get_content_charset() or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("utf-8", errors="replace")


def _header(message: Message, name: str) -> str | None:
    """A header's words, encoded words (=?utf-8?q?...?=) decoded."""
    value = message.get(name)
    if value is None:
        return None
    value = str(value)[:MAX_HEADER_CHARS]
    try:
        value = str(make_header(decode_header(value)))
    except (LookupError, UnicodeError, ValueError, HeaderParseError):  # a charset or an encoding that lies
        pass
    return clean_inline(value) or None


def _sender(message: Message) -> str | None:
    """The sender's name, or their address when they give no name."""
    sender = _header(message, "From")
    name, address = parseaddr(sender or "")
    return clean_inline(name or address) or sender


def _day(message: Message) -> str | None:
    """The day it was sent, 2026-03-04, or the Date header as written when it is not a date."""
    written = _header(message, "Date")
    try:
        return parsedate_to_datetime(written).date().isoformat() if written else None
    except (ValueError, TypeError, IndexError, OverflowError):
        return written
