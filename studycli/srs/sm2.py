"""SM-2 (SuperMemo, 1990) with the reading pinned in issue 2. Pure: no I/O, no clock.

- New card: n=0, EF=2.5, I=0.
- q >= 3: EF <- max(1.3, EF + 0.1 - (5-q)(0.08 + (5-q)0.02)); I <- 1 if n=0, 6 if n=1, else
  ceil(I x EF) with the updated EF; n <- n+1; due <- review day + I.
- q < 3: n <- 0, I <- 0, EF unchanged, due the same day.
- Step 7: a card graded below 4 comes back the same day until graded 4 or 5 (`repeat_pending`).
  Repeats after a q=3 answer change nothing but clear the flag (on 4 or 5). After a q<3 answer the
  repeat is an ordinary review of a card with n=0.

EF is kept as integer hundredths (`easiness_cents`): every EF step is a multiple of 0.02, so the
arithmetic is exact (five 5s give 1, 6, 17, 50, 150; floats would give 151).

Public API: `CardState`, `NEW_CARD`, `review(state, grade, reviewed_at) -> Outcome`,
`parse_grade(text) -> int | None`, `GRADE_LABELS`, `GRADE_WORDS`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace

MIN_EASINESS_CENTS = 130
START_EASINESS_CENTS = 250

GRADE_LABELS = {
    0: "blank",
    1: "wrong",
    2: "almost",
    3: "hard",
    4: "good",
    5: "easy",
}
GRADE_WORDS = {"again": 1, "hard": 3, "good": 4, "easy": 5}


@dataclass(frozen=True)
class CardState:
    repetitions: int = 0
    easiness_cents: int = START_EASINESS_CENTS
    interval: int = 0  # days
    due: dt.date | None = None  # None for a card never reviewed
    last_review: dt.datetime | None = None
    reviews: int = 0
    lapses: int = 0  # grades below 3 given to a card that had been learned (n > 0)
    repeat_pending: bool = False

    @property
    def easiness(self) -> float:
        return self.easiness_cents / 100

    @property
    def is_new(self) -> bool:
        return self.reviews == 0

    def to_json(self) -> dict:
        data = asdict(self)
        data["due"] = self.due.isoformat() if self.due else None
        data["last_review"] = self.last_review.isoformat() if self.last_review else None
        data["repeat_pending"] = int(self.repeat_pending)
        return data

    @classmethod
    def from_json(cls, data: dict) -> CardState:
        return cls(
            repetitions=int(data["repetitions"]),
            easiness_cents=int(data["easiness_cents"]),
            interval=int(data["interval"]),
            due=dt.date.fromisoformat(data["due"]) if data.get("due") else None,
            last_review=dt.datetime.fromisoformat(data["last_review"]) if data.get("last_review") else None,
            reviews=int(data.get("reviews", 0)),
            lapses=int(data.get("lapses", 0)),
            repeat_pending=bool(data.get("repeat_pending", 0)),
        )


NEW_CARD = CardState()


@dataclass(frozen=True)
class Outcome:
    state: CardState
    same_day_repeat: bool  # this grade was a step-7 repeat


def is_repeat_due(state: CardState, day: dt.date) -> bool:
    """Step 7: the card must come back today."""
    return state.repeat_pending and state.last_review is not None and state.last_review.date() == day


def review(state: CardState, grade: int, reviewed_at: dt.datetime) -> Outcome:
    """The state after grading `state` with `grade` (0..5) at `reviewed_at` (local time)."""
    if not 0 <= grade <= 5:
        raise ValueError(f"grade must be 0..5, not {grade}")
    day = reviewed_at.date()
    counted = replace(state, reviews=state.reviews + 1, last_review=reviewed_at)
    repeat = is_repeat_due(state, day)
    if repeat and state.repetitions > 0:
        # Repeat after a q=3 answer: only the flag can change.
        return Outcome(replace(counted, repeat_pending=grade < 4), True)
    if grade < 3:
        lapses = state.lapses + (1 if state.repetitions > 0 else 0)
        new = replace(counted, repetitions=0, interval=0, due=day, lapses=lapses, repeat_pending=True)
        return Outcome(new, repeat)
    d = 5 - grade
    ef = max(MIN_EASINESS_CENTS, state.easiness_cents + 10 - d * (8 + 2 * d))
    if state.repetitions == 0:
        interval = 1
    elif state.repetitions == 1:
        interval = 6
    else:
        interval = -(-state.interval * ef // 100)  # ceil(I x EF), exact
    new = replace(
        counted,
        repetitions=state.repetitions + 1,
        easiness_cents=ef,
        interval=interval,
        due=day + dt.timedelta(days=interval),
        repeat_pending=grade < 4,
    )
    return Outcome(new, repeat)


def parse_grade(text: str) -> int | None:
    """'0'..'5' or again/hard/good/easy (any case, prefix-free) -> grade; None if not a grade."""
    word = text.strip().lower()
    if len(word) == 1 and word in "012345":
        return int(word)
    return GRADE_WORDS.get(word)
