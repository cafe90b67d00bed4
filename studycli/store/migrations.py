"""Schema migrations: an ordered list of small functions, each applied once and recorded in
`_migrations`. Append new ones at the end; never edit one that has shipped.

The schema is documented in docs/STORAGE.md.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

MIGRATIONS: list[Callable[[Database], None]] = []


def migration(fn: Callable[[Database], None]) -> Callable[[Database], None]:
    MIGRATIONS.append(fn)
    return fn


@migration
def m001_initial(db: Database) -> None:
    # Every card ever seen in the content. Rows are never deleted: a card that left the
    # content keeps its row (present=0) and shows as an orphan.
    db["cards"].create(
        {
            "id": str,
            "kind": str,  # qa | cloze | cheat
            "deck": str,
            "level": int,  # 1..6 or NULL
            "source_file": str,  # path relative to its content root
            "source_line": int,
            "front": str,
            "back": str,
            "citation": str,  # the card's "Source:" line
            "extra": str,  # JSON: cloze index, placeholders, tags, section...
            "ordinal": int,  # content order, for new-card order
            "present": int,  # 1 while in the content, 0 when orphaned
            "first_seen": str,
            "last_seen": str,
        },
        pk="id",
    )
    db["cards"].create_index(["deck"])
    db["cards"].create_index(["level"])

    # Derived from the review log (study doctor --rebuild recomputes it).
    db["card_state"].create(
        {
            "card_id": str,
            "repetitions": int,
            "easiness_cents": int,  # EF x 100, kept exact (every EF step is 0.02)
            "interval": int,  # days
            "due": str,  # YYYY-MM-DD, NULL for a new card
            "last_review": str,  # ISO date-time
            "reviews": int,
            "lapses": int,
            "repeat_pending": int,  # step 7: must come back today until graded 4 or 5
        },
        pk="card_id",
    )
    db["card_state"].create_index(["due"])

    # The truth: append-only. An undo is a new row with `undoes` set, never a delete.
    db["reviews"].create(
        {
            "id": int,
            "card_id": str,
            "reviewed_at": str,  # ISO date-time (honours STUDY_NOW)
            "day": str,  # learner's local calendar day, YYYY-MM-DD
            "grade": int,  # 0..5; NULL on an undo row
            "undoes": int,  # id of the review this row cancels, else NULL
            "same_day_repeat": int,  # 1 when this was a step-7 repeat
            "state_before": str,  # JSON of card_state before
            "state_after": str,  # JSON of card_state after
            "session": str,
        },
        pk="id",
    )
    db["reviews"].create_index(["card_id"])
    db["reviews"].create_index(["day"])

    # Content files already parsed, so unchanged content is not parsed again.
    db["content_files"].create(
        {"path": str, "root": str, "mtime_ns": int, "size": int, "sha256": str, "synced_at": str},
        pk="path",
    )

    # Live drill runs (the drill engine owns them).
    db["drill_runs"].create(
        {
            "id": int,
            "drill_id": str,
            "started_at": str,
            "ended_at": str,
            "status": str,  # active | passed | failed | abandoned
            "checks": int,
            "hints": int,
            "solution_revealed": int,
            "score": int,  # 0..100, NULL until ended
            "detail": str,  # JSON
        },
        pk="id",
    )
    db["drill_runs"].create_index(["drill_id"])

    # Self-check quizzes (no effect on the SM-2 schedule).
    db["selfchecks"].create(
        {
            "id": int,
            "level": int,
            "taken_at": str,
            "score": int,  # 0..100
            "correct": int,
            "total": int,
            "detail": str,  # JSON
        },
        pk="id",
    )


@migration
def m002_content_cache(db: Database) -> None:
    # The parse result of each content file (JSON: front matter, cards, problems) and the parser
    # version that produced it, so unchanged files are never parsed again.
    db["content_files"].add_column("parser_version", int)
    db["content_files"].add_column("parsed", str)
    db["reviews"].create_index(["undoes"])
