"""NLTK's Punkt sentence splitter with our abbreviations and its patterns in the standard ``re``.

A module of its own because only analysing a file needs it (`qa.analysis.sentences` imports
this on first use), never answering a question. Nothing here
needs ``nltk_data``.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import types
from pathlib import Path


def _import_punkt_alone() -> types.ModuleType:
    """nltk's ``nltk.tokenize.punkt`` module, loaded with the few modules it needs and not
    nltk's package.

    ``nltk/__init__.py`` and ``nltk/tokenize/__init__.py`` import every tokenizer, parser and
    metric nltk has (and SciPy's sparse matrices and statistics when SciPy is installed):
    0.2–1.4 s for every process that analyses a file, where Punkt's own modules take 0.05 s.
    Empty packages stand in for those two while Punkt loads; then every module loaded that way
    leaves ``sys.modules``, so a later ``import nltk`` (a test's) loads the real package whole."""
    spec = importlib.util.find_spec("nltk")
    if spec is None or spec.origin is None:
        raise ImportError("nltk is not installed")
    root = Path(spec.origin).parent
    before = set(sys.modules)
    for name, folder in (("nltk", root), ("nltk.tokenize", root / "tokenize")):
        if name not in sys.modules:
            package = types.ModuleType(name)
            package.__path__ = [str(folder)]
            sys.modules[name] = package
    try:
        return importlib.import_module("nltk.tokenize.punkt")
    finally:
        for name in set(sys.modules) - before:
            if name.startswith("nltk."):
                del sys.modules[name]
        if "nltk" not in before:
            del sys.modules["nltk"]


_nltk_punkt = _import_punkt_alone()
PunktLanguageVars, PunktParameters = _nltk_punkt.PunktLanguageVars, _nltk_punkt.PunktParameters
PunktSentenceTokenizer, PunktToken = _nltk_punkt.PunktSentenceTokenizer, _nltk_punkt.PunktToken

# Lower case, without the final full stop, as Punkt wants them.
ABBREVIATIONS = frozenset(
    """u.n u.s u.k u.s.a e.u dr mr mrs ms st mt prof rev gen lt col capt cmdr sgt maj
    gov sen rep pres jr sr co corp inc ltd dept est approx fig no vs etc e.g i.e
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)


class _StdlibPunktVars(PunktLanguageVars):
    """Punkt's own English patterns, compiled with the standard ``re``.

    nltk 3.10 compiles every pattern with the ``regex`` engine under a timeout, its guard
    against patterns a caller supplies. These are nltk's fixed patterns (linear on any text,
    and our pieces are at most MAX_PIECE_CHARS), and the guard made sentence splitting 4×
    slower: most of the time of indexing. The spans are the same (tests/test_analysis.py).
    """

    re_boundary_realignment = re.compile(PunktLanguageVars.re_boundary_realignment.pattern, re.MULTILINE)

    def _word_tokenizer_re(self) -> re.Pattern[str]:
        try:
            return self._re_word_tokenizer
        except AttributeError:
            self._re_word_tokenizer = re.compile(self._word_tokenize_fmt % {
                "NonWord": self._re_non_word_chars, "MultiChar": self._re_multi_char_punct,
                "WordStart": self._re_word_start,
            }, re.UNICODE | re.VERBOSE)
            return self._re_word_tokenizer

    def period_context_re(self) -> re.Pattern[str]:
        try:
            return self._re_period_context
        except AttributeError:
            self._re_period_context = re.compile(self._period_context_fmt % {
                "NonWord": self._re_non_word_chars, "SentEndChars": self._re_sent_end_chars,
            }, re.UNICODE | re.VERBOSE)
            return self._re_period_context


_NON_PUNCT = re.compile(r"[^\W\d]")


class _StdlibPunktToken(PunktToken):
    """Punkt's token tests with the same patterns in the standard ``re`` (see above)."""

    _RE_ELLIPSIS = re.compile(r"\.\.+$")
    _RE_NUMERIC = re.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
    _RE_INITIAL = re.compile(r"[^\W\d]\.$")
    _RE_ALPHA = re.compile(r"[^\W\d]+$")

    @property
    def is_non_punct(self) -> bool:
        return _NON_PUNCT.search(self.type) is not None


def _punkt() -> PunktSentenceTokenizer:
    parameters = PunktParameters()
    parameters.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(parameters, lang_vars=_StdlibPunktVars(), token_cls=_StdlibPunktToken)


sentence_tokenizer = _punkt()

# Where a reader never doubts a sentence ends: a word of two or more letters that is not an
# abbreviation, then ". ! ?", white space and a capital. Punkt (with no trained parameters
# but our abbreviations) always ends a sentence there too, and it is most of them; Punkt is
# asked only about the text between two of these, and only when that holds a possible end
# (its own "period context"): a "U.S." or "Dr." or "1990." before a capital.
_CLEAR_END = re.compile(r"(?<!\S)([A-Za-z]{2,})[.!?](?=\s+[A-Z])")
_possible_end = sentence_tokenizer._lang_vars.period_context_re().search  # (text, pos, endpos)


def span_tokenize(text: str) -> list[tuple[int, int]]:
    """Punkt's sentence spans of ``text`` (`PunktSentenceTokenizer.span_tokenize`'s), with
    Punkt run only where the cheap rule above is unsure: on each run of sentences between
    clear ends that holds a possible end, in one call."""
    spans: list[tuple[int, int]] = []
    unsure = None  # where the run of text Punkt must read starts
    start = 0
    for match in _CLEAR_END.finditer(text):
        if match.group(1).lower() in ABBREVIATIONS:
            continue
        end = match.end()
        if _possible_end(text, start, end) is not None:
            unsure = start if unsure is None else unsure
        else:
            _punkt_spans(text, unsure, start, spans)
            unsure = None
            spans.append((start, end))
        start = end
        while text[start].isspace():  # the next sentence starts at its capital, as in Punkt's
            start += 1
    end = len(text.rstrip())
    if unsure is None and _possible_end(text, start, end) is None:
        if start < end:
            spans.append((start, end))
    else:
        _punkt_spans(text, start if unsure is None else unsure, end, spans)
    return spans


def _punkt_spans(text: str, start: int | None, end: int, spans: list[tuple[int, int]]) -> None:
    if start is not None:
        spans += [(start + a, start + b) for a, b in sentence_tokenizer.span_tokenize(text[start:end])]
