"""Opening the database: WAL, busy timeout, migrations, and refusing foreign or corrupt files."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path

from sqlite_utils import Database

from studycli import paths
from studycli.errors import StudyError
from studycli.store.migrations import MIGRATIONS

APPLICATION_ID = 0x53544459  # "STDY": marks the file as ours
BUSY_TIMEOUT_MS = 15000


def open_db(path: Path | None = None) -> Database:
    """Open (creating if needed) and migrate the study database.

    Raises StudyError for a corrupt file or a SQLite file that is not ours; it never
    overwrites either.
    """
    path = path or paths.database_path()
    existed = path.exists() and path.stat().st_size > 0
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Tables first: a process creating the file sets application_id before any table, so a
        # concurrent first run never sees tables without our id.
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.DatabaseError as err:
        raise _corrupt(path, err) from None
    if existed and app_id != APPLICATION_ID and tables:
        conn.close()
        raise StudyError(
            f"{path} is a SQLite database, but not a Streaming Mastery one; it was left untouched",
            hint="point STUDY_HOME at another directory, or move that file away",
        )
    try:
        _enable_wal(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        if app_id != APPLICATION_ID:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db = Database(conn)
        _migrate(db)
    except sqlite3.DatabaseError as err:
        raise _corrupt(path, err) from None
    return db


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switching a new file to WAL needs an exclusive lock, and SQLite does not wait for that one
    (no busy handler): two first runs at once would fail with "database is locked". Retry briefly;
    once a file is WAL the mode is stored in it and this is a no-op."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _corrupt(path: Path, err: Exception) -> StudyError:
    return StudyError(
        f"cannot read the study database {path}: {err}",
        hint="run `study doctor` to check it; restore a backup or move the file away to start fresh "
        "(it is never overwritten automatically)",
    )


def _migrate(db: Database) -> None:
    """Apply pending migrations once, under a write lock so two processes cannot race."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        if "_migrations" not in db.table_names():
            db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
        applied = {row["name"] for row in db["_migrations"].rows}
        for fn in MIGRATIONS:
            if fn.__name__ in applied:
                continue
            fn(db)
            db["_migrations"].insert(
                {"name": fn.__name__, "applied_at": dt.datetime.now(dt.timezone.utc).isoformat()}
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
