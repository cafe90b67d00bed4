"""Drill scores and the drill_runs table.

`score` is pure; the rest reads and writes the study database.
"""

from __future__ import annotations

import json

HINT_PENALTY = 15
OVERTIME_FLOOR = 30  # finishing late still earns something; hints can take it lower
OVERTIME_SLOPE = 35  # points lost per extra budget spent


def score(elapsed_seconds: float, budget_seconds: float, hints: int, solution_revealed: bool) -> int:
    """0..100: full marks within the time budget, less when late, less per hint; 0 with the solution."""
    if solution_revealed:
        return 0
    overrun = max(0.0, elapsed_seconds / budget_seconds - 1.0)
    by_time = max(OVERTIME_FLOOR, 100 - OVERTIME_SLOPE * overrun)
    return int(max(0, min(100, round(by_time - HINT_PENALTY * hints))))


def start_run(db, drill_id: str, started_at: str) -> int:
    table = db["drill_runs"]
    table.insert(
        {
            "drill_id": drill_id,
            "started_at": started_at,
            "ended_at": None,
            "status": "active",
            "checks": 0,
            "hints": 0,
            "solution_revealed": 0,
            "score": None,
            "detail": "{}",
        }
    )
    return table.last_pk


def update_run(db, run_id: int, detail: dict | None = None, **fields) -> None:
    if detail is not None:
        fields["detail"] = json.dumps(detail, sort_keys=True)
    db["drill_runs"].update(run_id, fields)


def get_run(db, run_id: int) -> dict | None:
    rows = list(db["drill_runs"].rows_where("id = ?", [run_id]))
    return rows[0] if rows else None


def summary(db) -> dict[str, dict]:
    """Per drill: best passing score, runs, last status."""
    out: dict[str, dict] = {}
    for row in db.query("SELECT drill_id, status, score FROM drill_runs ORDER BY id"):
        entry = out.setdefault(row["drill_id"], {"best": None, "runs": 0, "passed": 0, "last": None})
        entry["runs"] += 1
        entry["last"] = row["status"]
        if row["status"] == "passed":
            entry["passed"] += 1
            if row["score"] is not None and (entry["best"] is None or row["score"] > entry["best"]):
                entry["best"] = row["score"]
    return out


def bring_cards_forward(db, card_ids: list[str], day: str) -> int:
    """Make the related cards due on `day` (never push one later). Returns how many moved.

    A card without a card_state row gets one with SM-2 defaults, due that day.
    """
    moved = 0
    for card_id in card_ids:
        rows = list(db["card_state"].rows_where("card_id = ?", [card_id]))
        if not rows:
            db["card_state"].insert(
                {
                    "card_id": card_id,
                    "repetitions": 0,
                    "easiness_cents": 250,
                    "interval": 0,
                    "due": day,
                    "last_review": None,
                    "reviews": 0,
                    "lapses": 0,
                    "repeat_pending": 0,
                }
            )
            moved += 1
        elif rows[0]["due"] is None or rows[0]["due"] > day:
            db["card_state"].update(card_id, {"due": day})
            moved += 1
    return moved
