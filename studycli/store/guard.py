"""Turn SQLite failures that surface mid-command (a damaged page, a locked file, a full disk) into a
StudyError with advice, so no command path ends in a traceback."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from studycli.errors import StudyError


@contextlib.contextmanager
def database_errors() -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as err:
        raise as_study_error(err) from None


def as_study_error(err: sqlite3.Error) -> StudyError:
    """The StudyError to show for a SQLite failure (`studycli.cli.main` uses it as a last resort)."""
    from studycli import paths

    text = str(err)
    if isinstance(err, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return StudyError(
            f"the study database is busy: {text}",
            hint="another `study` process holds it; try again when that one is done",
        )
    return StudyError(
        f"the study database {paths.database_path()} failed: {text}",
        hint="run `study doctor` to check it; restore a backup or move the file away to start fresh "
        "(it is never overwritten automatically)",
    )
