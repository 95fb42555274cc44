from collections import Counter
from hypothesis import given, strategies as st
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from conftest import BUNDLED
from qa import analysis, punkt


def sentence_texts(text: str) -> list[str]:
    return [text[s.start:s.end] for s in analysis.sentences(text)]


def test_abbreviations_stay_inside_their_sentence():
    text = ("Blinken plans a meeting at the U.N. General Assembly this month. "
            "It was said by U.S. Secretary of State Antony Blinken. Dr. Jones left on Sept. 4 for St. Marc.")
    assert sentence_texts(text) == [
        "Blinken plans a meeting at the U.N. General Assembly this month.",
        "It was said by U.S. Secretary of State Antony Blinken.",
        "Dr. Jones left on Sept. 4 for St. Marc.",
    ]


def test_curly_and_straight_apostrophes_are_the_same():
    assert analysis.terms("O’Neil said Haiti’s police") == analysis.terms("O'Neil said Haiti's police")
    assert analysis.terms("Haiti's") == analysis.terms("Haiti")


def test_accents_fold():
    assert analysis.terms("Jeremie") == analysis.terms("Jérémie")


def test_thousands_separators_and_percent():
    assert analysis.terms("1,000 officers") == analysis.terms("1000 officer")
    assert analysis.terms("80%") == analysis.terms("80 percent")


def test_dotted_acronyms_collapse_and_us_is_not_a_stop_word():
    assert analysis.terms("U.N.") == analysis.terms("UN") == ["un"]
    assert analysis.terms("the U.S. envoy") == analysis.terms("the US envoy")
    assert "us" in analysis.terms("the US envoy")
    assert analysis.terms("tell us") == ["tell"]


def test_each_distinct_word_is_stemmed_once():
    analysis.stem.cache_clear()
    analysis._word_term.cache_clear()
    analysis.terms("officers officers officers deployed deployed")
    assert analysis.stem.cache_info().misses == 2
    assert analysis._word_term.cache_info().hits == 3


@given(st.text(max_size=200) | st.sampled_from(["U.N. and U.S. said 1,000 (50%) O'Neil’s café"]))
def test_indexing_fast_paths_agree_with_words(text):
    words = list(analysis.words(text))
    expected = [analysis.stem(w.norm) for w in words if not w.is_stop and w.norm]
    assert analysis.terms(text) == expected
    term_counts, spelling_counts = analysis.counts(text)
    assert term_counts == Counter(expected)
    assert spelling_counts == Counter(
        (w.norm, w.surface) for w in words
        if w.norm and not w.norm[0].isdigit() and w.surface != "%" and w.norm not in analysis.STOP_WORDS)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_sentence_spans_are_ordered_and_inside_the_text(text):
    spans = analysis.sentences(text)
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text)
        assert text[span.start:span.end].strip() == text[span.start:span.end]
        previous_end = span.end


def test_a_quotation_stays_with_its_attribution_and_a_heading_stands_alone():
    text = ("“This ongoing agony must end. It is a race against time,” O'Neill said of the situation. "
            "He left.\nBackground\nThe mission began in June.")
    assert [text[s.start:s.end] for s in analysis.sentences(text)] == [
        "“This ongoing agony must end. It is a race against time,” O'Neill said of the situation.",
        "He left.", "Background", "The mission began in June."]


_PUNCTUATED = st.text(alphabet='aAbZ .!?"\'()[]-,;:1…\u201c\u201d\u2019\n\t', max_size=300)


@given(_PUNCTUATED)
def test_sentence_boundaries_are_nltk_punkts_own(text):
    """Punkt runs with its patterns compiled by the standard `re` (for speed); every boundary
    must be where nltk's Punkt, with the same abbreviations, puts it."""
    parameters = PunktParameters()
    parameters.abbrev_types = set(punkt.ABBREVIATIONS)
    reference = PunktSentenceTokenizer(parameters)
    assert list(punkt.sentence_tokenizer.span_tokenize(text)) == list(reference.span_tokenize(text))
    assert punkt.span_tokenize(text) == list(reference.span_tokenize(text))


_SENTENCE_WORDS = st.lists(
    st.sampled_from(["He", "said.", "end.", "Dr.", "Smith", "U.S.", "Inc.", "inc.", "1990.", "e.g.", "it!",
                     "So?", "A.", "x.", "(Ab.)", '"Ab."', "ab.\u201d", "No.", "no", "etc.", "The", "Mid-Jan.",
                     "...", "end..", "Co-op."]),
    max_size=40)


@given(_SENTENCE_WORDS, st.lists(st.sampled_from([" ", "  ", "\n", " \t"]), min_size=40, max_size=40))
def test_the_cheap_sentence_ends_leave_punkts_boundaries_as_they_were(words, spaces):
    """Punkt reads only the text between sentence ends no reader doubts (`punkt.span_tokenize`):
    the spans must be those Punkt finds reading all of it."""
    text = "".join(word + space for word, space in zip(words, spaces))
    assert punkt.span_tokenize(text) == list(punkt.sentence_tokenizer.span_tokenize(text))


def test_sentence_boundaries_of_the_bundled_articles_are_nltk_punkts_own():
    parameters = PunktParameters()
    parameters.abbrev_types = set(punkt.ABBREVIATIONS)
    reference = PunktSentenceTokenizer(parameters)
    for path in sorted(BUNDLED.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert list(punkt.sentence_tokenizer.span_tokenize(text)) == list(reference.span_tokenize(text))
        assert punkt.span_tokenize(text) == list(reference.span_tokenize(text))


def test_stems_are_snowball_englishs_as_nltk_stems_them():
    """The C stemmer must stem the articles' words as NLTK's Snowball does, or answers would
    change with the stemmer (PyStemmer 3.x stems "added" as "add", NLTK as "ad")."""
    from nltk.stem.snowball import SnowballStemmer

    reference = SnowballStemmer("english")
    vocabulary = {word.norm for path in BUNDLED.glob("*.txt")
                  for word in analysis.words(path.read_text(encoding="utf-8"))
                  if word.norm and not word.norm[0].isdigit()}
    assert len(vocabulary) > 300
    assert {word: analysis.stem(word) for word in vocabulary} == \
        {word: reference.stem(word) for word in vocabulary}
