"""One write transaction helper. `BEGIN IMMEDIATE` takes the write lock up front, so two `study`
processes serialise their writes (waiting up to the busy timeout) instead of failing mid-way."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from sqlite_utils import Database

from studycli.errors import StudyError


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[sqlite3.Connection]:
    conn = db.conn
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as err:
        raise StudyError(
            f"the study database is busy: {err}",
            hint="another `study` process holds the write lock; try again when it is done",
        ) from None
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
