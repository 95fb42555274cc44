"""The words of a quote that answer a question asking for a number, a date or a name.

Candidates are the runs of the asked-for type in the first quote that the question does not
already contain; the one nearest the question's own words wins. Forms for which the span is
wrong too often on SQuAD (see docs/quality.md) are not in `SPAN_FORMS`.
"""

from __future__ import annotations

import re

from qa import analysis
from qa.models import AnswerSpan, Quote
from qa.question import Form, Query

SPAN_FORMS = frozenset({Form.QUANTITY, Form.TIME})
TYPED_FORMS = frozenset({Form.QUANTITY, Form.TIME, Form.PERSON})

NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred hundreds thousand thousands million millions billion billions trillion dozen dozens
    half quarter third percent""".split()
)
MONTHS = frozenset(
    """january february march april may june july august september october november december""".split()
)
_TIME_WORDS = MONTHS | frozenset("century centuries decade spring summer autumn winter".split())
_YEAR = re.compile(r"1\d\d\d|20\d\d|\d{2,4}s")
# Small words that may stand inside a name: "William of Orange", "Bento de Moura".
_NAME_JOINERS = frozenset("of de da van von der la le du".split())


def _is_number(word: analysis.Word) -> bool:
    """A count or an amount; a year such as 1066 is a date, not a count."""
    if word.norm[:1].isdigit():
        return not _YEAR.fullmatch(word.surface)
    return word.norm in NUMBER_WORDS


def _is_time(word: analysis.Word) -> bool:
    return word.norm in _TIME_WORDS or bool(_YEAR.fullmatch(word.surface))


def _is_day(words: list[analysis.Word], i: int) -> bool:
    """A day of the month: a small number next to a month ("12 May", "May 12")."""
    if not (words[i].norm.isdigit() and len(words[i].norm) <= 2):
        return False
    return any(0 <= k < len(words) and words[k].norm in MONTHS for k in (i - 1, i + 1))


def _is_name(words: list[analysis.Word], i: int) -> bool:
    """A capitalised word, or a small joining word inside a name ("William of Orange")."""
    word = words[i]
    if word.norm in _NAME_JOINERS:
        return 0 < i < len(words) - 1 and words[i + 1].surface[:1].isupper()
    return word.surface[:1].isupper() and not (i == 0 and word.is_stop)


def _inside(form: Form, words: list[analysis.Word], i: int) -> bool:
    if form is Form.QUANTITY:
        return _is_number(words[i])
    if form is Form.TIME:
        return _is_time(words[i]) or _is_day(words, i)
    return _is_name(words, i)


def _runs(words: list[analysis.Word], form: Form) -> list[tuple[int, int]]:
    """Maximal runs [i, j) of words of the asked-for type (numbers, dates or names)."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        if not _inside(form, words, i) or (form is Form.PERSON and words[i].norm in _NAME_JOINERS):
            i += 1
            continue
        j = i + 1
        while j < len(words) and _inside(form, words, j):
            j += 1
        runs.append((i, j))
        i = j
    return runs


def _answer_runs(query: Query, words: list[analysis.Word]) -> list[tuple[int, int, int]]:
    """Runs of the asked-for type without the question's own words, with their distance
    (in words) from the nearest question word."""
    asked = [i for i, w in enumerate(words) if w.norm and analysis.stem(w.norm) in query.weights]
    runs = []
    for i, j in _runs(words, query.form):
        if not any(i <= k < j for k in asked):
            distance = min((i - k if k < i else k - (j - 1) for k in asked), default=len(words))
            runs.append((distance, i, j))
    return runs


def holds_answer_type(query: Query, words: list[analysis.Word]) -> bool:
    """Whether a sentence holds a number (date) the question did not bring itself."""
    return query.form in TYPED_FORMS and bool(_answer_runs(query, words))


def find_answer(query: Query, quotes: list[Quote]) -> AnswerSpan | None:
    """The span of the first quote that answers a number or date question, if any."""
    if query.form not in SPAN_FORMS or not quotes:
        return None
    words = list(analysis.words(quotes[0].text))
    runs = _answer_runs(query, words)
    if not runs:
        return None
    _, i, j = min(runs)
    return AnswerSpan(quote=0, start=words[i].start, end=words[j - 1].end)
