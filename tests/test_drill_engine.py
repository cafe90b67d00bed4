"""The drill engine without a cluster: definitions, scoring, card feedback, active state,
background processes and the CLI's clear errors. Live behaviour is in tests/live/test_drills.py."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from studycli import paths
from studycli.drill import definition, processes, scoring, state
from studycli.errors import StudyError


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STUDY_ENV_DIR", str(tmp_path / "env"))
    return tmp_path


def study(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "studycli", *args], capture_output=True, text=True, env=env, timeout=60
    )


# --- shipped drills --------------------------------------------------------------------------------
def test_the_seven_issue_drills_are_shipped_and_valid():
    drills = {d.id: d for d in definition.all_drills()}
    wanted = {
        "under-replicated-partitions": 1,
        "not-enough-replicas": 1,
        "replication-factor-one": 1,
        "leader-skew": 1,
        "poison-pill": 2,
        "rebalance-loop": 2,
        "replay": 2,
    }
    assert {k: drills[k].level for k in wanted if k in drills} == wanted
    for drill in (drills[k] for k in wanted):
        assert drill.hints, drill.id
        assert drill.faults, drill.id
        assert drill.related_cards, drill.id
        assert drill.topology == "kafka"
        assert "kafka-" in drill.solution(), f"{drill.id}: the solution must use the real tools"


def test_briefings_give_symptoms_not_the_fix():
    giveaways = {
        "under-replicated-partitions": ["start-node"],
        "not-enough-replicas": ["min.insync.replicas=2", "--add-config"],
        "replication-factor-one": ["--execute", "reassign"],
        "leader-skew": ["kafka-leader-election", "PREFERRED"],
        "poison-pill": ["--shift-by", "--to-offset"],
        "rebalance-loop": ["max.poll.interval.ms", "max.poll.records"],
        "replay": ["--to-datetime"],
    }
    for drill_id, words in giveaways.items():
        text = definition.get(drill_id).briefing()
        for word in words:
            assert word not in text, f"{drill_id} briefing gives away {word!r}"


def test_related_cards_exist_in_the_shipped_content():
    from studycli.content.loader import load_content

    ids = {card.id for card in load_content([paths.shipped("content")]).cards}
    missing = {d.id: [c for c in d.related_cards if c not in ids] for d in definition.all_drills()}
    assert {k: v for k, v in missing.items() if v} == {}


def test_every_drill_cleans_up_what_it_creates():
    for drill in definition.all_drills():
        created = [f["topic"] for f in drill.faults if f["do"] == "create_topic"]
        assert set(created) <= set(drill.topics())
        for fault in drill.faults:
            if fault["do"].startswith("background_"):
                assert (drill.folder / fault["script"]).is_file()
            if fault["do"] == "background_consumer":
                assert fault.get("group") in drill.groups()


# --- definition errors ------------------------------------------------------------------------------
def _write_drill(root: Path, drill_id: str, toml: str, files=("briefing.md", "check.py", "solution.sh")):
    folder = root / drill_id
    folder.mkdir(parents=True)
    (folder / "drill.toml").write_text(textwrap.dedent(toml))
    for name in files:
        (folder / name).write_text("def check(ctx):\n    return []\n" if name == "check.py" else "x\n")
    return folder


GOOD = """
    id = "{id}"
    level = 1
    title = "T"
    difficulty = "easy"
    topology = "kafka"
    time_budget_minutes = 5
    hints = ["a"]
    [[fault]]
    do = "stop_node"
    node = 3
"""


def test_a_valid_definition_loads(tmp_path):
    _write_drill(tmp_path, "ok-drill", GOOD.format(id="ok-drill"))
    drill = definition.get("ok-drill", root=tmp_path)
    assert drill.faults == ({"do": "stop_node", "node": 3},)
    assert drill.time_budget_minutes == 5


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("id = 'bad'\nlevel = [", "not valid TOML"),
        ("id = 'bad'\nlevel = 1", "missing title"),
        (GOOD.format(id="other"), "equal the folder name"),
        (GOOD.format(id="bad").replace('"easy"', '"trivial"'), "difficulty"),
        (GOOD.format(id="bad").replace("level = 1", "level = 9"), "level must be"),
        (GOOD.format(id="bad").replace("stop_node", "melt_disk"), "unknown primitive 'melt_disk'"),
    ],
)
def test_broken_definitions_name_the_problem(tmp_path, toml, message):
    _write_drill(tmp_path, "bad", toml)
    with pytest.raises(StudyError) as err:
        definition.get("bad", root=tmp_path)
    assert message in err.value.message


def test_missing_check_is_reported(tmp_path):
    _write_drill(tmp_path, "nocheck", GOOD.format(id="nocheck"), files=("briefing.md", "solution.sh"))
    with pytest.raises(StudyError, match="missing check.py"):
        definition.get("nocheck", root=tmp_path)


def test_unknown_drill_suggests_close_names():
    with pytest.raises(StudyError) as err:
        definition.get("poison-pil")
    assert "poison-pill" in err.value.hint


def test_briefing_fills_values_recorded_by_faults():
    drill = definition.get("replay")
    text = drill.briefing({"release_utc": "2026-01-02 03:04:00 UTC", "release_local": "04:04 CET"})
    assert "2026-01-02 03:04:00 UTC" in text and "{release_utc}" not in text


# --- scoring ------------------------------------------------------------------------------------------
def test_score_full_within_budget_and_less_per_hint():
    assert scoring.score(60, 600, 0, False) == 100
    assert scoring.score(600, 600, 0, False) == 100
    assert scoring.score(60, 600, 1, False) == 100 - scoring.HINT_PENALTY
    assert scoring.score(60, 600, 2, False) < scoring.score(60, 600, 1, False)


def test_score_drops_when_late_but_keeps_a_floor():
    on_time = scoring.score(600, 600, 0, False)
    late = scoring.score(900, 600, 0, False)
    very_late = scoring.score(60000, 600, 0, False)
    assert on_time > late > very_late == scoring.OVERTIME_FLOOR


def test_score_is_zero_with_the_solution_and_never_negative():
    assert scoring.score(10, 600, 0, True) == 0
    assert scoring.score(60000, 600, 10, False) == 0


def test_runs_and_summary(home):
    from studycli.store import open_db

    db = open_db()
    first = scoring.start_run(db, "leader-skew", "2026-12-04T10:00:00+00:00")
    scoring.update_run(db, first, status="passed", score=70, ended_at="x")
    second = scoring.start_run(db, "leader-skew", "2026-12-04T11:00:00+00:00")
    scoring.update_run(db, second, status="passed", score=90, ended_at="y", detail={"resets": 1})
    third = scoring.start_run(db, "leader-skew", "2026-12-04T12:00:00+00:00")
    scoring.update_run(db, third, status="abandoned", score=0)
    summary = scoring.summary(db)["leader-skew"]
    assert summary == {"best": 90, "runs": 3, "passed": 2, "last": "abandoned"}
    assert json.loads(scoring.get_run(db, second)["detail"]) == {"resets": 1}


def test_failed_drill_brings_related_cards_forward(home):
    from studycli.store import open_db

    db = open_db()
    db["card_state"].insert_all(
        [
            {
                "card_id": "later",
                "repetitions": 3,
                "easiness_cents": 260,
                "interval": 20,
                "due": "2027-01-01",
            },
            {
                "card_id": "earlier",
                "repetitions": 1,
                "easiness_cents": 250,
                "interval": 1,
                "due": "2026-11-01",
            },
        ]
    )
    moved = scoring.bring_cards_forward(db, ["later", "earlier", "unseen"], "2026-12-04")
    rows = {r["card_id"]: r for r in db["card_state"].rows}
    assert moved == 2
    assert rows["later"]["due"] == "2026-12-04"
    assert rows["later"]["interval"] == 20  # only the due date moves
    assert rows["earlier"]["due"] == "2026-11-01"  # never pushed later
    assert rows["unseen"]["due"] == "2026-12-04"
    assert (rows["unseen"]["repetitions"], rows["unseen"]["easiness_cents"], rows["unseen"]["interval"]) == (
        0,
        250,
        0,
    )


# --- active state and processes --------------------------------------------------------------------
def test_active_state_round_trips_and_reports_corruption(home):
    assert state.load() is None
    state.save({"drill_id": "replay", "status": "active", "hints": 1})
    assert state.load()["hints"] == 1
    (paths.state_dir() / "drill" / "active.json").write_text("{half")
    with pytest.raises(StudyError, match="unreadable"):
        state.load()


def test_background_process_is_started_and_stopped(tmp_path):
    script = tmp_path / "svc.py"
    script.write_text("import time\nwhile True:\n    time.sleep(0.1)\n")
    config = tmp_path / "svc.properties"
    config.write_text("a=b\n")
    record = processes.start("svc", script, config, tmp_path)
    assert processes.is_running(record)
    assert Path(record["pid_file"]).read_text() == str(record["pid"])
    processes.stop(record)
    assert not processes.is_running(record)
    assert not Path(record["pid_file"]).exists()


def test_a_recycled_pid_is_not_taken_for_ours(tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        record = {
            "name": "x",
            "pid": sleeper.pid,
            "script": str(tmp_path / "not-this.py"),
            "pid_file": str(tmp_path / "p"),
            "start_ticks": "1",  # our process started then; this pid now belongs to another one
        }
        assert not processes.is_running(record)
        processes.stop(record)  # must not kill a process that is not ours
        assert sleeper.poll() is None
        assert processes.is_running(dict(record, start_ticks=processes.start_ticks(sleeper.pid)))
    finally:
        sleeper.kill()
        sleeper.wait()


# --- CLI: clear messages, no tracebacks -------------------------------------------------------------
def test_cli_without_active_drill_says_so(home):
    for command in (["check"], ["hint"], ["solution"], ["reset"]):
        done = study("drill", *command)
        assert done.returncode == 1, command
        assert "no drill is active" in done.stderr
        assert "Traceback" not in done.stderr


def test_cli_unknown_drill(home):
    done = study("drill", "run", "no-such-drill")
    assert done.returncode == 1
    assert "no drill named 'no-such-drill'" in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_list_json_and_level_filter(home):
    done = study("drill", "list", "--level", "2", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert {r["id"] for r in rows} == {"poison-pill", "rebalance-loop", "replay"}
    assert all(r["status"] == "new" and r["best_score"] is None for r in rows)


def test_cli_status_without_drill(home):
    done = study("drill", "status", "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout) == {"active": False}
