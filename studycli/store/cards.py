"""Reading cards and their review state back from the database (after `sync_content`).

Public API:

- `load_cards(db, deck=None, level=None, kind=None, include_orphans=False) -> list[Card]`
  in content order.
- `card_views(db, deck=None, level=None, kind=None, present=True) -> list[CardView]`: each card with
  its `CardState` (NEW_CARD if never reviewed) and whether it is still in the content.
  `present=None` returns both; `present=False` only orphans.
- `CardView.to_json(today)`: the `study cards --json` object.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlite_utils import Database

from studycli.content.model import Card
from studycli.srs.sm2 import NEW_CARD, CardState

_CARD_COLUMNS = (
    "c.id, c.kind, c.deck, c.level, c.source_file, c.source_line, c.front, c.back, c.citation, c.extra"
)
_STATE_COLUMNS = (
    "s.repetitions, s.easiness_cents, s.interval, s.due, s.last_review, s.reviews, s.lapses, s.repeat_pending"
)


@dataclass(frozen=True)
class CardView:
    card: Card
    state: CardState
    present: bool

    def is_due(self, today: dt.date) -> bool:
        return self.state.due is not None and self.state.due <= today

    def to_json(self) -> dict:
        c, s = self.card, self.state
        return {
            "id": c.id,
            "kind": c.kind,
            "deck": c.deck,
            "level": c.level,
            "source": c.source,
            "front": c.front,
            "repetitions": s.repetitions,
            "easiness": s.easiness_cents / 100,
            "interval": s.interval,
            "due": s.due.isoformat() if s.due else None,
            "last_review": s.last_review.isoformat() if s.last_review else None,
            "reviews": s.reviews,
            "lapses": s.lapses,
            "orphan": not self.present,
        }


def card_from_row(row) -> Card:
    return Card(
        id=row[0],
        kind=row[1],
        deck=row[2],
        level=row[3],
        source_file=row[4],
        source_line=row[5],
        front=row[6],
        back=row[7],
        citation=row[8] or "",
        extra=json.loads(row[9]) if row[9] else {},
    )


def state_from_row(row) -> CardState:
    """Columns in _STATE_COLUMNS order; all NULL (no card_state row) means a new card."""
    if row[0] is None:
        return NEW_CARD
    return CardState(
        repetitions=row[0],
        easiness_cents=row[1],
        interval=row[2],
        due=dt.date.fromisoformat(row[3]) if row[3] else None,
        last_review=dt.datetime.fromisoformat(row[4]) if row[4] else None,
        reviews=row[5] or 0,
        lapses=row[6] or 0,
        repeat_pending=bool(row[7]),
    )


def _where(deck, level, kind, present) -> tuple[str, list]:
    clauses, args = [], []
    if deck is not None:
        clauses.append("c.deck = ?")
        args.append(deck)
    if level is not None:
        clauses.append("c.level = ?")
        args.append(level)
    if kind is not None:
        clauses.append("c.kind = ?")
        args.append(kind)
    if present is not None:
        clauses.append("c.present = ?")
        args.append(1 if present else 0)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def load_cards(
    db: Database,
    deck: str | None = None,
    level: int | None = None,
    kind: str | None = None,
    include_orphans: bool = False,
) -> list[Card]:
    where, args = _where(deck, level, kind, None if include_orphans else True)
    rows = db.conn.execute(
        f"SELECT {_CARD_COLUMNS} FROM cards c{where} ORDER BY c.present DESC, c.ordinal", args
    )
    return [card_from_row(r) for r in rows]


def card_views(
    db: Database,
    deck: str | None = None,
    level: int | None = None,
    kind: str | None = None,
    present: bool | None = True,
) -> list[CardView]:
    where, args = _where(deck, level, kind, present)
    rows = db.conn.execute(
        f"SELECT {_CARD_COLUMNS}, c.present, {_STATE_COLUMNS} FROM cards c"
        f" LEFT JOIN card_state s ON s.card_id = c.id{where} ORDER BY c.present DESC, c.ordinal",
        args,
    )
    return [CardView(card_from_row(r), state_from_row(r[11:]), bool(r[10])) for r in rows]
