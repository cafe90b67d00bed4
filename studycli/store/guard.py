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
    except sqlite3.OperationalError as err:
        text = str(err)
        if "locked" in text or "busy" in text:
            raise StudyError(
                f"the study database is busy: {text}",
                hint="another `study` process holds it; try again when that one is done",
            ) from None
        raise _damaged(text) from None
    except sqlite3.DatabaseError as err:
        raise _damaged(str(err)) from None


def _damaged(text: str) -> StudyError:
    from studycli import paths

    return StudyError(
        f"the study database {paths.database_path()} failed: {text}",
        hint="run `study doctor` to check it; restore a backup or move the file away to start fresh "
        "(it is never overwritten automatically)",
    )
