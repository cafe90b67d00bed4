"""Which cards a review session shows, in which order. Pure.

Order: due reviews first (oldest due first, then content order), then new cards in content order,
then today's pending step-7 repeats left over from an earlier session. Daily limits cap the due
reviews and the new cards; repeats are never capped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from studycli.content.model import Card
from studycli.srs.sm2 import CardState, is_repeat_due


@dataclass(frozen=True)
class QueueItem:
    card: Card
    state: CardState
    repeat: bool = False  # a step-7 same-day repeat

    @property
    def is_new(self) -> bool:
        return self.state.is_new


@dataclass(frozen=True)
class Plan:
    items: list[QueueItem]
    due_total: int  # due reviews before the limit
    new_total: int  # new cards before the limit


def plan_queue(
    entries: list[tuple[Card, CardState]],
    day: dt.date,
    new_left: int,
    reviews_left: int,
) -> Plan:
    """`entries` in content order; `new_left` / `reviews_left` are what today's limits still allow."""
    due: list[tuple[dt.date, int, QueueItem]] = []
    new: list[QueueItem] = []
    repeats: list[tuple[dt.datetime, int, QueueItem]] = []
    for ordinal, (card, state) in enumerate(entries):
        if is_repeat_due(state, day):
            repeats.append((state.last_review, ordinal, QueueItem(card, state, repeat=True)))
        elif state.is_new:
            new.append(QueueItem(card, state))
        elif state.due is not None and state.due <= day:
            due.append((state.due, ordinal, QueueItem(card, state)))
    due.sort(key=lambda t: (t[0], t[1]))
    repeats.sort(key=lambda t: (t[0], t[1]))
    items = [t[2] for t in due[: max(0, reviews_left)]] + new[: max(0, new_left)] + [t[2] for t in repeats]
    return Plan(items, len(due), len(new))


def still_wanted(item: QueueItem, fresh: CardState, day: dt.date) -> bool:
    """Whether a queued card should still be shown, given its state re-read just now (another process
    may have graded it meanwhile)."""
    if is_repeat_due(fresh, day):
        return True
    if item.is_new:
        return fresh.is_new
    return fresh.due is not None and fresh.due <= day
