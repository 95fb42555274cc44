"""The one shape of a batched ``IN (?, …)`` query."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

# SQLite's default limit on host parameters is 999 in old builds: stay under it.
PARAMETERS = 900


def select_in(db: sqlite3.Connection, sql: str, values: Iterable[object],
              before: tuple[object, ...] = ()) -> list[tuple]:
    """Every row of ``sql`` (a statement with ``IN ({marks})``) over ``values``, run in batches
    of at most `PARAMETERS` values; ``before`` are parameters that come ahead of the list.
    Rows come batch by batch, so an ORDER BY holds within a batch only."""
    values = values if isinstance(values, list | tuple) else list(values)
    rows: list[tuple] = []
    size = PARAMETERS - len(before)
    for start in range(0, len(values), size):
        batch = values[start:start + size]
        rows += db.execute(sql.format(marks=",".join("?" * len(batch))), (*before, *batch)).fetchall()
    return rows

