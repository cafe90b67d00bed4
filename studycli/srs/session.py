"""A review session: the queue, grading (committed one by one), step-7 repeats and undo.
The CLI drives it (interactive or JSON lines); this module does no terminal I/O.

    session = ReviewSession.start(db, cards, limits, deck=..., level=...)
    while (item := session.next_item()) is not None:
        ... show item.card ...
        session.grade(item, 4)      # or session.undo()
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import deque
from dataclasses import dataclass, field

from sqlite_utils import Database

from studycli import clock
from studycli.content.model import Card
from studycli.srs.queue import QueueItem, plan_queue, still_wanted
from studycli.store.config import ReviewLimits
from studycli.store.reviews import ReviewRecord, day_counts, load_state, record_grade, undo_review


@dataclass
class SessionStats:
    graded: int = 0
    new: int = 0
    repeats: int = 0
    undone: int = 0
    grades: dict[int, int] = field(default_factory=dict)


@dataclass
class ReviewSession:
    db: Database
    queue: deque[QueueItem]
    day: dt.date
    due_total: int
    new_total: int
    new_left: int
    reviews_left: int
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    stats: SessionStats = field(default_factory=SessionStats)
    card_ids: frozenset[str] = frozenset()
    _done: list[tuple[ReviewRecord, QueueItem]] = field(default_factory=list)

    @classmethod
    def start(cls, db: Database, cards: list[Card], limits: ReviewLimits) -> ReviewSession:
        """`cards`: the current content cards (already filtered by deck/level), in content order."""
        from studycli.srs.sm2 import NEW_CARD
        from studycli.store.reviews import stored_states

        day = clock.today()
        states = stored_states(db)
        counts = day_counts(db, day)
        new_left = max(0, limits.new_per_day - counts.new)
        reviews_left = max(0, limits.reviews_per_day - counts.reviews)
        entries = [(c, states.get(c.id, NEW_CARD)) for c in cards]
        plan = plan_queue(entries, day, new_left, reviews_left)
        return cls(
            db,
            deque(plan.items),
            day,
            plan.due_total,
            plan.new_total,
            new_left,
            reviews_left,
            card_ids=frozenset(c.id for c in cards),
        )

    def next_due(self) -> dt.date | None:
        """The earliest due date after today among this session's cards (re-read from the database)."""
        from studycli.store.reviews import stored_states

        later = [
            s.due
            for card_id, s in stored_states(self.db).items()
            if card_id in self.card_ids and s.due is not None and s.due > self.day
        ]
        return min(later) if later else None

    @property
    def remaining(self) -> int:
        return len(self.queue)

    def next_item(self) -> QueueItem | None:
        """The next card to show, re-checked against the database (another session may have graded it)."""
        while self.queue:
            item = self.queue.popleft()
            fresh = load_state(self.db, item.card.id)
            if still_wanted(item, fresh, self.day):
                return QueueItem(item.card, fresh, item.repeat)
        return None

    def put_back(self, item: QueueItem) -> None:
        """Quit/EOF without grading: nothing to record; keep it first for a caller that continues."""
        self.queue.appendleft(item)

    def grade(self, item: QueueItem, grade: int) -> ReviewRecord:
        record = record_grade(self.db, item.card.id, grade, clock.now(), self.id)
        self._done.append((record, item))
        self.stats.graded += 1
        self.stats.grades[grade] = self.stats.grades.get(grade, 0) + 1
        if record.before.is_new:
            self.stats.new += 1
        if record.same_day_repeat:
            self.stats.repeats += 1
        if record.after.repeat_pending:
            # step 7: comes back later in this session
            self.queue.append(QueueItem(item.card, record.after, repeat=True))
        return record

    def can_undo(self) -> bool:
        return bool(self._done)

    def undo(self) -> QueueItem | None:
        """Undo this session's last grade; the card is shown again next. None if nothing to undo."""
        if not self._done:
            return None
        record, item = self._done.pop()
        restored = undo_review(self.db, record.id, clock.now(), self.id)
        # drop the repeat that grade scheduled, then show the card again first
        self.queue = deque(q for q in self.queue if not (q.repeat and q.card.id == record.card_id))
        again = QueueItem(item.card, restored, item.repeat)
        self.queue.appendleft(again)
        self.stats.graded -= 1
        self.stats.undone += 1
        self.stats.grades[record.grade] -= 1
        if record.before.is_new:
            self.stats.new -= 1
        if record.same_day_repeat:
            self.stats.repeats -= 1
        return again
