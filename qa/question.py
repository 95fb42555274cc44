"""A question → what it asks for (its form) and the weighted terms to look for.

Spelling: a word the sources lack is read as the nearest word they have ("Rutto" → "Ruto"),
unless it is a common English word (then it is the asker's own wording, not a misspelling),
and a name is also looked up under its near-identical spellings ("O'Neil" and "O'Neill").

A word the sources lack is weighed by how specific it is: a name, a number or a rare word
("Nairobi", "2019", "sourdough") is evidence that the sources do not cover the question; a
common English word ("fled", "step") is only the asker's paraphrase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

from qa import analysis
from qa.engine import Retriever, Spelling
from qa.errors import LibraryError

# Words that shape a question but never appear in its answer's wording.
QUESTION_WORDS = frozenset(
    "how many much what which who whom whose when where why whats according say says said tell told".split()
)
_AUXILIARIES = frozenset("is was are were do does did has have had will would can could should".split())
# The noun after "what"/"which" names the thing asked for: it outweighs the other words.
HEAD_NOUN_WEIGHT = 1.5
# Zipf frequency (log10 of uses per billion words) at and above which a word is common
# English: a paraphrase when the sources lack it, and never "corrected" to a name.
COMMON_ZIPF = 3.0
# Below this a word the sources lack is rare enough to be evidence they do not cover it.
RARE_ZIPF = 2.0
_QUANTITY_NOUNS = "number|population|amount|total|cost|price|size|percentage|proportion|share|budget|toll"
# A question asking for steps or a command: "How do I...", "how to...", "Can I...".
_HOW_TO = re.compile(r"\bhow (do|can|could|should|would|might|must|may|will) (i|you|we|one)\b|\bhow to\b"
                     r"|^\W*(can|could|should|do) (i|you|we)\b")
# Names as a manual writes them: options (-z, --schema-only), identifiers with dots or
# underscores (work_mem, click.echo, ffi_prep_cif) and constants (SECRET_KEY, HISTSIZE).
_LITERAL = re.compile(r"(?<![\w-])(-{1,2}[A-Za-z0-9][\w-]*|[A-Za-z]\w+(?:[._]\w+)+|[A-Z][A-Z0-9_]{2,}\b)")
# A question asking what a thing is or does: "What is HTTPie?", "What does TRUNCATE do?".
_DEFINITION = re.compile(r"^\W*(what|who) (is|are) (an? |the )?[^,;]{1,60}\?*\s*$"
                         r"|^\W*what (does|do|did) .{1,80} (do|mean|stand for|return|set|check|change|limit)\W*$"
                         r"|^\W*what (is|are) .{1,60} (used|good) for\W*$")
_FOLLOW_UP_START = re.compile(r"^\s*(and|but|also|then|what about|how about)\b", re.IGNORECASE)
# Words that stand for something named earlier in the conversation.
_PRONOUNS = frozenset("they them their theirs it its he him his she her hers".split())


class Form(str, Enum):
    QUANTITY = "quantity"
    TIME = "time"
    PERSON = "person"
    PLACE = "place"
    REASON = "reason"
    OTHER = "other"


_FORMS: list[tuple[Form, re.Pattern[str]]] = [
    (Form.QUANTITY, re.compile(
        r"\bhow (many|much|large|big|long|old|far)\b|\bwhat (percentage|proportion|share|number|fraction)\b"
        rf"|\b(what|which) (is|was|are|were) the ({_QUANTITY_NOUNS})\b")),
    (Form.TIME, re.compile(r"\bwhen\b|\b(what|which) (year|month|day|date|century|decade)\b|\bsince when\b")),
    (Form.PERSON, re.compile(r"^\W*who(m|se)?\b")),
    (Form.PLACE, re.compile(r"\bwhere\b|\b(what|which) (country|city|place|region|town)\b")),
    (Form.REASON, re.compile(r"\bwhy\b")),
]


@dataclass
class Query:
    """What a question looks for: weighted stemmed terms and the form of its answer.

    ``missing`` holds the terms no source contains, each with its specificity (1 for a name,
    a number or a rare word, 0 for a common word); ``missing_specific`` the words behind the
    specific ones, as the asker wrote them.
    """

    question: str
    form: Form
    weights: dict[str, float]
    suggestions: list[str] = field(default_factory=list)
    corrections: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, spelling)
    missing: dict[str, float] = field(default_factory=dict)
    missing_specific: list[str] = field(default_factory=list)
    has_name: bool = False
    how_to: bool = False
    asks_definition: bool = False
    literals: list[str] = field(default_factory=list)
    focus: set[str] = field(default_factory=set)
    spelled: dict[str, tuple[str, bool]] = field(default_factory=dict)

    def corrected(self) -> str | None:
        """The question with each misspelled word in the sources' spelling (None: none was)."""
        if not self.corrections:
            return None
        text, at = [], 0
        for start, end, spelling in self.corrections:
            text += [self.question[at:start], spelling]
            at = end
        return "".join([*text, self.question[at:]])

    def names_it(self, term: str) -> bool:
        """Whether the question's word for ``term`` names something (a name, a number, an
        acronym, or a word no common English has: "tmux", "bantime") rather than describes it."""
        norm, looks_like_name = self.spelled.get(term, ("", False))
        if not norm:
            return False
        return norm[0].isdigit() or looks_like_name or zipf(norm) < COMMON_ZIPF
    follow_up_of: str | None = None


def checked_question(question: str, limit: int) -> str:
    """The question without its surrounding spaces; an empty one, or one over ``limit``
    characters, raises LibraryError with one sentence."""
    question = question.strip()
    if not question:
        raise LibraryError("The question is empty.")
    if len(question) > limit:
        raise LibraryError(f"The question is {len(question):,} characters long; the limit is "
                           f"{limit:,} (QA_MAX_QUESTION_CHARS).")
    return question


def literals(question: str) -> list[str]:
    """The option names and identifiers a question spells out, as written ("pg_dump's" → "pg_dump")."""
    found = []
    for match in _LITERAL.finditer(question):
        literal = re.sub(r"['\u2019]s$", "", match.group()).rstrip(".")
        if literal not in found and not (literal.isupper() and literal.isalpha() and len(literal) <= 4):
            found.append(literal)
    return found


def question_form(folded: str) -> Form:
    for form, pattern in _FORMS:
        if pattern.search(folded):
            return form
    return Form.OTHER


@lru_cache(maxsize=50_000)
def zipf(norm: str) -> float:
    """How common an English word is (wordfreq's Zipf scale, 0 for unknown words)."""
    from wordfreq import zipf_frequency  # imported on first use: it loads its word list

    return zipf_frequency(norm, "en")


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

    def read(self, question: str, previous: Sequence[str] = ()) -> Query:
        """Read ``question``; when it needs the one before to make sense, read it with it."""
        query = self._read_one(question)
        context = [q for q in previous if q.strip()][-3:]
        if context and self._is_follow_up(question, query):
            earlier = self.read(context[-1], context[:-1])
            for term, weight in earlier.weights.items():
                query.weights.setdefault(term, 0.5 * weight)
            if query.form is Form.OTHER:
                query.form = earlier.form
            query.follow_up_of = context[-1]
        return query

    @staticmethod
    def _is_follow_up(question: str, query: Query) -> bool:
        """Opens with "and"/"what about"..., or has a pronoun and names nothing of its own."""
        if _FOLLOW_UP_START.match(question):
            return True
        if query.has_name or not query.weights:
            return not query.weights
        return any(w.norm in _PRONOUNS for w in analysis.words(question))

    def _read_one(self, question: str) -> Query:
        # All capitals says nothing about names: read such a question in lower case.
        shouting = not any(c.islower() for c in question)
        text = question.lower() if shouting else question
        form = question_form(analysis.fold(text))
        folded = analysis.fold(text)
        query = Query(question, form, {}, how_to=bool(_HOW_TO.search(folded)),
                      asks_definition=bool(_DEFINITION.search(folded)), literals=literals(question))
        after_what = False
        literal_terms = {t for literal in query.literals for t in analysis.terms(literal)}
        for position, word in enumerate(analysis.words(text)):
            head = after_what
            after_what = word.norm in ("what", "which")
            if word.is_stop or word.norm in QUESTION_WORDS or not word.norm:
                continue
            weight = HEAD_NOUN_WEIGHT if head and word.norm not in _AUXILIARIES else 1.0
            looks_like_name = position > 0 and word.surface[:1].isupper()
            terms = self._terms_for(word, looks_like_name, query)
            query.spelled.setdefault(terms[0], (word.norm, looks_like_name or word.is_acronym))
            for term in terms:
                query.weights[term] = max(query.weights.get(term, 0.0), weight)
                if weight > 1.0 or term in literal_terms:
                    query.focus.add(term)
        # A misspelling asked many times ("Rutto Rutto ...") is suggested once.
        query.suggestions = list(dict.fromkeys(query.suggestions))
        return query

    def _specificity(self, word: analysis.Word, looks_like_name: bool) -> float:
        """1 for a name, a number or a rare word; 0 for a common English word."""
        if word.norm[0].isdigit() or looks_like_name or word.is_acronym:
            return 1.0
        return 0.0 if zipf(word.norm) >= RARE_ZIPF else 1.0

    def _terms_for(self, word: analysis.Word, looks_like_name: bool, query: Query) -> list[str]:
        norm = word.norm
        stemmed = analysis.stem(norm)
        spelling = None if norm[0].isdigit() else self.vocabulary.spelling(norm)
        if spelling is None and not self.index.has_term(stemmed):
            corrected = None if norm[0].isdigit() else self._correct(norm, looks_like_name)
            if corrected is None:
                specificity = self._specificity(word, looks_like_name)
                query.missing[stemmed] = specificity
                if specificity:
                    query.missing_specific.append(word.surface)
                query.has_name |= looks_like_name
                return [stemmed]
            norm, spelling = corrected
            query.suggestions.append(spelling.surface)
            query.corrections.append((word.start, word.end, spelling.surface))
        query.has_name |= looks_like_name or (spelling is not None and spelling.is_name)
        result = [analysis.stem(norm)]
        if spelling is not None and spelling.is_name and len(norm) >= 4:
            # Only a doubled letter: "Kenya"/"Kenyan" or "Norman"/"Normans" are other words.
            for variant in self.vocabulary.near(norm, 1):
                other = self.vocabulary.spelling(variant)
                if other is not None and other.is_name and _is_doubling(norm, variant):
                    result.append(analysis.stem(variant))
                    if query.suggestions and query.suggestions[-1] == spelling.surface:
                        query.suggestions.append(other.surface)
        return result

    def _correct(self, norm: str, looks_like_name: bool) -> tuple[str, Spelling] | None:
        """The sources' spelling of a word they lack, if one is near enough to be meant.

        A common English word is never corrected ("kind" is not a misspelled "King"); a
        word that is no English word at all ("innnate") to any word, another only to a name.
        """
        if len(norm) < 4 or zipf(norm) >= COMMON_ZIPF:
            return None
        limit = 1 if len(norm) <= 6 else 2
        candidates = [
            (word, spelling) for word in self.vocabulary.near(norm, limit)
            if (spelling := self.vocabulary.spelling(word)) is not None
            and (looks_like_name or spelling.is_name or zipf(norm) == 0)
        ]
        if not candidates:
            return None
        from rapidfuzz.distance import Levenshtein  # loaded on the first "did you mean", not at start

        return min(candidates, key=lambda c: (Levenshtein.distance(norm, c[0]), -c[1].count))
