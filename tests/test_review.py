"""Review sessions driven through the JSON-lines mode, with STUDY_NOW stepping across days."""

from __future__ import annotations

import sqlite3

from fixtures.studyrun import cards_json, review_session, run_study, study_env, write_cards


def day(n: int) -> str:
    """Day n of January 2026, 09:00 local."""
    return f"2026-01-{n:02d}T09:00"


def always(grade: str):
    return lambda card: grade


def test_first_session_shows_new_cards_in_content_order(tmp_path):
    ids = write_cards(tmp_path / "content", 5)
    env = study_env(tmp_path / "home", tmp_path / "content", day(1))
    shown, err, code = review_session(env, always("5"))
    assert code == 0
    assert [c["id"] for c in shown] == ids
    first = shown[0]
    assert first["front"] == "Question number 1?" and first["back"] == "Answer 1."
    assert first["new"] is True and first["repeat"] is False and first["source"] == "deck.md:6"
    assert "Graded 5 cards" in err and "Next card due 2026-01-02 (in 1 day)" in err
    state = cards_json(env)
    assert {c["due"] for c in state.values()} == {"2026-01-02"}
    assert {(c["repetitions"], c["easiness"], c["interval"], c["reviews"]) for c in state.values()} == {
        (1, 2.6, 1, 1)
    }


def test_stepping_days_follows_sm2(tmp_path):
    write_cards(tmp_path / "content", 2)
    home = tmp_path / "home"
    content = tmp_path / "content"
    expected_intervals = [1, 6, 17, 50, 150]
    today = 1
    for interval in expected_intervals:
        env = study_env(home, content, f"{_date(today)}T09:00")
        shown, err, _ = review_session(env, always("5"))
        assert len(shown) == 2, err
        state = cards_json(env)
        assert {c["interval"] for c in state.values()} == {interval}
        if interval > 1:
            # the day before it is due, nothing is due and the message names the date
            before = study_env(home, content, f"{_date(today + interval - 1)}T09:00")
            shown, err, _ = review_session(before, always("5"))
            assert shown == []
            assert f"Nothing due today. Next card due {_date(today + interval)} (in 1 day)" in err
        today += interval


def _date(n: int) -> str:
    import datetime as dt

    return (dt.date(2026, 1, 1) + dt.timedelta(days=n - 1)).isoformat()


def test_due_reviews_oldest_first_then_new(tmp_path):
    ids = write_cards(tmp_path / "content", 4)
    home, content = tmp_path / "home", tmp_path / "content"
    review_session(study_env(home, content, day(1)), always("4"), "--new", "1")  # g1 due day 2
    review_session(
        study_env(home, content, day(2)), always("4"), "--new", "1", "--limit", "0"
    )  # g2 due day 3
    assert cards_json(study_env(home, content, day(2)))["gen-2"]["due"] == "2026-01-03"
    shown, _, _ = review_session(study_env(home, content, day(4)), always("4"), "--new", "1")
    assert [c["id"] for c in shown] == [ids[0], ids[1], ids[2]]
    assert [c["new"] for c in shown] == [False, False, True]


def test_step7_repeat_after_grade_3_changes_nothing(tmp_path):
    write_cards(tmp_path / "content", 2)
    env = study_env(tmp_path / "home", tmp_path / "content", day(1))
    answers = iter(["3", "5", "1", "4"])  # g1:3, g2:5, g1 repeat:1, g1 repeat:4
    shown, err, _ = review_session(env, lambda card: next(answers))
    assert [(c["id"], c["repeat"]) for c in shown] == [
        ("gen-1", False),
        ("gen-2", False),
        ("gen-1", True),
        ("gen-1", True),
    ]
    g1 = cards_json(env)["gen-1"]
    assert (g1["repetitions"], g1["easiness"], g1["interval"], g1["due"]) == (1, 2.36, 1, "2026-01-02")
    assert g1["reviews"] == 3 and g1["lapses"] == 0
    assert "2 same-day repeats" in err


def test_step7_repeat_after_failure_is_ordinary_review(tmp_path):
    write_cards(tmp_path / "content", 1)
    env = study_env(tmp_path / "home", tmp_path / "content", day(1))
    answers = iter(["again", "good"])
    shown, _, _ = review_session(env, lambda card: next(answers))
    assert [c["repeat"] for c in shown] == [False, True]
    g1 = cards_json(env)["gen-1"]
    assert (g1["repetitions"], g1["easiness"], g1["interval"], g1["due"]) == (1, 2.5, 1, "2026-01-02")


def test_pending_repeat_survives_quitting(tmp_path):
    write_cards(tmp_path / "content", 2)
    env = study_env(tmp_path / "home", tmp_path / "content", day(1))
    answers = iter(["hard", None])  # grade 3, then quit (EOF) on the next card
    review_session(env, lambda card: next(answers))
    later = study_env(tmp_path / "home", tmp_path / "content", "2026-01-01T18:00")
    shown, _, _ = review_session(later, always("4"))
    # gen-2 is still new; the gen-1 repeat comes after it
    assert [(c["id"], c["repeat"]) for c in shown] == [("gen-2", False), ("gen-1", True)]


def test_undo_regrades_and_is_logged(tmp_path):
    write_cards(tmp_path / "content", 2)
    home = tmp_path / "home"
    env = study_env(home, tmp_path / "content", day(1))
    answers = iter(["u", "5", "u", "3", "4", "4"])
    shown, err, _ = review_session(env, lambda card: next(answers, None))
    assert "nothing to undo" in err
    # u on gen-1 (nothing to undo) -> gen-1 again; 5 -> gen-2; u -> gen-1 again; 3; gen-2: 4; gen-1 repeat: 4
    assert [c["id"] for c in shown] == ["gen-1", "gen-1", "gen-2", "gen-1", "gen-2", "gen-1"]
    state = cards_json(env)
    assert (state["gen-1"]["easiness"], state["gen-1"]["reviews"]) == (2.36, 2)
    db = sqlite3.connect(home / "study.db")
    rows = db.execute("SELECT card_id, grade, undoes FROM reviews ORDER BY id").fetchall()
    assert rows[:3] == [("gen-1", 5, None), ("gen-1", None, 1), ("gen-1", 3, None)]
    assert len(rows) == 5
    doctor = run_study(env, "doctor")
    assert doctor.returncode == 0, doctor.stdout
    assert "card states match the review log" in doctor.stdout


def test_undo_of_the_previous_card_shows_it_again(tmp_path):
    write_cards(tmp_path / "content", 3)
    env = study_env(tmp_path / "home", tmp_path / "content", day(1))
    answers = iter(["5", "u", "4", "5", "5"])
    shown, _, _ = review_session(env, lambda card: next(answers, None))
    assert [c["id"] for c in shown] == ["gen-1", "gen-2", "gen-1", "gen-2", "gen-3"]
    assert cards_json(env)["gen-1"]["easiness"] == 2.5  # the 5 was undone, the 4 stands


def test_daily_new_limit_default_flag_and_config(tmp_path):
    write_cards(tmp_path / "content", 30)
    home, content = tmp_path / "home", tmp_path / "content"
    shown, _, _ = review_session(study_env(home, content, day(1)), always("4"))
    assert len(shown) == 20  # default new cards per day
    shown, err, _ = review_session(study_env(home, content, "2026-01-01T20:00"), always("4"))
    assert shown == [] and "new-card limit for today is reached; 10 new cards wait" in err
    (home / "config.toml").write_text("[review]\nnew_per_day = 3\n")
    shown, _, _ = review_session(study_env(home, content, day(2)), always("4"))
    assert sum(c["new"] for c in shown) == 3 and len(shown) == 23
    shown, _, _ = review_session(study_env(home, content, day(3)), always("4"), "--new", "5")
    assert [c["new"] for c in shown] == [False] * 3 + [True] * 5  # day 2's new cards are due


def test_daily_review_limit(tmp_path):
    write_cards(tmp_path / "content", 6)
    home, content = tmp_path / "home", tmp_path / "content"
    review_session(study_env(home, content, day(1)), always("4"))
    shown, _, _ = review_session(study_env(home, content, day(2)), always("4"), "--limit", "2")
    assert [c["id"] for c in shown] == ["gen-1", "gen-2"]
    # same day, limit 4: two more
    shown, _, _ = review_session(study_env(home, content, "2026-01-02T12:00"), always("4"), "--limit", "4")
    assert [c["id"] for c in shown] == ["gen-3", "gen-4"]
    (home / "config.toml").write_text("[review]\nreviews_per_day = 5\n")
    shown, _, _ = review_session(study_env(home, content, "2026-01-02T13:00"), always("4"))
    assert [c["id"] for c in shown] == ["gen-5"]


def test_bad_config_is_a_clean_error(tmp_path):
    write_cards(tmp_path / "content", 1)
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("[review]\nnew_per_day = 'many'\n")
    result = run_study(study_env(home, tmp_path / "content"), "review")
    assert result.returncode == 1 and "new_per_day" in result.stderr and "Traceback" not in result.stderr


def test_filters_by_level_and_deck(tmp_path):
    content = tmp_path / "content"
    write_cards(content, 2, name="a.md", deck="alpha", level=1)
    write_cards(content, 2, name="b.md", deck="beta", level=2)
    env = study_env(tmp_path / "home", content, day(1))
    shown, _, _ = review_session(env, always("4"), "--level", "2")
    assert [c["id"] for c in shown] == ["beta-1", "beta-2"]
    shown, _, _ = review_session(env, always("4"), "--deck", "alpha")
    assert [c["id"] for c in shown] == ["alpha-1", "alpha-2"]
    shown, err, _ = review_session(env, always("4"), "--deck", "gamma")
    assert shown == [] and "No cards match deck 'gamma'" in err


def test_bad_input_lines_are_rejected_not_fatal(tmp_path):
    write_cards(tmp_path / "content", 1)
    env = study_env(tmp_path / "home", tmp_path / "content", day(1))
    result = run_study(env, "review", stdin="banana\n7\n\ngood\n")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 4 and len(set(lines)) == 1  # the card, re-sent after each rejected line
    assert "not a grade: 'banana'" in result.stderr and "not a grade: '7'" in result.stderr
    assert cards_json(env)["gen-1"]["reviews"] == 1


def test_eof_keeps_grades_and_quit(tmp_path):
    write_cards(tmp_path / "content", 4)
    env = study_env(tmp_path / "home", tmp_path / "content", day(1))
    result = run_study(env, "review", stdin="4\n4\n")
    assert result.stdout.count("\n") == 3 and "2 left in the queue" in result.stderr
    result = run_study(env, "review", stdin="q\n")
    assert result.returncode == 0
    assert sum(c["reviews"] for c in cards_json(env).values()) == 2


def test_malformed_content_never_crashes_a_review(tmp_path):
    content = tmp_path / "content"
    write_cards(content, 2)
    (content / "broken.md").write_text("## Q: no answer {#nope}\n\n## Q: fine {#fine}\n\nyes\n\nSource: s\n")
    (content / "binary.md").write_bytes(b"\x00\xff\xfe garbage")
    env = study_env(tmp_path / "home", content, day(1))
    shown, err, code = review_session(env, always("4"))
    assert code == 0
    assert {c["id"] for c in shown} == {"gen-1", "gen-2", "fine"}
    assert "skipped: broken.md:1: error:" in err and "skipped: binary.md:1: error:" in err


def test_nothing_due_without_any_reviews_mentions_no_schedule(tmp_path):
    write_cards(tmp_path / "content", 1)
    env = study_env(tmp_path / "home", tmp_path / "content", day(1))
    shown, err, _ = review_session(env, always("4"), "--new", "0")
    assert shown == [] and "new-card limit" in err and "No card is scheduled yet" in err


def test_study_now_must_be_iso(tmp_path):
    write_cards(tmp_path / "content", 1)
    env = study_env(tmp_path / "home", tmp_path / "content", "next tuesday")
    result = run_study(env, "review")
    assert result.returncode == 1 and "STUDY_NOW" in result.stderr and "Traceback" not in result.stderr


def test_content_flag_replaces_study_content_and_missing_root_is_clean(tmp_path):
    write_cards(tmp_path / "content", 2)
    env = study_env(tmp_path / "home", tmp_path / "nowhere", day(1))
    missing = run_study(env, "review")
    assert (
        missing.returncode == 1 and "does not exist" in missing.stderr and "Traceback" not in missing.stderr
    )
    for args in (
        ["review", "--content", str(tmp_path / "content")],
        ["--content", str(tmp_path / "content"), "review"],
    ):
        result = run_study(env, *args, stdin="q\n")
        assert result.returncode == 0 and '"id": "gen-1"' in result.stdout
