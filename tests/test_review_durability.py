"""Durability: kill -9 mid-review loses at most the card on screen; two reviewers at once lose nothing."""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections import Counter

from fixtures.studyrun import Reviewer, cards_json, run_study, study_env, write_cards


def effective_grades(home) -> list[tuple[str, int]]:
    db = sqlite3.connect(home / "study.db")
    try:
        return db.execute(
            "SELECT card_id, grade FROM reviews r WHERE grade IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM reviews u WHERE u.undoes = r.id) ORDER BY id"
        ).fetchall()
    finally:
        db.close()


def assert_doctor_clean(env):
    result = run_study(env, "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok: SQLite integrity check" in result.stdout
    assert "card states match the review log" in result.stdout


def test_kill_9_loses_at_most_one_grade(tmp_path):
    write_cards(tmp_path / "content", 60)
    home = tmp_path / "home"
    env = study_env(home, tmp_path / "content", "2026-01-01T09:00")
    rng = random.Random(11)
    committed = 0
    for _round in range(8):
        reviewer = Reviewer(env, "--new", "100")
        assert reviewer.next_card() is not None
        acknowledged = rng.randrange(0, 4)
        for _ in range(acknowledged):
            reviewer.send("4")
            # the next card is printed only after the previous grade was committed
            assert reviewer.next_card() is not None
        reviewer.send("5")  # the card on screen: its grade may or may not make it
        time.sleep(rng.choice([0, 0.0005, 0.002, 0.01, 0.05]))
        reviewer.proc.kill()
        reviewer.proc.wait()
        reviewer.proc.stdout.close()
        reviewer.proc.stderr.close()
        reviewer.proc.stdin.close()
        now = len(effective_grades(home))
        assert committed + acknowledged <= now <= committed + acknowledged + 1
        committed = now
    assert committed >= 8
    assert_doctor_clean(env)


def test_two_reviewers_at_once_lose_no_grade(tmp_path):
    write_cards(tmp_path / "content", 40)
    home = tmp_path / "home"
    env = study_env(home, tmp_path / "content", "2026-01-01T09:00")
    sent: list[list[str]] = [[], []]
    errors: list[str] = []

    def drive(index: int, grade: str) -> None:
        reviewer = Reviewer(env, "--new", "100")
        while (card := reviewer.next_card()) is not None:
            sent[index].append(card["id"])
            reviewer.send(grade)
        code, _, err = reviewer.finish()
        if code != 0:
            errors.append(err)

    threads = [threading.Thread(target=drive, args=(i, g)) for i, g in enumerate(("4", "5"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    assert errors == []
    logged = effective_grades(home)
    expected = Counter(sent[0] + sent[1])
    assert Counter(card for card, _ in logged) == expected
    assert len(logged) == len(sent[0]) + len(sent[1])
    # every card was graded at least once between them
    assert set(expected) == {f"gen-{i}" for i in range(1, 41)}
    state = cards_json(env)
    assert {cid: c["reviews"] for cid, c in state.items()} == dict(expected)
    assert_doctor_clean(env)
