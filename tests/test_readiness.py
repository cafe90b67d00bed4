import datetime as dt

from studycli.scores.readiness import Snapshot, effective_reviews, forecast, heatmap, level_scores, streak

TODAY = dt.date(2026, 12, 4)


def day(offset):
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def snapshot(**overrides):
    base = dict(
        today=TODAY,
        cards=[
            {"id": "a", "level": 1, "present": 1},
            {"id": "b", "level": 1, "present": 1},
            {"id": "c", "level": 1, "present": 1},
            {"id": "d", "level": 1, "present": 1},
            {"id": "gone", "level": 1, "present": 0},
            {"id": "x", "level": 2, "present": 1},
        ],
        states={
            "a": {"reviews": 5, "interval": 30, "due": day(10)},
            "b": {"reviews": 1, "interval": 1, "due": day(-2)},
            "gone": {"reviews": 9, "interval": 90, "due": day(3)},
        },
        reviews=[
            {"card_id": "a", "day": day(-1), "grade": 5},
            {"card_id": "b", "day": day(-1), "grade": 2},
            {"card_id": "b", "day": day(-1), "grade": 4},
            {"card_id": "a", "day": day(-40), "grade": 0},  # outside the 30-day window
            {"card_id": "x", "day": day(0), "grade": 3},
        ],
        selfchecks=[
            {"level": 1, "taken_at": day(-5), "score": 40},
            {"level": 1, "taken_at": day(-1), "score": 70},
        ],
        drills=[{"id": "d1", "level": 1}, {"id": "d2", "level": 1}, {"id": "d3", "level": 2}],
        drill_runs=[
            {"drill_id": "d1", "status": "passed", "score": 80},
            {"drill_id": "d1", "status": "passed", "score": 90},
            {"drill_id": "d2", "status": "failed", "score": 0},
        ],
    )
    base.update(overrides)
    return Snapshot(**base)


def test_level_one_figures():
    level1 = level_scores(snapshot())[0]
    assert (level1.cards, level1.seen, level1.mature) == (4, 2, 1)  # the orphan is not counted
    assert level1.retention == 2 / 3 and level1.reviews_30d == 3
    assert (level1.selfcheck, level1.selfcheck_trend) == (70, 30)
    assert (level1.drills, level1.drills_passed, level1.best_drill_score) == (2, 1, 90)
    # 25*2/4 + 20*1/4 + 20*2/3 + 20*0.7 + 15*1/2 = 12.5 + 5 + 13.33 + 14 + 7.5
    assert level1.readiness == 52


def test_untouched_level_is_zero():
    level3 = level_scores(snapshot())[2]
    assert level3.readiness == 0 and level3.retention is None and level3.selfcheck is None


def test_undo_rows_cancel_reviews():
    rows = [
        {"id": 1, "grade": 4, "undoes": None},
        {"id": 2, "grade": 1, "undoes": None},
        {"id": 3, "grade": None, "undoes": 2},
    ]
    assert [r["id"] for r in effective_reviews(rows)] == [1]


def test_streak_counts_back_from_today_or_yesterday():
    days = {TODAY - dt.timedelta(days=n) for n in (1, 2, 3, 5)}
    assert streak(days, TODAY) == 3
    assert streak(days | {TODAY}, TODAY) == 4
    assert streak({TODAY - dt.timedelta(days=2)}, TODAY) == 0


def test_forecast_puts_overdue_on_today_and_skips_orphans():
    snap = snapshot()
    counts = forecast(snap.states, {"a", "b"}, TODAY)
    assert counts[0] == 1 and counts[10] == 1 and sum(counts) == 2 and len(counts) == 30


def test_heatmap_shape_and_today():
    grid = heatmap(snapshot().reviews, TODAY)
    assert len(grid) == 7 and all(len(row) == 26 for row in grid)
    assert grid[TODAY.weekday()][-1] == 1
    assert grid[(TODAY - dt.timedelta(days=1)).weekday()][-1] == 3
    assert grid[6][-1] is None  # Sunday after today (a Friday) is in the future
