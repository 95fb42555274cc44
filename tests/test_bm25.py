"""Our stored, vectorised BM25 gives rank-bm25's own scores and rankings, also after removals."""

import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

from qa.index import StoredIndex
from qa.settings import Settings
from qa.store import AnalysedSource, ChunkLayout, FileState, Store, analysed

VARIANTS = {"okapi": BM25Okapi, "plus": BM25Plus, "l": BM25L}
WORDS = [f"w{i}" for i in range(40)]


def oracle(corpus: list[list[str]], variant: str, k1: float, b: float):
    """rank-bm25 as the project always used it: Okapi's non-positive idf becomes Lucene's."""
    model = VARIANTS[variant](corpus, k1=k1, b=b)
    if variant == "okapi":
        n = len(corpus)
        for term, idf in model.idf.items():
            if idf <= 0:
                df = sum(term in doc for doc in corpus)
                model.idf[term] = float(np.log(1 + (n - df + 0.5) / (df + 0.5)))
    return model


def source(name: str, documents: list[list[str]],
           spellings: dict[tuple[str, str], int] | None = None) -> AnalysedSource:
    chunks = [ChunkLayout(paragraph=i + 1, start=0, end=1, text=" ".join(doc), sentences=[(0, 1)],
                          terms=dict(Counter(doc)), length=len(doc)) for i, doc in enumerate(documents)]
    return analysed(chunks=chunks, spellings=spellings or {}, name=name, title=name, format="txt",
                    sha256=name, state=FileState(1, 1, 1, 1), paragraphs=len(chunks))


def random_corpus(rng: random.Random) -> list[list[list[str]]]:
    """Sources of documents; Zipf-like word choice so some terms are in most documents."""
    weights = [1 / (i + 1) for i in range(len(WORDS))]
    return [[rng.choices(WORDS, weights, k=rng.randint(1, 30)) for _ in range(rng.randint(1, 6))]
            for _ in range(rng.randint(1, 12))]


def fake_recount(text: str, section: str | None, title: str | None):
    return Counter(text.split()), Counter()


def check(index: StoredIndex, documents: list[list[str]], ids: list[int], variant: str,
          settings: Settings, rng: random.Random) -> None:
    model = oracle(documents, variant, settings.k1, settings.b)
    for _ in range(5):
        query = {term: rng.choice([0.5, 1.0, 1.5]) for term in rng.sample(WORDS + ["absent"], 3)}
        expected = sum(weight * model.get_scores([term]) for term, weight in query.items())
        holds_a_term = np.array([any(term in doc for term in query) for doc in documents])
        hits = index.top(query, 10)
        # Our scores are rank-bm25's for the same passages...
        by_id = dict(zip(ids, expected))
        for hit in hits:
            assert hit.score == pytest.approx(by_id[hit.chunk], rel=1e-9, abs=1e-12)
        # ...and they are its ten best positive-scoring passages among those holding a term.
        wanted = np.sort(expected[holds_a_term & (expected > 0)])[::-1][:10]
        assert [hit.score for hit in hits] == pytest.approx(list(wanted), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("variant", ["okapi", "plus", "l"])
def test_scores_and_rankings_equal_rank_bm25s(tmp_path: Path, variant: str):
    rng = random.Random(variant)
    settings = Settings(bm25_variant=variant)
    for trial in range(12):
        folder = tmp_path / f"{trial}"
        folder.mkdir()
        store = Store(folder, "test")
        index = StoredIndex(store, settings)
        sources = random_corpus(rng)
        # Two batches, so postings span segments as they do after several `qa add`s.
        half = len(sources) // 2
        rows = store.commit([source(f"s{i}", docs) for i, docs in enumerate(sources[:half])])
        rows += store.commit([source(f"s{i}", docs) for i, docs in enumerate(sources) if i >= half])
        documents = [doc for docs in sources for doc in docs]
        ids = [row.first_chunk + i for row in rows for i in range(row.chunks)]
        check(index, documents, ids, variant, settings, rng)
        # Remove some sources: statistics and dead postings must follow exactly.
        removed = [row for row in rows if rng.random() < 0.4 and len(rows) > 1][: len(rows) - 1]
        if removed:
            store.commit(removed=removed, recount=fake_recount)
            kept = [(row, docs) for row, docs in zip(rows, sources) if row not in removed]
            documents = [doc for _, docs in kept for doc in docs]
            ids = [row.first_chunk + i for row, _ in kept for i in range(row.chunks)]
            check(index, documents, ids, variant, settings, rng)
        store.close()



def test_near_words_are_found_at_every_edit_distance_up_to_two(tmp_path: Path):
    from qa.index import StoredVocabulary

    store = Store(tmp_path, "test")
    words = ["normandy", "normans", "northumbria", "immunities", "immunity", "mitochondria",
             "phosphoglycerate", "αθηνα"]
    store.commit([source("s", [["x"]], {(word, word.capitalize()): 1 for word in words})])
    vocabulary = StoredVocabulary(store)
    # Deletions, insertions (the stored word two letters longer too), substitutions, swaps.
    # ("mtocondria" and "imunites" need two insertions: the case a one-level index misses.)
    for asked, wanted in [("normndy", "normandy"), ("immuniti", "immunity"), ("mtocondria", "mitochondria"),
                          ("imunites", "immunities"), ("normnas", "normans"),
                          # a long word: two letters missing, or one missing and one wrong
                          ("phosphglycerat", "phosphoglycerate"), ("phosphoglycerxe", "phosphoglycerate"),
                          ("αθνα", "αθηνα")]:  # letters, not bytes, are deleted
        assert wanted in vocabulary.near(asked, 2), asked
    assert "normandy" not in vocabulary.near("nrmndy", 1)


@pytest.mark.parametrize("variant", ["okapi", "plus"])
def test_rankings_hold_when_the_small_segments_of_many_adds_are_merged(tmp_path: Path, variant: str):
    from qa.store import MERGE_AT

    rng = random.Random(f"merge-{variant}")
    settings = Settings(bm25_variant=variant)
    store = Store(tmp_path, "test")
    index = StoredIndex(store, settings)
    sources = [docs for _ in range(4) for docs in random_corpus(rng)][:3 * MERGE_AT + 3]
    rows = []
    for i, docs in enumerate(sources):  # one `qa add` per source, asking between some of them
        rows += store.commit([source(f"s{i}", docs)])
        if i % 7 == 0:
            index.top({"w1": 1.0}, 10)
    segments = store._connection.execute("SELECT count(*) FROM segments").fetchone()[0]
    assert segments < MERGE_AT < len(sources)
    ids = [row.first_chunk + i for row in rows for i in range(row.chunks)]
    check(index, [doc for docs in sources for doc in docs], ids, variant, settings, rng)
    # Removing sources from merged segments, then adding more, keeps the rankings exact.
    rows = [store.source(key=row.key) for row in rows]
    removed = rows[1:len(rows):3]
    store.commit(removed=removed, recount=fake_recount)
    kept = [(row, docs) for row, docs in zip(rows, sources) if row not in removed]
    extra = random_corpus(rng)
    for i, docs in enumerate(extra):
        kept += [(store.commit([source(f"x{i}", docs)])[0], docs)]
    documents = [doc for _, docs in kept for doc in docs]
    ids = [row.first_chunk + i for row, _ in kept for i in range(row.chunks)]
    check(index, documents, ids, variant, settings, rng)
    store.close()


def test_a_word_s_spelling_variants_are_stored_and_all_go_when_its_last_source_goes(tmp_path: Path):
    """The deletion index holds what "did you mean" looks up, and removing the last source of a
    word leaves none of its rows, also the first-letter deletions older indexes stored."""
    import sqlite3

    from qa.store import database_path
    from qa.store.spellings import deletion_variants

    words = ["normandy", "rollo"]
    store = Store(tmp_path, "test")
    [row] = store.commit([source("s", [words], {(word, word.capitalize()): 1 for word in words})])
    db = sqlite3.connect(database_path(tmp_path))
    for word in words:
        stored = {v for (v,) in db.execute("SELECT variant FROM deletes WHERE norm = ?", (word,))}
        assert stored == deletion_variants(word)
    with db:
        db.execute("INSERT INTO deletes VALUES ('ormandy', 'normandy')")  # as older indexes had it

    def recount(text: str, section: str | None, title: str | None):
        return Counter(text.split()), Counter({(word, word.capitalize()): 1 for word in text.split()})

    store.commit(removed=[row], recount=recount)
    assert db.execute("SELECT count(*) FROM deletes").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM words").fetchone() == (0,)
    db.close()
    store.close()
