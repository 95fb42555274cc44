"""When segments merge: Lucene's log merge policy, as a pure function of segment sizes.

Every one-file add leaves a tiny segment, and a question reads every segment's postings of its
terms. When `MERGE_AT` segments of one size tier end the library, they become one, so a
library keeps a few segments however many small adds built it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import NamedTuple

MERGE_AT = 10
MERGE_TIERS = (100, 1_000, 10_000)  # chunks


class SegmentSize(NamedTuple):
    id: int
    first_chunk: int
    chunks: int  # how many chunk ids it spans, removed ones included


def segments_to_merge(segments: Sequence[SegmentSize]) -> list[SegmentSize]:
    """The run of segments at the end of ``segments`` (oldest first) to merge into one, oldest
    first; empty when none should. Only a run that ends the library merges: chunk ids grow from
    segment to segment, so the merged segment's postings are the old ones end to end."""
    newest_first = segments[::-1]
    for limit in MERGE_TIERS:
        run = list(itertools.takewhile(lambda segment: segment.chunks < limit, newest_first))
        if len(run) >= MERGE_AT:
            return run[::-1]
    return []
