from pathlib import Path

from hypothesis import given, settings, strategies as st

from qa.chunking import chunk_source
from qa.sources import SourceError, load, parse
from conftest import BUNDLED, VISIT

words = st.text(alphabet="abcdefghij ’'.,!?\n“”éU", min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.lists(words, min_size=1, max_size=30), st.integers(min_value=20, max_value=60))
def test_chunk_and_sentence_offsets_map_back_to_the_source_text(pieces, max_words):
    text = "\n".join(pieces)
    try:
        loaded = parse(text, Path("t.txt"))
    except SourceError:
        return
    chunks = chunk_source(loaded.text, loaded.paragraphs, "t.txt", max_words)
    for chunk in chunks:
        assert loaded.text[chunk.start:chunk.end] == chunk.text
        for sentence in chunk.sentences:
            assert chunk.start <= sentence.start < sentence.end <= chunk.end
            assert loaded.text[sentence.start:sentence.end].strip()


def test_a_long_paragraph_becomes_windows_of_whole_sentences():
    sentence = "The mission needs more officers and better equipment soon. "
    text = "Title line\n\n" + sentence * 40
    loaded = parse(text, Path("long.txt"))
    chunks = chunk_source(loaded.text, loaded.paragraphs, "long.txt", max_words=50)
    assert len(chunks) > 1
    assert all(c.paragraph == 1 for c in chunks)
    assert all(c.text.endswith("soon.") and c.text.startswith("The mission") for c in chunks)
    assert all(len(c.text.split()) <= 50 for c in chunks)


def test_paragraph_numbers_count_body_paragraphs():
    loaded = load(BUNDLED / VISIT)
    chunks = chunk_source(loaded.text, loaded.paragraphs, VISIT, 120)
    assert [c.paragraph for c in chunks][:3] == [1, 2, 3]
    assert chunks[0].text.startswith("Kenyan President William Ruto has landed")


@given(st.text(max_size=300), st.one_of(st.none(), st.text(max_size=40)))
def test_a_chunk_s_terms_can_be_recounted_from_its_text_and_heading(text, section):
    # Removing a source recounts its chunks' terms from their stored text: it must find
    # exactly what indexing counted.
    from collections import Counter

    from qa.chunking import chunk_terms
    from qa.models import Paragraph
    if not text.strip():
        return
    for chunk in chunk_source(text, [Paragraph(start=0, end=len(text), section=section)], "s", 40):
        assert (Counter(chunk.tokens) or Counter({"": 1})) == chunk_terms(chunk.text, chunk.section)


def test_a_run_on_line_becomes_bounded_verbatim_passages():
    from qa.models import Paragraph
    from qa.chunking import LONG_SENTENCE_WORDS
    text = " ".join(f"word{i % 50}" for i in range(3 * LONG_SENTENCE_WORDS))  # one line, no full stop
    chunks = chunk_source(text, [Paragraph(start=0, end=len(text))], "s", 120)
    assert len(chunks) == 3
    assert all(len(c.text.split()) <= LONG_SENTENCE_WORDS and text[c.start:c.end] == c.text for c in chunks)
