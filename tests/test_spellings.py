import random
import string
from types import SimpleNamespace

from rapidfuzz.distance import Levenshtein

from qa.store.spellings import DOUBLE_SUBSTITUTIONS_UP_TO, batch_words, deletion_variants, near_variants

LETTERS = string.ascii_lowercase


def test_a_batch_counts_each_word_once_and_keeps_its_commonest_spelling():
    """"Did you mean" suggests a word as the sources write it most often; across a batch the
    counts add up, capitals are counted apart, and a tie goes to the first in code point order."""
    first = SimpleNamespace(spellings=[("haiti", "Haiti", 3, 3), ("nairobi", "nairobi", 1, 0),
                                       ("mss", "MSS", 2, 2)])
    second = SimpleNamespace(spellings=[("haiti", "HAITI", 2, 2), ("nairobi", "Nairobi", 1, 1),
                                        ("mss", "mss", 2, 0), ("haiti", "haiti", 4, 0)])
    words = {norm: (count, capitalised, surface) for norm, count, capitalised, surface in batch_words([first, second])}
    assert words == {"haiti": (9, 5, "haiti"), "nairobi": (2, 1, "Nairobi"), "mss": (4, 2, "MSS")}


def _edited(word: str, rng: random.Random) -> str:
    """``word`` with one random deletion, insertion or substitution after its first letter."""
    i = rng.randrange(1, len(word))
    return rng.choice([word[:i] + word[i + 1:], word[:i] + rng.choice(LETTERS) + word[i:],
                       word[:i] + rng.choice(LETTERS) + word[i + 1:]])


def test_every_word_two_edits_away_is_looked_up_with_its_first_letter_kept():
    """"Did you mean" finds a stored word from any misspelling within two edits that keeps its
    first letter: complete up to DOUBLE_SUBSTITUTIONS_UP_TO letters; past that, every case but
    two letters wrong far apart (a swap of neighbours is found)."""
    rng = random.Random(5)
    for _ in range(4000):
        word = "".join(rng.choice(LETTERS) for _ in range(rng.randrange(4, 20)))
        asked = _edited(_edited(word, rng), rng) if rng.random() < 0.7 else _edited(word, rng)
        distance = Levenshtein.distance(asked, word)
        if not 0 < distance <= 2:
            continue
        two_far_substitutions = (len(asked) == len(word) and sum(a != b for a, b in zip(asked, word)) == 2
                                 and asked != _swapped_somewhere(word, asked))
        if len(asked) > DOUBLE_SUBSTITUTIONS_UP_TO and two_far_substitutions:
            continue
        assert near_variants(asked, 2) & deletion_variants(word), (asked, word)
        if distance == 1:
            assert near_variants(asked, 1) & deletion_variants(word), (asked, word)
    swapped = "phosphoglycreate"  # 16 letters, two neighbours swapped
    assert near_variants(swapped, 2) & deletion_variants("phosphoglycerate")


def _swapped_somewhere(word: str, asked: str) -> str | None:
    """``asked`` if it is ``word`` with two neighbouring letters swapped."""
    for i in range(len(word) - 1):
        if word[:i] + word[i + 1] + word[i] + word[i + 2:] == asked:
            return asked
    return None
