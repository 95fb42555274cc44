"""The spelling vocabulary: each word's surface forms and counts, and SymSpell's deletion
neighbourhood (the word and its one-letter deletions), so "did you mean" is a few indexed
look-ups, never a scan of the vocabulary."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence

from qa.records import AnalysedSource
from qa.store.sql import select_in

# Longer words (a run of letters with no space, a base64 blob) get no near spellings.
SPELLING_MAX_LETTERS = 40


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def deletion_variants(word: str) -> set[str]:
    """``word`` and every string one deleted letter away but for the first (SymSpell's deletion
    neighbourhood, anchored at the first letter as `near_variants` looks words up).

    Only ``word`` past `SPELLING_MAX_LETTERS`: the variants of an n-letter run hold n² letters
    (a 50,000-letter run in a file made a 4.7 GB index), and no real word is that long.
    """
    if len(word) > SPELLING_MAX_LETTERS:
        return {word}
    return {word} | {word[:1] + shorter for shorter in _deletions(word[1:])}


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Up to this length a question word's look-ups cover two substitutions anywhere (their
# variants grow with the cube of the length); past it, only two swapped neighbours.
DOUBLE_SUBSTITUTIONS_UP_TO = 10


def near_variants(norm: str, max_distance: int) -> set[str]:
    """The strings to look up in the deletion index to find the words within ``max_distance``
    (1 or 2) edits of ``norm`` that start with its letter.

    A stored word is there as itself and its one-letter deletions, so: the question word's
    own deletions (up to ``max_distance``) meet a stored word or its deletions; for two
    edits, it also needs its one-letter insertions (the stored word two letters longer), its
    substitutions (one letter wrong, the stored word a letter longer) and its substitutions
    with a deletion (two letters wrong). With the first letter shared, the edits fall in the
    rest of the word (Levenshtein distance is unchanged by a common first letter), so only
    that rest is varied: a tenth of the strings an unanchored neighbourhood needs.
    """
    head, tail = norm[:1], norm[1:]
    levels = [{tail}]
    for _ in range(max_distance):
        levels.append({shorter for word in levels[-1] for shorter in _deletions(word)})
    variants = set().union(*levels)
    if max_distance >= 2:
        variants |= {tail[:i] + letter + tail[i:] for i in range(len(tail) + 1) for letter in _LETTERS}
        substitutions = {tail[:i] + letter + tail[i + 1:] for i in range(len(tail)) for letter in _LETTERS
                         if letter != tail[i]}
        variants |= substitutions
        if len(norm) <= DOUBLE_SUBSTITUTIONS_UP_TO:
            variants |= {shorter for word in substitutions for shorter in _deletions(word)}
        else:
            variants |= {tail[:i] + tail[i + 1] + tail[i] + tail[i + 2:] for i in range(len(tail) - 1)}
    return {head + variant for variant in variants}


def spelling(db: sqlite3.Connection, norm: str) -> tuple[str, int, int] | None:
    """(commonest surface, count, capitalised count) of a normalised word, if the sources have it."""
    row = db.execute("SELECT surface, count, capitalised FROM words WHERE norm = ?", (norm,)).fetchone()
    return tuple(row) if row else None


def words_sharing_deletions(db: sqlite3.Connection, variants: Iterable[str]) -> set[str]:
    return {norm for (norm,) in select_in(db, "SELECT norm FROM deletes WHERE variant IN ({marks})", variants)}


def add(db: sqlite3.Connection, batch: Sequence[AnalysedSource]) -> None:
    """Count a batch's words in: as `remove` counts them out (a word keeps the surface form
    commonest in the batch that brought the most of it; words new to the library get their
    deletion variants)."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS batch_words "
               "(norm TEXT PRIMARY KEY, count INTEGER, capitalised INTEGER, surface TEXT, new INTEGER)")
    db.execute("DELETE FROM batch_words")
    db.executemany("INSERT INTO batch_words VALUES (?, ?, ?, ?, 0)", batch_words(batch))
    db.execute("UPDATE batch_words SET new = length(norm) >= 3 "
               "AND NOT EXISTS (SELECT 1 FROM words WHERE words.norm = batch_words.norm)")
    db.execute(
        "INSERT INTO words SELECT norm, count, capitalised, surface FROM batch_words WHERE true "
        "ON CONFLICT (norm) DO UPDATE SET "
        "surface = CASE WHEN excluded.count > count THEN excluded.surface ELSE surface END, "
        "count = count + excluded.count, capitalised = capitalised + excluded.capitalised")
    # `deletion_variants` of each new word: the word, and (up to SPELLING_MAX_LETTERS
    # letters) it without its i-th letter for i from 2; inserted in key order, which
    # measured 1.3-2.5x faster than in the words' order.
    db.execute(
        "WITH RECURSIVE positions (i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM positions "
        "WHERE i < ?) "
        "INSERT OR IGNORE INTO deletes SELECT norm, norm FROM batch_words WHERE new "
        "UNION ALL SELECT substr(norm, 1, i - 1) || substr(norm, i + 1), norm "
        "FROM batch_words JOIN positions ON i <= length(norm) WHERE new AND length(norm) <= ? "
        "ORDER BY 1, 2",
        (SPELLING_MAX_LETTERS, SPELLING_MAX_LETTERS))


def batch_words(batch: Sequence[AnalysedSource]) -> list[tuple[str, int, int, str]]:
    """Each word of a batch: (norm, count, capitalised count, commonest surface form; of
    equally common ones, the first in code point order). Counted in Python: through a
    temporary table and two GROUP BYs, SQLite took 2-4x as long."""
    per_surface: dict[tuple[str, str], int] = {}
    get = per_surface.get
    for source in batch:
        for norm, surface, n, _ in source.spellings:
            per_surface[norm, surface] = get((norm, surface), 0) + n
    words: dict[str, list] = {}  # norm → [norm, count, capitalised, surface, the surface's count]
    for (norm, surface), n in per_surface.items():
        capitalised = n if surface[:1].isupper() else 0
        word = words.get(norm)
        if word is None:
            words[norm] = [norm, n, capitalised, surface, n]
            continue
        word[1] += n
        word[2] += capitalised
        if n > word[4] or (n == word[4] and surface < word[3]):
            word[3], word[4] = surface, n
    return [(norm, count, capitalised, surface) for norm, count, capitalised, surface, _ in words.values()]


def remove(db: sqlite3.Connection, surfaces: Counter[tuple[str, str]]) -> None:
    """Count words out: lower their counts, and drop the words (and their deletion variants)
    no source holds any more."""
    words: Counter[str] = Counter()
    capitalised: Counter[str] = Counter()
    for (norm, surface), count in surfaces.items():
        words[norm] += count
        if surface[:1].isupper():
            capitalised[norm] += count
    db.executemany("UPDATE words SET count = count - ?, capitalised = capitalised - ? WHERE norm = ?",
                   [(count, capitalised[norm], norm) for norm, count in words.items()])
    # Only the words counted out are looked at: the table is big.
    gone = [norm for (norm,) in select_in(
        db, "DELETE FROM words WHERE norm IN ({marks}) AND count <= 0 RETURNING norm", words)]
    db.executemany("DELETE FROM deletes WHERE variant = ? AND norm = ?", [
        # With the first letter too: indexes made before the neighbourhood was anchored hold it.
        (variant, norm) for norm in gone for variant in deletion_variants(norm) | {norm[1:]}
    ])
