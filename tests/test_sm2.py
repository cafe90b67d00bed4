"""SM-2 against hand-computed sequences (issue 2's pinned reading)."""

from __future__ import annotations

import datetime as dt

import pytest

from studycli.srs.sm2 import NEW_CARD, CardState, is_repeat_due, parse_grade, review

START = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def run(grades, start=START):
    """Grade on each due day; returns the list of states."""
    state, when, out = NEW_CARD, start, []
    for grade in grades:
        state = review(state, grade, when).state
        out.append(state)
        when = dt.datetime.combine(state.due, when.timetz())
    return out


def test_five_fives_exact():
    states = run([5] * 5)
    assert [s.interval for s in states] == [1, 6, 17, 50, 150]
    assert [s.easiness_cents for s in states] == [260, 270, 280, 290, 300]
    assert states[-1].easiness == 3.0


def test_five_fours():
    states = run([4] * 5)
    assert [s.interval for s in states] == [1, 6, 15, 38, 95]
    assert {s.easiness_cents for s in states} == {250}


def test_due_dates_follow_intervals():
    states = run([5, 5, 5])
    assert [s.due for s in states] == [dt.date(2026, 1, 2), dt.date(2026, 1, 8), dt.date(2026, 1, 25)]
    assert [s.repetitions for s in states] == [1, 2, 3]


@pytest.mark.parametrize(
    ("grade", "delta"),
    [(5, 10), (4, 0), (3, -14)],
)
def test_easiness_steps(grade, delta):
    assert review(NEW_CARD, grade, START).state.easiness_cents == 250 + delta


def test_easiness_floor():
    states = run([3] * 12)
    # 250 - 14k, floored at 130 after nine 3s
    assert [s.easiness_cents for s in states[:10]] == [236, 222, 208, 194, 180, 166, 152, 138, 130, 130]
    # same-day repeats are not taken here (each review is on the due day), so intervals grow
    assert [s.interval for s in states[:4]] == [1, 6, 13, 26]  # ceil(6*2.08)=13, ceil(13*1.94)=26


def test_failure_resets_and_keeps_easiness():
    states = run([5, 5, 2])
    failed = states[-1]
    assert (failed.repetitions, failed.interval, failed.easiness_cents) == (0, 0, 270)
    assert failed.due == dt.date(2026, 1, 8)  # the day it was reviewed
    assert failed.repeat_pending and failed.lapses == 1


def test_failure_of_new_card_is_not_a_lapse():
    s = review(NEW_CARD, 0, START).state
    assert s.lapses == 0 and s.due == START.date() and s.repeat_pending


def test_step7_after_grade_3_repeats_change_nothing_but_the_flag():
    after3 = review(NEW_CARD, 3, START).state
    assert (after3.repetitions, after3.interval, after3.easiness_cents) == (1, 1, 236)
    assert after3.due == dt.date(2026, 1, 2) and is_repeat_due(after3, START.date())
    later = START + dt.timedelta(minutes=5)
    again = review(after3, 1, later)
    assert again.same_day_repeat
    assert again.state.repeat_pending
    assert (again.state.repetitions, again.state.interval, again.state.easiness_cents, again.state.due) == (
        1,
        1,
        236,
        dt.date(2026, 1, 2),
    )
    done = review(again.state, 4, later + dt.timedelta(minutes=5))
    assert done.same_day_repeat and not done.state.repeat_pending
    assert (done.state.repetitions, done.state.easiness_cents, done.state.due) == (
        1,
        236,
        dt.date(2026, 1, 2),
    )
    assert done.state.reviews == 3


def test_step7_after_failure_is_an_ordinary_review_with_n0():
    failed = review(run([5, 5])[-1], 1, START + dt.timedelta(days=7)).state
    repeat = review(failed, 4, START + dt.timedelta(days=7, minutes=3))
    assert repeat.same_day_repeat
    s = repeat.state
    assert (s.repetitions, s.interval, s.easiness_cents) == (1, 1, 270)
    assert s.due == dt.date(2026, 1, 9) and not s.repeat_pending
    # a 3 on that repeat keeps it pending; the next repeat then changes only the flag
    repeat3 = review(failed, 3, START + dt.timedelta(days=7, minutes=3)).state
    assert repeat3.repeat_pending and repeat3.repetitions == 1 and repeat3.easiness_cents == 256
    final = review(repeat3, 5, START + dt.timedelta(days=7, minutes=9)).state
    assert (final.repetitions, final.easiness_cents, final.interval) == (
        1,
        256,
        1,
    ) and not final.repeat_pending


def test_pending_flag_from_an_earlier_day_is_not_a_repeat():
    after3 = review(NEW_CARD, 3, START).state
    next_day = START + dt.timedelta(days=1)
    assert not is_repeat_due(after3, next_day.date())
    outcome = review(after3, 5, next_day)
    assert not outcome.same_day_repeat and outcome.state.repetitions == 2 and outcome.state.interval == 6


def test_state_json_round_trip():
    s = run([5, 3])[-1]
    assert CardState.from_json(s.to_json()) == s


def test_grade_words_and_bad_grades():
    assert [parse_grade(w) for w in ("0", "5", "again", "Hard", "good", " easy\n")] == [0, 5, 1, 3, 4, 5]
    assert [parse_grade(w) for w in ("6", "-1", "", "okay", "u")] == [None] * 5
    with pytest.raises(ValueError):
        review(NEW_CARD, 6, START)
