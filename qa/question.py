"""A question → what it asks for (its form) and the weighted terms to look for.

Spelling: a word the sources lack is read as the nearest word they have ("Rutto" → "Ruto"),
and a name is also looked up under its near-identical spellings ("O'Neil" and "O'Neill").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from qa import analysis
from rapidfuzz.distance import Levenshtein

from qa.engine import Retriever, Spelling

# Words that shape a question but never appear in its answer's wording.
QUESTION_WORDS = frozenset(
    "how many much what which who whom whose when where why whats according say says said tell told".split()
)
_AUXILIARIES = frozenset("is was are were do does did has have had will would can could should".split())
# The noun after "what"/"which" names the thing asked for: it outweighs the other words.
HEAD_NOUN_WEIGHT = 1.5
_QUANTITY_NOUNS = frozenset(
    """number numbers population amount total cost costs price size percentage percent
    proportion share figure count budget toll""".split()
)
_FOLLOW_UP_START = re.compile(r"^\s*(and|but|also|so|what about|how about|then)\b", re.IGNORECASE)
_ANAPHORA = frozenset("they them their it its he she his her those these there that this".split())


class Form(str, Enum):
    QUANTITY = "quantity"
    TIME = "time"
    PERSON = "person"
    PLACE = "place"
    REASON = "reason"
    SPEECH = "speech"
    OTHER = "other"


_FORMS: list[tuple[Form, re.Pattern[str]]] = [
    (Form.QUANTITY, re.compile(
        r"\bhow (many|much|large|big|long|old|far)\b|\bwhat (percentage|proportion|share|number|fraction)\b"
        r"|\b(what|which) (is|was|are|were) the (" + "|".join(_QUANTITY_NOUNS) + r")\b")),
    (Form.TIME, re.compile(r"\bwhen\b|\bwhat (year|month|day|date|time)\b|\bsince when\b|\bhow soon\b")),
    (Form.PERSON, re.compile(r"\bwho(m|se)?\b")),
    (Form.PLACE, re.compile(r"\bwhere\b|\bwhat (country|city|place|region)\b")),
    (Form.REASON, re.compile(r"\bwhy\b|\bwhat (caused|prompted|led to)\b")),
    (Form.SPEECH, re.compile(r"\b(say|said|says|tell|told|state|stated|warn|warned|report|reported)\b")),
]


@dataclass
class Query:
    """What a question looks for: weighted stemmed terms, the form of its answer, its focus."""

    question: str
    form: Form
    weights: dict[str, float]
    focus: set[str] = field(default_factory=set)
    suggestions: list[str] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)
    unknown_names: list[str] = field(default_factory=list)
    follow_up_of: str | None = None


def question_form(folded: str) -> Form:
    for form, pattern in _FORMS:
        if pattern.search(folded):
            return form
    return Form.OTHER


def _is_doubling(a: str, b: str) -> bool:
    """Whether one word is the other with one letter doubled: "oneil" / "oneill"."""
    short, long = sorted((a, b), key=len)
    if len(long) != len(short) + 1:
        return False
    return any(long[:i] + long[i + 1:] == short and long[i] == long[i - 1] for i in range(1, len(long)))


class QuestionReader:
    """Reads questions against one index's vocabulary."""

    def __init__(self, index: Retriever) -> None:
        self.index = index
        self.vocabulary = index.vocabulary

    def _near_spellings(self, norm: str, limit: int) -> list[str]:
        """The sources' words within ``limit`` edits that start with the same letter."""
        return [other for other in self.vocabulary.near(norm, limit) if other[:1] == norm[:1]]

    def read(self, question: str, previous: Sequence[str] = ()) -> Query:
        query = self._read_one(question)
        context = [q for q in previous if q.strip()]
        if context and self._is_follow_up(question, query):
            earlier = self._read_one(context[-1])
            for term, weight in earlier.weights.items():
                query.weights.setdefault(term, 0.5 * weight)
            if query.form is Form.OTHER:
                query.form = earlier.form
            query.focus |= {t for t in earlier.focus if t in earlier.weights}
            query.follow_up_of = context[-1]
        return query

    def _is_follow_up(self, question: str, query: Query) -> bool:
        if _FOLLOW_UP_START.match(question) or len(query.weights) <= 1:
            return True
        words = {w.norm for w in analysis.words(question)}
        return bool(words & _ANAPHORA) and len(query.weights) <= 3

    def _read_one(self, question: str) -> Query:
        folded = analysis.fold(question)
        form = question_form(folded)
        weights: dict[str, float] = {}
        suggestions: list[str] = []
        unknown: set[str] = set()
        previous_norm = ""
        unknown_names: list[str] = []
        for position, word in enumerate(analysis.words(question)):
            after_what, previous_norm = previous_norm in ("what", "which"), word.norm
            if word.is_stop or word.norm in QUESTION_WORDS or not word.norm:
                continue
            weight = HEAD_NOUN_WEIGHT if after_what and word.norm not in _AUXILIARIES else 1.0
            terms = self._terms_for(word, suggestions, unknown)
            for term in terms:
                weights[term] = max(weights.get(term, 0.0), weight)
            if position and word.surface[:1].isupper() and terms[0] in unknown:
                unknown_names.append(word.surface)
        return Query(question, form, weights, self._focus(folded, form), suggestions, unknown,
                     unknown_names)

    def _terms_for(self, word: analysis.Word, suggestions: list[str], unknown: set[str]) -> list[str]:
        norm = word.norm
        if norm[0].isdigit():
            return [norm]
        spelling = self.vocabulary.spelling(norm)
        if spelling is None and not self.index.has_term(analysis.stem(norm)):
            corrected = self._correct(norm, looks_like_name=word.surface[:1].isupper())
            if corrected is None:
                unknown.add(analysis.stem(norm))
                return [analysis.stem(norm)]
            norm, spelling = corrected
            suggestions.append(spelling.surface)
        elif spelling is not None and analysis.fold(word.surface) != analysis.fold(spelling.surface) \
                and spelling.is_name:
            suggestions.append(spelling.surface)
        result = [analysis.stem(norm)]
        if spelling is not None and spelling.is_name and len(norm) >= 4:
            # Only a doubled letter: "Kenya"/"Kenyan" or "Norman"/"Normans" are other words.
            for variant in self._near_spellings(norm, 1):
                other = self.vocabulary.spelling(variant)
                if other is not None and other.is_name and _is_doubling(norm, variant):
                    result.append(analysis.stem(variant))
                    if suggestions and suggestions[-1] == spelling.surface:
                        suggestions.append(other.surface)
        return result

    def _correct(self, norm: str, looks_like_name: bool) -> tuple[str, Spelling] | None:
        """The sources' spelling of a word they lack, if one is near enough to be meant."""
        if len(norm) < 4:
            return None
        limit = 1 if len(norm) <= 6 else 2
        candidates = [
            (word, spelling) for word in self._near_spellings(norm, limit)
            if (spelling := self.vocabulary.spelling(word)) is not None
            and (looks_like_name or spelling.is_name)
        ]
        if not candidates:
            return None
        return min(candidates, key=lambda c: (Levenshtein.distance(norm, c[0]), -c[1].count))

    @staticmethod
    def _focus(folded: str, form: Form) -> set[str]:
        """The terms a quantity must be stated near: what "how many ..." counts."""
        if form is not Form.QUANTITY:
            return set()
        match = re.search(
            r"\bhow (?:many|much|large|big|long|old|far)\b(.*)"
            r"|\bwhat (?:percentage|proportion|share|number|fraction)\b(.*)"
            r"|\b(?:what|which) (?:is|was|are|were) the (\w+)\b(.*)", folded)
        if not match:
            return set()
        if match.group(3):
            head = [analysis.stem(match.group(3))]
            tail = match.group(4)
        else:
            head, tail = [], match.group(1) or match.group(2) or ""
        rest = [analysis.stem(w.norm) for w in analysis.words(tail)
                if not w.is_stop and w.norm not in QUESTION_WORDS][:3]
        return set(head + rest)
