"""The review log (append-only, the truth) and the card states derived from it.

Public API:

- `load_state(db, card_id) -> CardState`
- `record_grade(db, card_id, grade, reviewed_at, session) -> ReviewRecord`: one `BEGIN IMMEDIATE`
  transaction: read the card's current state, apply SM-2, append the review row, update card_state.
  Reading the state inside the lock is what lets two processes grade at once without losing a grade.
- `undo_review(db, review_id, undone_at, session) -> CardState`: appends an undo row (never deletes)
  and restores the state from before that review.
- `day_counts(db, day) -> DayCounts(new, reviews)`: today's effective grades, for the daily limits.
- `next_due(db) -> date | None`: the earliest due date of a card still in the content.
- `replay_log(db) -> Replay`: card states recomputed from the log alone, plus log inconsistencies.
- `rebuild_states(db) -> int`: replace card_state with the replayed states.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlite_utils import Database

from studycli.errors import StudyError
from studycli.srs import sm2
from studycli.srs.sm2 import NEW_CARD, CardState
from studycli.store.transaction import write_transaction


@dataclass(frozen=True)
class ReviewRecord:
    id: int
    card_id: str
    grade: int
    before: CardState
    after: CardState
    same_day_repeat: bool


@dataclass(frozen=True)
class DayCounts:
    new: int  # cards graded for the first time today
    reviews: int  # grades of already-seen cards today, step-7 repeats excluded


def _state_row(conn, card_id: str) -> CardState:
    row = conn.execute(
        "SELECT repetitions, easiness_cents, interval, due, last_review, reviews, lapses, repeat_pending"
        " FROM card_state WHERE card_id = ?",
        (card_id,),
    ).fetchone()
    if row is None:
        return NEW_CARD
    from studycli.store.cards import state_from_row

    return state_from_row(row)


def load_state(db: Database, card_id: str) -> CardState:
    return _state_row(db.conn, card_id)


def _save_state(conn, card_id: str, state: CardState) -> None:
    data = state.to_json()
    conn.execute(
        "INSERT INTO card_state (card_id, repetitions, easiness_cents, interval, due, last_review, reviews,"
        " lapses, repeat_pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(card_id) DO UPDATE SET"
        " repetitions=excluded.repetitions, easiness_cents=excluded.easiness_cents, interval=excluded.interval,"
        " due=excluded.due, last_review=excluded.last_review, reviews=excluded.reviews, lapses=excluded.lapses,"
        " repeat_pending=excluded.repeat_pending",
        (
            card_id,
            data["repetitions"],
            data["easiness_cents"],
            data["interval"],
            data["due"],
            data["last_review"],
            data["reviews"],
            data["lapses"],
            data["repeat_pending"],
        ),
    )


def _dump(state: CardState) -> str:
    return json.dumps(state.to_json(), separators=(",", ":"), sort_keys=True)


def record_grade(
    db: Database, card_id: str, grade: int, reviewed_at: dt.datetime, session: str
) -> ReviewRecord:
    with write_transaction(db) as conn:
        before = _state_row(conn, card_id)
        outcome = sm2.review(before, grade, reviewed_at)
        cursor = conn.execute(
            "INSERT INTO reviews (card_id, reviewed_at, day, grade, undoes, same_day_repeat, state_before,"
            " state_after, session) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?)",
            (
                card_id,
                reviewed_at.isoformat(),
                reviewed_at.date().isoformat(),
                grade,
                int(outcome.same_day_repeat),
                _dump(before),
                _dump(outcome.state),
                session,
            ),
        )
        _save_state(conn, card_id, outcome.state)
        return ReviewRecord(cursor.lastrowid, card_id, grade, before, outcome.state, outcome.same_day_repeat)


def undo_review(db: Database, review_id: int, undone_at: dt.datetime, session: str) -> CardState:
    with write_transaction(db) as conn:
        row = conn.execute(
            "SELECT card_id, grade, state_before, state_after FROM reviews WHERE id = ?", (review_id,)
        ).fetchone()
        if row is None or row[1] is None:
            raise StudyError(f"review {review_id} does not exist or is itself an undo")
        if conn.execute("SELECT 1 FROM reviews WHERE undoes = ?", (review_id,)).fetchone():
            raise StudyError(f"review {review_id} was already undone")
        card_id = row[0]
        current = _state_row(conn, card_id)
        if _dump(current) != _dump(CardState.from_json(json.loads(row[3]))):
            raise StudyError(
                f"card {card_id} was graded again after that review (another session?); nothing was undone"
            )
        restored = CardState.from_json(json.loads(row[2]))
        conn.execute(
            "INSERT INTO reviews (card_id, reviewed_at, day, grade, undoes, same_day_repeat, state_before,"
            " state_after, session) VALUES (?, ?, ?, NULL, ?, NULL, ?, ?, ?)",
            (
                card_id,
                undone_at.isoformat(),
                undone_at.date().isoformat(),
                review_id,
                _dump(current),
                _dump(restored),
                session,
            ),
        )
        _save_state(conn, card_id, restored)
        return restored


def _effective_reviews(conn, where: str = "", args: tuple = ()):
    """Grade rows (not undo rows) that no undo row cancels."""
    return conn.execute(
        "SELECT r.id, r.card_id, r.grade, r.same_day_repeat, r.state_before FROM reviews r"
        " WHERE r.grade IS NOT NULL AND NOT EXISTS (SELECT 1 FROM reviews u WHERE u.undoes = r.id)" + where,
        args,
    )


def day_counts(db: Database, day: dt.date) -> DayCounts:
    new = reviews = 0
    for _id, _card, _grade, repeat, before in _effective_reviews(
        db.conn, " AND r.day = ?", (day.isoformat(),)
    ):
        if json.loads(before).get("reviews", 0) == 0:
            new += 1
        elif not repeat:
            reviews += 1
    return DayCounts(new, reviews)


def next_due(db: Database, after: dt.date | None = None) -> dt.date | None:
    sql = "SELECT MIN(s.due) FROM card_state s JOIN cards c ON c.id = s.card_id WHERE c.present = 1 AND s.due IS NOT NULL"
    args: tuple = ()
    if after is not None:
        sql += " AND s.due > ?"
        args = (after.isoformat(),)
    value = db.conn.execute(sql, args).fetchone()[0]
    return dt.date.fromisoformat(value) if value else None


@dataclass
class Replay:
    states: dict[str, CardState] = field(default_factory=dict)
    issues: list[str] = field(default_factory=list)  # log rows that disagree with the replay
    reviews: int = 0
    undos: int = 0


def replay_log(db: Database) -> Replay:
    """Recompute every card state from the grades in the log (SM-2 again, in log order)."""
    result = Replay()
    before_of: dict[int, tuple[str, CardState]] = {}
    rows = db.conn.execute(
        "SELECT id, card_id, reviewed_at, grade, undoes, state_before, state_after FROM reviews ORDER BY id"
    )
    for rid, card_id, reviewed_at, grade, undoes, logged_before, logged_after in rows:
        current = result.states.get(card_id, NEW_CARD)
        if grade is None:
            result.undos += 1
            target = before_of.pop(undoes, None)
            if target is None or target[0] != card_id:
                result.issues.append(
                    f"review {rid}: undoes review {undoes}, which is not a grade of {card_id}"
                )
                continue
            result.states[card_id] = target[1]
            continue
        result.reviews += 1
        if not 0 <= grade <= 5:
            result.issues.append(f"review {rid}: grade {grade} is out of range")
            continue
        if _dump(current) != _dump(CardState.from_json(json.loads(logged_before))):
            result.issues.append(
                f"review {rid} ({card_id}): logged state_before differs from the replayed state"
            )
        after = sm2.review(current, grade, dt.datetime.fromisoformat(reviewed_at)).state
        if _dump(after) != _dump(CardState.from_json(json.loads(logged_after))):
            result.issues.append(f"review {rid} ({card_id}): logged state_after differs from SM-2's")
        before_of[rid] = (card_id, current)
        result.states[card_id] = after
    return result


def stored_states(db: Database) -> dict[str, CardState]:
    from studycli.store.cards import state_from_row

    rows = db.conn.execute(
        "SELECT card_id, repetitions, easiness_cents, interval, due, last_review, reviews, lapses,"
        " repeat_pending FROM card_state"
    )
    return {r[0]: state_from_row(r[1:]) for r in rows}


def rebuild_states(db: Database) -> int:
    """Replace every card_state row with the state replayed from the log. Returns the rows written."""
    with write_transaction(db) as conn:
        replay = replay_log(db)
        conn.execute("DELETE FROM card_state")
        for card_id, state in replay.states.items():
            _save_state(conn, card_id, state)
    return len(replay.states)
