"""Bad input for `study env`: each case must end in a clear `error:` line (no traceback) and leave
nothing of ours running. Cases that need no cluster start no JVM; the others reuse `kafka_env`."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studycli.errors import StudyError
from studycli.runtime import environment as envs
from studycli.runtime.backends import local
from studycli.runtime.services.base import pid_alive


def study(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "studycli", *args], capture_output=True, text=True, timeout=300, env=env
    )


@pytest.fixture
def empty_env(tmp_path, monkeypatch):
    """A fresh environment directory with nothing running in it."""
    monkeypatch.setenv("STUDY_ENV_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("STUDY_HOME", str(tmp_path / "home"))
    return tmp_path


def assert_clean_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_unknown_topology_is_refused_with_the_list(empty_env):
    result = study("env", "up", "kafak")
    assert_clean_error(result, "unknown topology 'kafak'", "hint: available topologies: kafka")
    assert not (empty_env / "env" / "state.json").exists()


def test_down_with_nothing_running_says_so(empty_env):
    result = study("env", "down")
    assert result.returncode == 0, result.stderr
    assert "no environment is running" in result.stdout


def test_node_commands_without_an_environment(empty_env):
    assert_clean_error(study("env", "stop-node", "2"), "no environment is running", "study env up")


def test_port_taken_is_refused_before_anything_starts(empty_env):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        # the environment needs 6 ports from the base; the taken one is the 3rd of them
        result = study("env", "up", "--base-port", str(taken - 2))
    assert_clean_error(result, f"port {taken} on 127.0.0.1 is already in use", "--base-port")
    assert not (empty_env / "env" / "state.json").exists()
    assert not (empty_env / "env" / "nodes").exists()


def _path_without_java(tmp_path: Path) -> str:
    """PATH holding only the python running the tests (no java)."""
    bin_dir = tmp_path / "bin-no-java"
    bin_dir.mkdir()
    return str(bin_dir)


def test_java_missing_from_path(empty_env, tmp_path):
    env = {**os.environ, "PATH": _path_without_java(tmp_path)}
    env.pop("JAVA_HOME", None)
    assert_clean_error(study("env", "up", env=env), "Java was not found", "hint: install a Java 17+")
    assert_clean_error(study("env", "install", env=env), "Java was not found")


def test_java_home_pointing_nowhere(empty_env, tmp_path):
    env = {**os.environ, "JAVA_HOME": str(tmp_path / "no-jdk")}
    assert_clean_error(study("env", "up", env=env), "JAVA_HOME is set to", "does not exist")


def test_java_too_old(empty_env, tmp_path):
    """A JAVA_HOME whose java reports version 11 (a stand-in JDK: only `java -version` is run)."""
    fake_home = tmp_path / "jdk-11"
    (fake_home / "bin").mkdir(parents=True)
    java = fake_home / "bin" / "java"
    java.write_text("#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    result = study("env", "up", env={**os.environ, "JAVA_HOME": str(fake_home)})
    assert_clean_error(result, "Java 11.0.22", "too old", "Java 17 or newer")


def test_stale_state_from_a_crash_is_detected_and_cleaned(empty_env):
    """A state file whose processes are all dead (what a crash or reboot leaves): not `current()`,
    reported as stale by status, removed by down."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    env_dir = empty_env / "env"
    node_dir = env_dir / "nodes" / "kafka-1"
    node_dir.mkdir(parents=True)
    (node_dir / "pid").write_text(f"{dead.pid}\n")
    (node_dir / "data").mkdir()
    fake_state = {
        "version": 1,
        "backend": "local",
        "topology": "kafka",
        "status": "running",
        "env_dir": str(env_dir),
        "java": "java",
        "classpath_file": str(env_dir / "classpath.args"),
        "cluster_id": "x",
        "quorum_bootstrap": "",
        "initial_controllers": "",
        "kafka_settings": {},
        "kafka_version": "4.4.0",
        "bootstrap_servers": "127.0.0.1:1",
        "bin_dir": str(env_dir / "bin"),
        "services": [],
        "nodes": [
            {
                "node_id": 1,
                "name": "kafka-1",
                "roles": "broker,controller",
                "dir": str(node_dir),
                "ports": {"broker": 1, "controller": 2},
                "directory_id": "d",
                "wanted": "running",
            }
        ],
    }
    (env_dir / "state.json").write_text(json.dumps(fake_state))
    assert envs.current() is None
    assert json.loads(study("env", "status", "--json").stdout) == {"running": False, "stale": True}
    down = study("env", "down")
    assert down.returncode == 0, down.stderr
    assert "stale state" in down.stdout
    assert not (env_dir / "state.json").exists() and not node_dir.exists()


@pytest.mark.live
def test_up_twice_is_refused_and_the_cluster_keeps_running(kafka_env):
    pids = [n["pid"] for n in kafka_env.status()["nodes"]]
    with pytest.raises(StudyError, match="already running"):
        envs.up("kafka")
    result = study("env", "up")  # same STUDY_ENV_DIR, through the CLI
    assert_clean_error(result, "an environment is already running", "study env down")
    assert [n["pid"] for n in kafka_env.status()["nodes"]] == pids
    assert all(pid_alive(p) for p in pids)


@pytest.mark.live
def test_port_taken_between_choice_and_bind_fails_cleanly(empty_env, monkeypatch):
    """The race: a port is free when chosen and taken before a node binds it. The real node fails to
    bind; `up` must say which port, and stop and remove everything it had started."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    taken = holder.getsockname()[1]
    real_allocate = local.allocate_ports
    monkeypatch.setattr(local, "allocate_ports", lambda n, base=None: [*real_allocate(n - 1, base), taken])
    started: list[int] = []
    real_start = local.KafkaNode.start

    def start_and_record(self):
        pid = real_start(self)
        started.append(pid)
        return pid

    monkeypatch.setattr(local.KafkaNode, "start", start_and_record)
    try:
        with pytest.raises(StudyError, match=f"could not bind its ports .*{taken}"):
            envs.up("kafka", timeout=120)
    finally:
        holder.close()
    assert len(started) == 3
    assert [p for p in started if pid_alive(p)] == []
    assert not (empty_env / "env" / "state.json").exists()
    assert not (empty_env / "env" / "nodes").exists()


@pytest.mark.live
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_up_leaves_nothing_running(empty_env, signum):
    """Ctrl-C (SIGINT) or SIGTERM while `study env up` waits for the nodes: everything it started is
    stopped and removed."""
    env_dir = empty_env / "env"
    proc = subprocess.Popen(
        [sys.executable, "-m", "studycli", "env", "up"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    pids: list[int] = []
    deadline = time.monotonic() + 120
    while len(pids) < 3:  # wait until the three node processes exist, then interrupt
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the nodes never started"
        pids = [int(p.read_text().split()[0]) for p in env_dir.glob("nodes/*/pid") if p.read_text().strip()]
        time.sleep(0.05)
    proc.send_signal(signum)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and ("aborted" in err or "interrupted" in err)
    assert [p for p in pids if pid_alive(p)] == []
    assert not (env_dir / "state.json").exists() and not (env_dir / "nodes").exists()
