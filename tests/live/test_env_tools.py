"""The shared cluster (`kafka_env`): the real tools through their wrappers, status, logs, kill-node.
Every test leaves all three nodes running."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.live


def study(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "studycli", *args], capture_output=True, text=True, timeout=300
    )


def test_status_json_shows_ports_pids_and_localhost_only_listeners(kafka_env):
    status = json.loads(study("env", "status", "--json").stdout)
    assert status["running"] is True and status["topology"] == "kafka"
    assert [n["node_id"] for n in status["nodes"]] == [1, 2, 3]
    assert all(n["running"] and n["pid"] for n in status["nodes"])
    assert status["bootstrap_servers"] == ",".join(
        f"127.0.0.1:{n['ports']['broker']}" for n in status["nodes"]
    )
    for node in status["nodes"]:
        config = (Path(node["dir"]) / "server.properties").read_text()
        listeners = next(line for line in config.splitlines() if line.startswith("listeners="))
        assert listeners == (
            f"listeners=PLAINTEXT://127.0.0.1:{node['ports']['broker']},"
            f"CONTROLLER://127.0.0.1:{node['ports']['controller']}"
        )


def test_topic_defaults_are_rf3_and_min_isr_2(kafka_env):
    topic = f"defaults-{uuid.uuid4().hex[:8]}"
    created = kafka_env.run_tool(
        "kafka-topics.sh", ["--bootstrap-server", kafka_env.bootstrap_servers, "--create", "--topic", topic]
    )
    assert created.returncode == 0, created.stderr
    described = kafka_env.run_tool(
        "kafka-topics.sh", ["--bootstrap-server", kafka_env.bootstrap_servers, "--describe", "--topic", topic]
    )
    assert described.returncode == 0, described.stderr
    assert "ReplicationFactor: 3" in described.stdout
    assert "min.insync.replicas=2" in described.stdout


def test_metadata_quorum_has_three_voters(kafka_env):
    result = kafka_env.run_tool(
        "kafka-metadata-quorum.sh",
        ["--bootstrap-server", kafka_env.bootstrap_servers, "describe", "--status"],
    )
    assert result.returncode == 0, result.stderr
    voters = next(line for line in result.stdout.splitlines() if line.startswith("CurrentVoters:"))
    assert [f'"id": {i}' in voters for i in (1, 2, 3)] == [True, True, True]


def test_console_producer_and_consumer_wrappers_use_bootstrap_servers(kafka_env):
    topic = f"console-{uuid.uuid4().hex[:8]}"
    env = kafka_env.tool_env()
    assert env["BOOTSTRAP_SERVERS"] == kafka_env.bootstrap_servers
    assert env["PATH"].split(os.pathsep)[0] == kafka_env.state["bin_dir"]
    produced = subprocess.run(
        ["sh", "-c", f'kafka-console-producer.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --topic {topic}'],
        input="one\ntwo\nthree\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert produced.returncode == 0, produced.stderr
    consumed = kafka_env.run_tool(
        "kafka-console-consumer.sh",
        [
            "--bootstrap-server",
            kafka_env.bootstrap_servers,
            "--topic",
            topic,
            "--from-beginning",
            "--max-messages",
            "3",
            "--timeout-ms",
            "60000",
        ],
    )
    assert consumed.returncode == 0, consumed.stderr
    assert consumed.stdout.split() == ["one", "two", "three"]


def test_unknown_tool_is_a_clear_error(kafka_env):
    from studycli.errors import StudyError

    with pytest.raises(StudyError, match="no tool named 'kafka-topic.sh'"):
        kafka_env.run_tool("kafka-topic.sh", ["--list"])


def test_kill_node_then_start_node(kafka_env):
    old_pid = kafka_env.status()["nodes"][2]["pid"]
    result = study("env", "kill-node", "3")
    assert result.returncode == 0, result.stderr
    assert not kafka_env.node_running(3)
    assert json.loads(study("env", "status", "--json").stdout)["nodes"][2]["running"] is False
    started = study("env", "start-node", "3")
    assert started.returncode == 0, started.stderr
    assert kafka_env.node_running(3)
    assert kafka_env.status()["nodes"][2]["pid"] != old_pid
    # ready means the new process finished starting, not that the old registration still lingers
    since_restart = kafka_env.logs("3", tail=None).rsplit("===== study: starting kafka-3", 1)[1]
    assert "Kafka Server started" in since_restart
    assert sorted(kafka_env.admin().list_topics(timeout=10).brokers) == [1, 2, 3]


def test_logs_show_the_node_log(kafka_env):
    # The whole log: on the shared cluster, other tests may have pushed start-up far back.
    result = study("env", "logs", "1", "-n", "10000000")
    assert result.returncode == 0, result.stderr
    assert "Kafka Server started" in result.stdout or "Transition from STARTING to STARTED" in result.stdout
    assert_unknown = study("env", "logs", "kafka-9")
    assert assert_unknown.returncode == 1 and "no service named 'kafka-9'" in assert_unknown.stderr


def test_nodes_use_or_train_the_class_archive(kafka_env):
    """With an archive for this JDK + jars + flags, every node maps it; without one, node 1 trains it."""
    plan = kafka_env.state.get("archive")
    if os.environ.get("STUDY_CDS") == "0":
        assert plan is None
        return
    nodes = kafka_env.status()["nodes"]
    if plan["mode"] == "use":
        for node in nodes:
            maps = Path(f"/proc/{node['pid']}/maps").read_text()
            assert plan["path"] in maps, f"{node['name']} does not map {plan['path']}"
    else:
        cmdline = Path(f"/proc/{nodes[0]['pid']}/cmdline").read_bytes().decode()
        assert plan["training"] in cmdline


def test_shell_puts_the_tools_on_path_and_marks_the_prompt(kafka_env):
    script = (
        'echo "BS=$BOOTSTRAP_SERVERS"\n'
        "command -v kafka-topics.sh\n"
        'echo "PROMPT=$PS1"\n'
        'kafka-topics.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --list >/dev/null && echo TOOL-OK\n'
        "exit 7\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "studycli", "env", "shell"],
        input=script,
        text=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "SHELL": "/bin/bash"},
    )
    assert result.returncode == 7, result.stderr
    assert f"BS={kafka_env.bootstrap_servers}" in result.stdout
    assert f"{kafka_env.state['bin_dir']}/kafka-topics.sh" in result.stdout
    assert "PROMPT=(study:kafka)" in result.stdout
    assert "TOOL-OK" in result.stdout


VERSIONED_TOOLS = [
    "kafka-topics.sh",
    "kafka-configs.sh",
    "kafka-consumer-groups.sh",
    "kafka-reassign-partitions.sh",
    "kafka-leader-election.sh",
    "kafka-console-producer.sh",
    "kafka-console-consumer.sh",
    "kafka-get-offsets.sh",
    "kafka-dump-log.sh",
    "kafka-log-dirs.sh",
]


@pytest.mark.parametrize("tool", VERSIONED_TOOLS)
def test_wrapper_runs_the_real_tool_class(kafka_env, tool):
    result = kafka_env.run_tool(tool, ["--version"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == kafka_env.state["kafka_version"]


def test_storage_tool_wrapper(kafka_env):
    result = kafka_env.run_tool("kafka-storage.sh", ["random-uuid"])
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip()) == 22


def test_get_offsets_and_dump_log_read_the_real_data(kafka_env):
    from confluent_kafka import Producer

    topic = f"offsets-{uuid.uuid4().hex[:8]}"
    producer = Producer({"bootstrap.servers": kafka_env.bootstrap_servers, "acks": "all"})
    for i in range(5):
        producer.produce(topic, value=f"record-{i}".encode(), partition=0)
    assert producer.flush(60) == 0
    offsets = kafka_env.run_tool(
        "kafka-get-offsets.sh",
        ["--bootstrap-server", kafka_env.bootstrap_servers, "--topic", topic, "--partitions", "0"],
    )
    assert offsets.returncode == 0, offsets.stderr
    assert offsets.stdout.strip() == f"{topic}:0:5"
    node_dir = Path(kafka_env.state["nodes"][0]["dir"])
    segment = next((node_dir / "data" / f"{topic}-0").glob("*.log"))
    dumped = kafka_env.run_tool("kafka-dump-log.sh", ["--files", str(segment), "--print-data-log"])
    assert dumped.returncode == 0, dumped.stderr
    assert "payload: record-4" in dumped.stdout
