"""SQLite storage through sqlite-utils: migrations, the review log, card states, drill runs."""

from studycli.store.db import open_db

__all__ = ["open_db"]
