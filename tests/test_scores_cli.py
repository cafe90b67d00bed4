"""Scores, self-checks and the dashboard, driven through the real CLI in subprocesses with
STUDY_NOW stepping across 60 days."""

import json
import textwrap

import pytest
from fixtures.studyrun import run_study, study_env

LESSON = textwrap.dedent(
    """\
    ---
    deck: broker-tuning
    level: 1
    ---
    # Level 1

    Since Kafka {{4.0}} ZooKeeper mode is gone. {#t-zk}

    Source: Kafka 4.0 upgrade notes

    ### Q: Which topic setting sets the smallest ISR that `acks=all` accepts? {#t-min-isr}

    `min.insync.replicas`

    Source: Kafka docs, Topic configs

    ### Q: Why does RF 3 with min ISR 2 tolerate one broker loss? {#t-rf3}

    Two replicas remain in sync, so writes continue.

    Source: Kafka docs, Replication
    """
)
LEVEL2 = textwrap.dedent(
    """\
    ---
    deck: consumer-lag
    level: 2
    ---
    ### Q: What is consumer lag? {#t-lag}

    Log end offset minus committed offset.

    Source: Kafka docs, Consumer groups
    """
)


@pytest.fixture
def study(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "l1.md").write_text(LESSON)
    (content / "l2.md").write_text(LEVEL2)
    env = study_env(tmp_path / "home", content)
    env.pop("STUDY_NOW")

    def run(*args, now=None, stdin="", check=True):
        proc = run_study(dict(env, STUDY_NOW=now) if now else env, *args, stdin=stdin)
        assert "Traceback" not in proc.stderr, proc.stderr
        if check:
            assert proc.returncode == 0, proc.stderr
        return proc

    return run


def review_day(study, day, grade):
    """Grade every card shown on `day` with `grade`; step-7 repeats that follow get 5."""
    out = study("review", now=f"{day}T09:00", stdin="\n".join([str(grade)] * 4 + ["5"] * 8) + "\n")
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def test_scores_over_sixty_days(study):
    """Four cards (three of level 1, one of level 2) move in lockstep. Grade 4 always, except a
    lapse (grade 2, then 5 on the same-day repeat) on day 22. By hand, with SM-2:
    day 0 I=1, day 1 I=6, day 7 I=15, day 22 lapse then I=1 (EF 2.6), day 23 I=6, day 29 I=16,
    day 45 I=42."""
    import datetime as dt

    start = dt.date(2026, 10, 1)
    shown_days = []

    def study_until(last):
        for offset in range(shown_days[-1] + 1 if shown_days else 0, last + 1):
            day = start + dt.timedelta(days=offset)
            if review_day(study, day.isoformat(), 2 if offset == 22 else 4):
                shown_days.append(offset)
        return json.loads(study("scores", "--json", now=f"{start + dt.timedelta(days=last)}T20:00").stdout)

    day40 = study_until(40)  # the 30-day window is days 11..40
    level1 = day40["levels"][0]
    assert (level1["cards"], level1["seen"], level1["mature"]) == (3, 3, 0)
    assert level1["reviews_30d"] == 12  # 3 lapses + 3 repeats + 3 + 3
    assert level1["retention"] == 0.75
    assert day40["streak"] == 0
    assert day40["forecast"][5] == 4 and sum(day40["forecast"]) == 4  # all due on day 45
    assert sum(n for row in day40["heatmap"] for n in row if n) == 4 * 3 + 8 + 4 + 4

    day59 = study_until(59)  # window days 30..59: only day 45
    assert shown_days == [0, 1, 7, 22, 23, 29, 45]
    level1, level2, level3 = day59["levels"][:3]
    assert (level1["mature"], level1["retention"], level1["reviews_30d"]) == (3, 1.0, 3)
    assert (level2["cards"], level2["mature"]) == (1, 1)
    # coverage 25 + mature 20 + retention 20; no self-check, no drill passed
    assert level1["readiness"] == 65 and level2["readiness"] == 65
    assert level3["readiness"] == 0 and level3["retention"] is None
    assert day59["overall_readiness"] == round(130 / 6)
    assert day59["forecast"][87 - 59] == 4 and sum(day59["forecast"]) == 4  # next due on day 87


def test_selfcheck_typed_and_self_graded(study):
    proc = study("selfcheck", "1", "--count", "3", "--seed", "0", stdin="")
    assert proc.stdout.count('"mode"') == 1  # EOF after the first question: nothing recorded
    assert "nothing recorded" in proc.stderr.lower()

    answers = {"t-min-isr": "MIN.INSYNC.REPLICAS", "t-zk-1": "3.9", "t-rf3": "y"}
    lines = []
    proc = subprocess_dialogue(study, answers)
    for line in proc.stdout.splitlines():
        lines.append(json.loads(line))
    questions = [m for m in lines if "mode" in m]
    modes = {q["id"]: q["mode"] for q in questions}
    assert modes == {"t-min-isr": "typed", "t-zk-1": "typed", "t-rf3": "self"}
    results = {m["id"]: m["correct"] for m in lines if m.get("type") == "result"}
    assert results == {"t-min-isr": True, "t-zk-1": False, "t-rf3": True}
    assert "2/3 = 67/100" in proc.stderr
    figures = json.loads(study("scores", "--json").stdout)
    assert figures["levels"][0]["selfcheck"] == 67
    # the schedule is untouched: no card has been reviewed
    cards = json.loads(study("cards", "--json").stdout)
    assert all(c["reviews"] == 0 for c in cards)


def subprocess_dialogue(study, answers):
    """Answer each question by id; the order is the content order of the sample."""
    order = ["t-zk-1", "t-min-isr", "t-rf3"]
    return study(
        "selfcheck", "1", "--count", "3", "--seed", "0", stdin="\n".join(answers[i] for i in order) + "\n"
    )


def test_dashboard_and_unknown_level(study):
    out = study().stdout
    assert "new" in out and "Readiness" not in out or "L1" in out
    bad = study("selfcheck", "9", check=False)
    assert bad.returncode == 2 and "9" in bad.stderr
