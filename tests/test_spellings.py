from types import SimpleNamespace

from qa.store.spellings import batch_words


def test_a_batch_counts_each_word_once_and_keeps_its_commonest_spelling():
    """"Did you mean" suggests a word as the sources write it most often; across a batch the
    counts add up, capitals are counted apart, and a tie goes to the first in code point order."""
    first = SimpleNamespace(spellings=[("haiti", "Haiti", 3, 3), ("nairobi", "nairobi", 1, 0),
                                       ("mss", "MSS", 2, 2)])
    second = SimpleNamespace(spellings=[("haiti", "HAITI", 2, 2), ("nairobi", "Nairobi", 1, 1),
                                        ("mss", "mss", 2, 0), ("haiti", "haiti", 4, 0)])
    words = {norm: (count, capitalised, surface) for norm, count, capitalised, surface in batch_words([first, second])}
    assert words == {"haiti": (9, 5, "haiti"), "nairobi": (2, 1, "Nairobi"), "mss": (4, 2, "MSS")}
