"""The merge policy on fake segment lists, without an index (as tantivy tests its MergePolicy)."""

import sqlite3

from qa.store.merge_policy import MERGE_AT, MERGE_TIERS, SegmentSize, segments_to_merge
from qa.store.sql import PARAMETERS, select_in


def segments(*sizes: int) -> list[SegmentSize]:
    listed, first = [], 0
    for number, size in enumerate(sizes, start=1):
        listed.append(SegmentSize(number, first, size))
        first += size
    return listed


def test_fewer_than_merge_at_small_segments_stay():
    assert segments_to_merge(segments(*[1] * (MERGE_AT - 1))) == []


def test_merge_at_small_segments_at_the_end_become_one_oldest_first():
    listed = segments(5_000, *[3] * MERGE_AT)
    assert segments_to_merge(listed) == listed[1:]


def test_a_big_segment_at_the_end_shields_the_small_ones_before_it():
    assert segments_to_merge(segments(*[3] * MERGE_AT, MERGE_TIERS[-1])) == []


def test_a_run_too_big_for_the_first_tier_merges_in_the_next():
    listed = segments(*[MERGE_TIERS[0]] * MERGE_AT)
    assert segments_to_merge(listed) == listed


def test_segments_past_the_last_tier_never_merge():
    assert segments_to_merge(segments(*[MERGE_TIERS[-1]] * (MERGE_AT * 2))) == []


def test_select_in_returns_every_row_past_the_parameter_limit():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)")
    db.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(3 * PARAMETERS)])
    wanted = list(range(0, 3 * PARAMETERS, 2))
    rows = select_in(db, "SELECT n FROM t WHERE n > ? AND n IN ({marks})", wanted, before=(10,))
    assert sorted(n for (n,) in rows) == [n for n in wanted if n > 10]
