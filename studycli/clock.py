"""The one clock. `STUDY_NOW` (an ISO date-time) replaces the system clock everywhere."""

from __future__ import annotations

import datetime as dt
import os

from studycli.errors import StudyError


def now() -> dt.datetime:
    """Aware local date-time; honours STUDY_NOW (naive values are taken as local time)."""
    raw = os.environ.get("STUDY_NOW")
    if not raw:
        return dt.datetime.now().astimezone()
    try:
        value = dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        raise StudyError(
            f"STUDY_NOW={raw!r} is not an ISO date-time",
            hint="use a form like 2026-12-04 or 2026-12-04T09:30",
        ) from None
    return value.astimezone() if value.tzinfo else value.replace(tzinfo=dt.datetime.now().astimezone().tzinfo)


def today() -> dt.date:
    """The learner's local calendar day."""
    return now().date()
