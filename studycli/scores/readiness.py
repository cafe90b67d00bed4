"""Readiness per level, streaks, heatmap and forecast.

`gather()` reads the database once; everything else is pure arithmetic on what it read, so the
figures can be checked on a review log built by hand.

Readiness (0-100) of a level weighs five things the learner can see and act on:
coverage (cards seen / cards) 25%, mature cards (interval >= 21 days) 20%, 30-day retention
(share of reviews graded 3+) 20%, the last self-check 20%, and drills passed 15%. A part with
nothing behind it yet (no self-check taken, no drill for the level) counts as 0, not as
missing, so readiness only rises through practice.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import asdict, dataclass, field

LEVELS = range(1, 7)
LEVEL_NAMES = {
    1: "Broker tuning",
    2: "Consumer lag",
    3: "Schema Registry",
    4: "Kafka Connect",
    5: "Disaster recovery",
    6: "Flink",
}
MATURE_DAYS = 21
RETENTION_WINDOW_DAYS = 30
WEIGHTS = {"coverage": 25, "mature": 20, "retention": 20, "selfcheck": 20, "drills": 15}


@dataclass
class Snapshot:
    """Everything the scores need, as plain rows."""

    today: dt.date
    cards: list[dict]  # id, level, present
    states: dict[str, dict]  # card_id -> repetitions, interval, due, reviews
    reviews: list[dict]  # effective (not undone) graded reviews: card_id, day, grade
    selfchecks: list[dict]  # level, taken_at, score (oldest first)
    drills: list[dict]  # id, level, title
    drill_runs: list[dict]  # drill_id, status, score


@dataclass
class LevelScore:
    level: int
    name: str
    cards: int = 0
    seen: int = 0
    mature: int = 0
    retention: float | None = None  # 0..1, None without reviews in the window
    reviews_30d: int = 0
    selfcheck: int | None = None
    selfcheck_trend: int | None = None  # last minus previous
    selfcheck_date: str | None = None
    drills: int = 0
    drills_passed: int = 0
    best_drill_score: int | None = None
    readiness: int = 0
    parts: dict = field(default_factory=dict)


def effective_reviews(rows: list[dict]) -> list[dict]:
    """Graded reviews that no later undo row cancelled."""
    undone = {r["undoes"] for r in rows if r.get("undoes") is not None}
    return [r for r in rows if r.get("grade") is not None and r["id"] not in undone]


def level_scores(snap: Snapshot) -> list[LevelScore]:
    level_of = {c["id"]: c["level"] for c in snap.cards}
    window_start = snap.today - dt.timedelta(days=RETENTION_WINDOW_DAYS - 1)
    scores = {level: LevelScore(level, LEVEL_NAMES[level]) for level in LEVELS}
    for card in snap.cards:
        score = scores.get(card["level"])
        if score is None or not card["present"]:
            continue
        score.cards += 1
        state = snap.states.get(card["id"])
        if state and state.get("reviews"):
            score.seen += 1
            if (state.get("interval") or 0) >= MATURE_DAYS:
                score.mature += 1
    graded: dict[int, list[int]] = {level: [] for level in LEVELS}
    for review in snap.reviews:
        level = level_of.get(review["card_id"])
        if level in graded and dt.date.fromisoformat(review["day"]) >= window_start:
            graded[level].append(review["grade"])
    for level, grades in graded.items():
        scores[level].reviews_30d = len(grades)
        if grades:
            scores[level].retention = sum(g >= 3 for g in grades) / len(grades)
    for level in LEVELS:
        taken = [s for s in snap.selfchecks if s["level"] == level]
        if taken:
            scores[level].selfcheck = taken[-1]["score"]
            scores[level].selfcheck_date = taken[-1]["taken_at"][:10]
            if len(taken) > 1:
                scores[level].selfcheck_trend = taken[-1]["score"] - taken[-2]["score"]
    drill_level = {d["id"]: d["level"] for d in snap.drills}
    passed: dict[int, set] = {level: set() for level in LEVELS}
    for drill in snap.drills:
        if drill["level"] in scores:
            scores[drill["level"]].drills += 1
    for run in snap.drill_runs:
        level = drill_level.get(run["drill_id"])
        if level not in scores or run["status"] != "passed":
            continue
        passed[level].add(run["drill_id"])
        best = scores[level].best_drill_score
        if run["score"] is not None and (best is None or run["score"] > best):
            scores[level].best_drill_score = run["score"]
    for level, score in scores.items():
        score.drills_passed = len(passed[level])
        score.parts = {
            "coverage": score.seen / score.cards if score.cards else 0.0,
            "mature": score.mature / score.cards if score.cards else 0.0,
            "retention": score.retention or 0.0,
            "selfcheck": (score.selfcheck or 0) / 100,
            "drills": score.drills_passed / score.drills if score.drills else 0.0,
        }
        score.readiness = round(sum(WEIGHTS[k] * v for k, v in score.parts.items()))
    return [scores[level] for level in LEVELS]


def overall_readiness(levels: list[LevelScore]) -> int:
    return round(sum(s.readiness for s in levels) / len(levels)) if levels else 0


def streak(review_days: set[dt.date], today: dt.date) -> int:
    """Consecutive days with a review, ending today (or yesterday, if today has none yet)."""
    day = today if today in review_days else today - dt.timedelta(days=1)
    count = 0
    while day in review_days:
        count += 1
        day -= dt.timedelta(days=1)
    return count


def heatmap(reviews: list[dict], today: dt.date, weeks: int = 26) -> list[list[int | None]]:
    """Review counts as 7 rows (Mon..Sun) x `weeks` columns, the last column holding today;
    days after today are None."""
    per_day = Counter(dt.date.fromisoformat(r["day"]) for r in reviews)
    last_monday = today - dt.timedelta(days=today.weekday())
    first_monday = last_monday - dt.timedelta(weeks=weeks - 1)
    grid: list[list[int | None]] = [[None] * weeks for _ in range(7)]
    for week in range(weeks):
        for weekday in range(7):
            day = first_monday + dt.timedelta(weeks=week, days=weekday)
            grid[weekday][week] = per_day.get(day, 0) if day <= today else None
    return grid


def forecast(states: dict[str, dict], present: set[str], today: dt.date, days: int = 30) -> list[int]:
    """Cards due on each of the next `days` days; overdue cards count on today."""
    counts = [0] * days
    for card_id, state in states.items():
        if card_id not in present or not state.get("due"):
            continue
        offset = (dt.date.fromisoformat(state["due"]) - today).days
        if offset < days:
            counts[max(offset, 0)] += 1
    return counts


def to_json(levels: list[LevelScore], snap: Snapshot) -> dict:
    present = {c["id"] for c in snap.cards if c["present"]}
    return {
        "date": snap.today.isoformat(),
        "overall_readiness": overall_readiness(levels),
        "streak": streak({dt.date.fromisoformat(r["day"]) for r in snap.reviews}, snap.today),
        "levels": [asdict(s) for s in levels],
        "forecast": forecast(snap.states, present, snap.today),
        "heatmap": heatmap(snap.reviews, snap.today),
    }


def gather(db, drills: list[dict], today: dt.date) -> Snapshot:
    """Read what the scores need from the study database (one pass per table)."""
    cards = [dict(r) for r in db.query("select id, level, present from cards")]
    states = {r["card_id"]: dict(r) for r in db.query("select * from card_state")}
    reviews = effective_reviews(
        [dict(r) for r in db.query("select id, card_id, day, grade, undoes from reviews")]
    )
    selfchecks = [
        dict(r) for r in db.query("select level, taken_at, score from selfchecks order by taken_at, id")
    ]
    runs = [dict(r) for r in db.query("select drill_id, status, score from drill_runs")]
    return Snapshot(today, cards, states, reviews, selfchecks, drills, runs)
