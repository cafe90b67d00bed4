"""The main path on a real cluster of its own, driven through the `study` CLI as a learner would:
up -> three brokers -> RF3 topic, produce, consume -> stop-node 2 (ISR shrinks) -> start-node 2
(ISR back to 3) -> down (no process, no listening port left)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from studycli.runtime.services.base import pid_alive

pytestmark = pytest.mark.live


def study(*args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "studycli", *args], capture_output=True, text=True, timeout=300, env=env
    )


def wait_for(condition, what: str, limit: float = 120.0):
    """Poll a real condition until it holds; fail with `what` after `limit` seconds (not a timing test)."""
    from concurrent.futures import TimeoutError as FutureTimeout

    from confluent_kafka import KafkaException

    deadline = time.monotonic() + limit
    while True:
        try:
            value = condition()
        except (KafkaException, FutureTimeout):  # a request caught in the middle of a failover: ask again
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for: {what}")
        time.sleep(0.2)


def isr_sizes(admin, topic: str) -> list[int]:
    from confluent_kafka import TopicCollection

    description = admin.describe_topics(TopicCollection([topic]), request_timeout=10)[topic].result(
        timeout=15
    )
    return [len(p.isr) for p in description.partitions]


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def own_env_dir(tmp_path, monkeypatch):
    """A separate environment directory, so this test's cluster does not meet the session's `kafka_env`."""
    monkeypatch.setenv("STUDY_ENV_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("STUDY_HOME", str(tmp_path / "home"))
    yield tmp_path
    study("env", "down")  # leave nothing running even when an assertion failed half-way


def test_up_produce_consume_isr_shrink_and_recovery_down(own_env_dir):
    import os

    from confluent_kafka import Consumer, Producer

    from studycli.runtime import environment as envs

    result = study("env", "up")
    assert result.returncode == 0, result.stderr
    status = json.loads(study("env", "status", "--json").stdout)
    assert status["running"] is True
    pids = [n["pid"] for n in status["nodes"]]
    ports = [p for n in status["nodes"] for p in n["ports"].values()]
    assert len(set(ports)) == 6 and all(listening(p) for p in ports)

    env = envs.current()
    admin = env.admin()
    # 1. three brokers registered
    assert sorted(admin.list_topics(timeout=10).brokers) == [1, 2, 3]

    # 2. an RF3 topic (created by the real kafka-topics.sh), produce and consume on it
    topic = f"lifecycle-{uuid.uuid4().hex[:8]}"
    created = env.run_tool(
        "kafka-topics.sh",
        [
            "--bootstrap-server",
            env.bootstrap_servers,
            "--create",
            "--topic",
            topic,
            "--partitions",
            "3",
            "--replication-factor",
            "3",
        ],
    )
    assert created.returncode == 0, created.stderr
    wait_for(lambda: isr_sizes(admin, topic) == [3, 3, 3], "the new topic's metadata on the brokers")
    producer = Producer({"bootstrap.servers": env.bootstrap_servers, "acks": "all"})
    sent = [f"message-{i}" for i in range(30)]
    for value in sent:
        producer.produce(topic, value=value.encode())
    assert producer.flush(30) == 0
    consumer = Consumer(
        {
            "bootstrap.servers": env.bootstrap_servers,
            "group.id": f"g-{topic}",
            "auto.offset.reset": "earliest",
        }
    )
    consumer.subscribe([topic])
    received: list[str] = []

    def all_received():
        message = consumer.poll(1.0)
        if message is not None and message.error() is None:
            received.append(message.value().decode())
        return sorted(received) == sorted(sent)

    wait_for(all_received, "all 30 messages consumed")
    consumer.close()

    # 3. stop node 2: the ISR of every partition shrinks to the two live replicas
    assert study("env", "stop-node", "2").returncode == 0
    assert not pid_alive(pids[1])
    wait_for(lambda: isr_sizes(admin, topic) == [2, 2, 2], "ISR shrinks to 2 after stop-node 2")
    assert sorted(admin.list_topics(timeout=10).brokers) == [1, 3]

    # 4. start node 2: it rejoins and the ISR is back to 3
    restarted = study("env", "start-node", "2")
    assert restarted.returncode == 0, restarted.stderr
    wait_for(lambda: isr_sizes(admin, topic) == [3, 3, 3], "ISR back to 3 after start-node 2")
    new_pid = json.loads(study("env", "status", "--json").stdout)["nodes"][1]["pid"]
    pids.append(new_pid)

    # 5. down: no process of ours and no listening port left
    archive_plan = env.state.get("archive") or {}
    down = study("env", "down")
    assert down.returncode == 0, down.stderr
    assert [p for p in pids if pid_alive(p)] == []
    assert [p for p in ports if listening(p)] == []
    assert envs.current() is None
    if archive_plan.get("mode") == "create":  # node 1 trained the class archive; a clean exit wrote it
        assert Path(archive_plan["path"]).is_file()
        assert not Path(archive_plan["training"]).exists()
    assert not (own_env_dir / "env" / "nodes").exists()
    assert study("env", "status", "--json").stdout.strip() == json.dumps({"running": False, "stale": False})
    assert os.environ["STUDY_ENV_DIR"].startswith(str(own_env_dir))
