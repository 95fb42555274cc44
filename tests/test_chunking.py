from pathlib import Path

from hypothesis import given, settings, strategies as st

from qa.chunking import chunk_terms, windows
from qa import analysis
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
    for window in windows(loaded.text, loaded.paragraphs, max_words):
        assert loaded.text[window.start:window.end].strip() == loaded.text[window.start:window.end]
        for start, end in window.sentences:
            assert window.start <= start < end <= window.end
            assert loaded.text[start:end].strip()


def test_a_long_paragraph_becomes_windows_of_whole_sentences():
    sentence = "The mission needs more officers and better equipment soon. "
    text = "Title line\n\n" + sentence * 40
    loaded = parse(text, Path("long.txt"))
    chunks = windows(loaded.text, loaded.paragraphs, max_words=50)
    texts = [loaded.text[c.start:c.end] for c in chunks]
    assert len(chunks) > 1
    assert all(c.paragraph == 1 for c in chunks)
    assert all(t.endswith("soon.") and t.startswith("The mission") for t in texts)
    assert all(len(t.split()) <= 50 for t in texts)


def test_paragraph_numbers_count_body_paragraphs():
    loaded = load(BUNDLED / VISIT)
    chunks = windows(loaded.text, loaded.paragraphs, 120)
    assert [c.paragraph for c in chunks][:3] == [1, 2, 3]
    assert loaded.text[chunks[0].start:chunks[0].end].startswith("Kenyan President William Ruto has landed")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=120), min_size=1, max_size=6), st.sampled_from([".md", ".txt"]))
def test_a_chunk_s_terms_can_be_recounted_from_its_stored_text_heading_and_title(paragraphs, suffix):
    # Removing a source recounts its chunks' terms from their stored text and heading: it
    # must find exactly what indexing counted, or the statistics drift.
    import tempfile
    from collections import Counter

    from qa.chunking import chunk_counts
    from qa.ingest import Job, analyse
    text = "# Heading one\n\n" + "\n\n".join(paragraphs) + "\n\n## Heading two\n\nLast words here.\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"s{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            analysed = analyse(Job(path, path.name), 40, 10.0)
        except SourceError:
            return
    import numpy as np

    indexes, counts, widths = (np.frombuffer(blob, dtype="<u4") for blob in
                               (analysed.term_indexes, analysed.term_counts, analysed.widths))
    surfaces: Counter = Counter()
    for chunk, end, width in zip(analysed.chunks, np.cumsum(widths).tolist(), widths.tolist()):
        terms, spellings = chunk_counts(chunk.text, chunk.section, analysed.title)
        assert terms == {analysed.terms[i]: n for i, n in zip(indexes[end - width:end].tolist(),
                                                              counts[end - width:end].tolist())}
        surfaces.update(spellings)
    assert surfaces == {(norm, surface): n for norm, surface, n, _ in analysed.spellings}


def test_a_run_on_line_becomes_bounded_verbatim_passages():
    from qa.models import Paragraph
    from qa.chunking import LONG_SENTENCE_WORDS
    text = " ".join(f"word{i % 50}" for i in range(3 * LONG_SENTENCE_WORDS))  # one line, no full stop
    chunks = windows(text, [Paragraph(start=0, end=len(text))], 120)
    assert len(chunks) == 3
    assert all(len(text[c.start:c.end].split()) <= LONG_SENTENCE_WORDS for c in chunks)


def test_a_passage_of_stop_words_only_is_one_empty_term_even_under_a_title():
    # rank-bm25 is given one empty term for such a passage, so its length is 1 and the
    # library's average length is rank-bm25's; a title's own terms must not change that.
    for title in (None, "Genome-wide profiling of acetyl sites"):
        terms, length = chunk_terms(". . . .", analysis.tokens(". . . ."), None, title)
        assert length == 1 and terms[""] == 1
