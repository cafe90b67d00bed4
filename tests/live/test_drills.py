"""Every drill on the real session cluster, driven through the `study` CLI as a learner would:

1. after `run` the fault is really there (asserted through AdminClient);
2. `study drill check` fails;
3. a wrong fix (a safeguard switched off, data thrown away, the symptom hidden) still fails;
4. the reference solution, run with the real Kafka tools, makes `check` pass.

Each test leaves the cluster healthy (every node running, no drill active, no drill process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studycli.drill import definition, engine, processes, state
from studycli.drill.cluster import Cluster

pytestmark = pytest.mark.live


def study(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "studycli", *args], capture_output=True, text=True, input=input, timeout=600
    )


def wait_for(condition, what: str, limit: float = 120.0):
    """Poll a real condition; fail with `what` after `limit` seconds (a guard, not a timing test)."""
    deadline = time.monotonic() + limit
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for: {what}")
        time.sleep(0.5)


@pytest.fixture
def cluster(kafka_env):
    """The session cluster; afterwards: no active drill, every node running, in sync."""
    yield Cluster(kafka_env.bootstrap_servers, kafka_env.admin(log_level=0), env=kafka_env)
    study("drill", "stop", "--keep-env")
    for node in kafka_env.node_ids():
        if not kafka_env.node_running(node):
            kafka_env.start_node(node)
    kafka_env.wait_ready()


def run_drill(name: str) -> dict:
    done = study("drill", "run", name, "--replace")
    assert done.returncode == 0, done.stderr
    assert "bootstrap servers:" in done.stdout and "study env shell" in done.stdout
    active = state.load()
    assert active["drill_id"] == name and active["status"] == "active"
    return active


def check() -> tuple[int, dict]:
    done = study("drill", "check", "--json")
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout)


def assert_not_fixed(*fragments: str) -> list[str]:
    code, result = check()
    assert code == 1 and not result["fixed"], result
    text = "\n".join(result["unmet"])
    for fragment in fragments:
        assert fragment in text, text
    return result["unmet"]


def reference_solution(env) -> str:
    """Run the drill's solution.sh with the real tools, as `solution --apply` would, but without
    revealing it (so the run can still pass and be scored)."""
    active = state.load()
    drill = definition.get(active["drill_id"])
    done = subprocess.run(
        ["bash", "-euo", "pipefail", str(drill.solution_path)],
        env=engine.solution_env(env, active),
        cwd=active["workspace"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def wait_fixed(limit: float = 150.0) -> dict:
    """Wait until the live check is satisfied (unrecorded), then record it through the CLI."""
    wait_for(lambda: not engine.evaluate(state.load()), "the check to pass", limit)
    code, result = check()
    assert code == 0 and result["fixed"], result
    return result


def tool(env, name: str, *args: str) -> str:
    done = env.run_tool(name, ["--bootstrap-server", env.bootstrap_servers, *args])
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def run_row(run_id: int) -> dict:
    from studycli.store import open_db

    return next(open_db()["drill_runs"].rows_where("id = ?", [run_id]))


def reassign(env, tmp_path: Path, plan: dict[str, list[list[int]]]) -> None:
    partitions = [
        {"topic": topic, "partition": p, "replicas": replicas}
        for topic, assignment in plan.items()
        for p, replicas in enumerate(assignment)
    ]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"version": 1, "partitions": partitions}))
    tool(env, "kafka-reassign-partitions.sh", "--reassignment-json-file", str(path), "--execute")


# --- Level 1 ---------------------------------------------------------------------------------------
def test_under_replicated_partitions(kafka_env, cluster, tmp_path):
    run_drill("under-replicated-partitions")
    assert not kafka_env.node_running(3)
    for topic in ("orders", "payments"):
        for p in cluster.describe_topic(topic).partitions:
            assert len(p.replicas) == 3 and 3 not in p.isr and len(p.isr) < len(p.replicas)
    assert_not_fixed("under-replicated")

    # Wrong fix: shrink every replica list to the live brokers. The alarm stops, the copies are gone.
    plan = {
        t: [[n for n in p.replicas if n != 3] for p in cluster.describe_topic(t).partitions]
        for t in ("orders", "payments")
    }
    reassign(kafka_env, tmp_path, plan)
    wait_for(lambda: cluster.describe_topic("orders").replication_factors == {2}, "the shrink to RF 2")
    unmet = assert_not_fixed("fewer than 3 copies")
    assert not any("under-replicated" in u for u in unmet)  # only the safeguard catches it

    done = study("drill", "reset")
    assert done.returncode == 0, done.stderr
    assert not kafka_env.node_running(3)
    assert cluster.describe_topic("orders").replication_factors == {3}

    reference_solution(kafka_env)
    result = wait_fixed()
    row = run_row(state.load()["run_id"])
    assert row["status"] == "passed" and row["checks"] == 3 and row["hints"] == 0
    assert row["score"] == result["score"] and 0 < row["score"] <= 100
    assert json.loads(row["detail"])["resets"] == 1
    listed = {r["id"]: r for r in json.loads(study("drill", "list", "--json").stdout)}
    assert listed["under-replicated-partitions"]["status"] == "passed"
    assert listed["under-replicated-partitions"]["best_score"] >= row["score"]


def test_not_enough_replicas(kafka_env, cluster):
    active = run_drill("not-enough-replicas")
    assert not kafka_env.node_running(2)
    assert cluster.topic_config("payments")["min.insync.replicas"] == "3"
    assert all(len(p.isr) < 3 for p in cluster.describe_topic("payments").partitions)
    assert cluster.probe_produce("payments", acks="all") is not None  # acks=all really fails
    producer = active["processes"][0]
    wait_for(lambda: "NOT_ENOUGH_REPLICAS" in processes.log_tail(producer), "the producer to log the error")
    assert_not_fixed()

    # Wrong fix: writes flow again, but an acknowledged write may sit on one broker only.
    tool(
        kafka_env,
        "kafka-configs.sh",
        "--alter",
        "--entity-type",
        "topics",
        "--entity-name",
        "payments",
        "--add-config",
        "min.insync.replicas=1",
    )
    assert cluster.probe_produce("payments", acks="all") is None
    assert_not_fixed("durability needs at least 2")

    done = study("drill", "hint")
    assert done.returncode == 0 and "hint 1/" in done.stdout

    reference_solution(kafka_env)
    result = wait_fixed()
    row = run_row(active["run_id"])
    assert row["status"] == "passed" and row["hints"] == 1
    assert result["score"] <= 100 - 15
    assert not processes.is_running(producer)  # a passed drill stops its processes


def test_replication_factor_one(kafka_env, cluster, tmp_path):
    active = run_drill("replication-factor-one")
    info = cluster.describe_topic("invoices")
    assert [len(p.replicas) for p in info.partitions] == [1, 1, 1]
    assert_not_fixed("fewer than three copies")

    # Wrong fix: delete and recreate at RF 3, even with the same records written back.
    ranges = {int(p): tuple(r) for p, r in active["facts"]["produced"]["invoices"]["ranges"].items()}
    records = cluster.read("invoices", ranges)
    tool(kafka_env, "kafka-topics.sh", "--delete", "--topic", "invoices")
    wait_for(lambda: "invoices" not in cluster.topic_names(), "the topic to be deleted")
    tool(
        kafka_env,
        "kafka-topics.sh",
        "--create",
        "--topic",
        "invoices",
        "--partitions",
        "3",
        "--replication-factor",
        "3",
    )
    producer = cluster.producer(acks="all")
    for p, rows in records.items():
        for _offset, key, value, _ts in rows:
            producer.produce("invoices", key=key, value=value, partition=p)
    producer.flush(30)
    assert_not_fixed("deleted and recreated")

    assert study("drill", "reset").returncode == 0
    assert [len(p.replicas) for p in cluster.describe_topic("invoices").partitions] == [1, 1, 1]
    reference_solution(kafka_env)
    wait_fixed()


def test_leader_skew(kafka_env, cluster, tmp_path):
    active = run_drill("leader-skew")
    info = cluster.describe_topic("clickstream")
    assert {p.leader for p in info.partitions} == {1}
    assert sum(p.leader != p.replicas[0] for p in info.partitions) == 4
    assert_not_fixed("not led by their preferred replica")

    # Wrong fix: make the current leader "preferred" everywhere; the hot spot stays.
    plan = {"clickstream": [[1, *[n for n in p.replicas if n != 1]] for p in info.partitions]}
    reassign(kafka_env, tmp_path, plan)
    wait_for(
        lambda: all(p.replicas[0] == 1 for p in cluster.describe_topic("clickstream").partitions), "reorder"
    )
    unmet = assert_not_fixed("no longer spreads", "one broker still leads 6")
    assert not any("preferred replica" in u for u in unmet)

    assert study("drill", "reset").returncode == 0
    # `solution --apply`: the reference fix with the real tools; the run scores 0 and cards come due.
    done = study("drill", "solution", "--apply", input="y\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "kafka-leader-election.sh" in done.stdout and "fixed by the reference solution" in done.stdout
    leaders = [p.leader for p in cluster.describe_topic("clickstream").partitions]
    assert sorted(leaders) == [1, 1, 2, 2, 3, 3]
    row = run_row(active["run_id"])
    assert (row["status"], row["score"], row["solution_revealed"]) == ("failed", 0, 1)
    from studycli import clock
    from studycli.store import open_db

    due = {r["card_id"]: r["due"] for r in open_db()["card_state"].rows}
    assert all(
        due.get(card) == clock.today().isoformat() for card in definition.get("leader-skew").related_cards
    )


# --- Level 2 ---------------------------------------------------------------------------------------
def test_poison_pill(kafka_env, cluster):
    active = run_drill("poison-pill")
    bad = active["facts"]["poison"]["shipments"][0]
    assert cluster.committed("shipment-tracker", "shipments") == {0: bad["offset"]}
    assert not processes.is_running(active["processes"][0])  # the service crashed on it
    ((_o, _k, value, _t),) = cluster.read("shipments", {0: (bad["offset"], bad["offset"] + 1)})[0]
    with pytest.raises(UnicodeDecodeError):
        json.loads(value.decode("utf-8"))
    assert_not_fixed("stop at the same unreadable record")

    # Wrong fix: jump to the end, silently dropping every event after the bad one.
    tool(
        kafka_env,
        "kafka-consumer-groups.sh",
        "--group",
        "shipment-tracker",
        "--topic",
        "shipments",
        "--reset-offsets",
        "--to-latest",
        "--execute",
    )
    assert_not_fixed("would skip 79 readable shipment event(s)")

    assert study("drill", "reset").returncode == 0
    reference_solution(kafka_env)
    wait_fixed()
    assert cluster.committed("shipment-tracker", "shipments") == {0: bad["offset"] + 1}


def test_rebalance_loop(kafka_env, cluster):
    active = run_drill("rebalance-loop")
    service = active["processes"][0]
    wait_for(lambda: processes.log_tail(service, 400).count("commit failed") >= 2, "two failed batches")
    # The loop is real: the group exists, never commits, and the backlog stays whole.
    committed = cluster.committed("report-builder", "report-requests")
    assert all(offset is None for offset in committed.values())
    assert_not_fixed("60 of 60 requests not committed")

    # Wrong fix: a longer session timeout does not cover slow processing.
    config = Path(service["config"])
    text = config.read_text()
    config.write_text(text.replace("session.timeout.ms=6000", "session.timeout.ms=8000"))
    wait_for(lambda: processes.log_tail(service, 400).count("configuration loaded") >= 2, "the reload")
    after_reload = lambda: processes.log_tail(service, 400).split("session.timeout.ms=8000")[-1]  # noqa: E731
    wait_for(lambda: "commit failed" in after_reload(), "a failed batch after the reload")
    assert all(offset is None for offset in cluster.committed("report-builder", "report-requests").values())
    assert_not_fixed("requests not committed")

    reference_solution(kafka_env)
    wait_fixed()
    assert not processes.is_running(service)


def test_replay(kafka_env, cluster):
    active = run_drill("replay")
    facts = active["facts"]
    ends = cluster.watermarks("orders-placed", [0, 1, 2])
    assert cluster.committed("invoicing", "orders-placed") == {p: hi for p, (_lo, hi) in ends.items()}
    release = cluster.offsets_for_time("orders-placed", [0, 1, 2], facts["release_ms"])
    assert all(release[p] < ends[p][1] for p in release)
    assert facts["briefing"]["release_utc"] in study("drill", "status", "--json").stdout
    assert_not_fixed("would not reprocess")

    # Wrong fix: replay everything, invoicing pre-release orders twice.
    tool(
        kafka_env,
        "kafka-consumer-groups.sh",
        "--group",
        "invoicing",
        "--topic",
        "orders-placed",
        "--reset-offsets",
        "--to-earliest",
        "--execute",
    )
    assert_not_fixed("a second time")

    reference_solution(kafka_env)
    wait_fixed()
    assert cluster.committed("invoicing", "orders-placed") == release


# --- lifecycle -------------------------------------------------------------------------------------
def test_state_survives_the_cli_and_scoring_counts_attempts(kafka_env, cluster):
    active = run_drill("replay")
    for _ in range(2):
        assert check()[0] == 1
    status = json.loads(study("drill", "status", "--json").stdout)  # a new process reads the state
    assert status["active"] and status["drill_id"] == "replay" and status["checks"] == 2
    assert run_row(active["run_id"])["checks"] == 2
    refused = study("drill", "run", "leader-skew")
    assert refused.returncode == 1 and "still active" in refused.stderr
    shown = study("drill", "solution")  # revealing the fix is recorded, and it uses the real tools
    assert shown.returncode == 0 and "--to-datetime" in shown.stdout
    assert run_row(active["run_id"])["solution_revealed"] == 1


@pytest.fixture
def own_env(tmp_path, monkeypatch):
    """A cluster of its own: `drill stop` tears its environment down, not the session's."""
    monkeypatch.setenv("STUDY_ENV_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("STUDY_HOME", str(tmp_path / "home"))
    yield tmp_path
    study("env", "down")


def test_stop_leaves_nothing_running(own_env):
    from studycli.runtime.services.base import pid_alive
    from studycli.store import open_db

    active = run_drill("rebalance-loop")
    env_state = json.loads(study("env", "status", "--json").stdout)
    pids = [n["pid"] for n in env_state["nodes"]]
    assert all(pid_alive(pid) for pid in pids)
    service = active["processes"][0]
    assert processes.is_running(service)

    done = study("drill", "stop")
    assert done.returncode == 0, done.stderr
    assert "abandoned" in done.stdout and "environment stopped" in done.stdout
    assert not processes.is_running(service)
    assert not Path(service["pid_file"]).exists()
    assert not any(pid_alive(pid) for pid in pids)
    assert study("drill", "check").returncode == 1
    row = run_row(active["run_id"])
    assert row["status"] == "abandoned" and row["score"] == 0
    due = {r["card_id"] for r in open_db()["card_state"].rows}
    assert set(definition.get("rebalance-loop").related_cards) <= due
    assert os.environ["STUDY_HOME"] == str(own_env / "home")


# --- the primitives the shipped drills do not use yet ----------------------------------------------
TOUR_TOML = """
id = "primitive-tour"
level = 1
title = "Every remaining primitive"
difficulty = "easy"
topology = "kafka"
time_budget_minutes = 5
hints = ["set retention.ms=86400000 on tour"]

[[fault]]
do = "create_topic"
topic = "tour"
partitions = 2
config = { "retention.ms" = "3600000" }

[[fault]]
do = "alter_topic_config"
topic = "tour"
config = { "retention.ms" = "7200000" }

[[fault]]
do = "alter_broker_config"
config = { "message.max.bytes" = "2000000" }

[[fault]]
do = "kill_node"
node = 3

[[fault]]
do = "start_node"
node = 3

[[fault]]
do = "background_producer"
name = "idle"
script = "idle.py"
config = { "topic" = "tour" }
wait = "log"
"""

TOUR_CHECK = """
def check(ctx):
    value = ctx.cluster.topic_config("tour")["retention.ms"]
    return [] if value == "86400000" else [f"tour keeps records for {value} ms"]
"""

TOUR_SCRIPT = """
import os, time
print("READY", flush=True)
while os.path.exists(os.environ["DRILL_PID_FILE"]):
    time.sleep(0.2)
"""


def test_remaining_primitives_and_their_undo(kafka_env, cluster, tmp_path, monkeypatch):
    folder = tmp_path / "drills" / "primitive-tour"
    folder.mkdir(parents=True)
    (folder / "drill.toml").write_text(TOUR_TOML)
    (folder / "check.py").write_text(TOUR_CHECK)
    (folder / "idle.py").write_text(TOUR_SCRIPT)
    (folder / "briefing.md").write_text("# tour\n")
    (folder / "solution.sh").write_text(
        "kafka-configs.sh --bootstrap-server $BOOTSTRAP_SERVERS --alter --entity-type topics "
        "--entity-name tour --add-config retention.ms=86400000\n"
    )
    monkeypatch.setenv("STUDY_DRILLS", str(tmp_path / "drills"))
    before = cluster.dynamic_broker_config(None).get("message.max.bytes")

    active = run_drill("primitive-tour")
    assert cluster.topic_config("tour")["retention.ms"] == "7200000"
    assert cluster.dynamic_broker_config(None)["message.max.bytes"] == "2000000"
    assert all(kafka_env.node_running(n) for n in kafka_env.node_ids())
    assert len(cluster.describe_topic("tour").partitions) == 2
    idle = active["processes"][0]
    assert processes.is_running(idle)
    assert_not_fixed("tour keeps records for 7200000 ms")

    reference_solution(kafka_env)
    wait_fixed()
    assert not processes.is_running(idle)
    assert cluster.dynamic_broker_config(None).get("message.max.bytes") == before  # undone at the end


def test_environment_gone_under_an_active_drill(own_env):
    active = run_drill("rebalance-loop")
    assert processes.is_running(active["processes"][0])
    assert study("env", "down").returncode == 0
    # The drill's service notices the environment is gone and exits on its own.
    wait_for(lambda: not processes.is_running(active["processes"][0]), "the service to exit", 30)
    done = study("drill", "check")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "environment is not running" in done.stderr and "study drill reset" in done.stderr
    done = study("drill", "reset")  # a clean environment again, the fault injected again
    assert done.returncode == 0, done.stderr
    assert_not_fixed("requests not committed")
    restarted = state.load()["processes"][0]
    assert processes.is_running(restarted)
    assert study("drill", "stop").returncode == 0
    assert not processes.is_running(restarted)
