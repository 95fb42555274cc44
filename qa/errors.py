"""The errors a user can cause, each carrying one sentence for them.

In a module of their own, importing nothing, so the CLI can catch them without loading the
engine first.
"""


class LibraryError(Exception):
    """Something the user asked for that cannot be done; the message is one sentence."""


class SourceError(Exception):
    """A file that cannot be a source; the message is one sentence for the user."""
