"""compose/ is generated from the topology definitions: the committed files must be exactly what the
generator produces, and `--backend docker` must say plainly when no Docker engine answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from studycli import paths
from studycli.runtime import topologies
from studycli.runtime.backends import docker


@pytest.mark.parametrize("name", sorted(topologies.all_topologies()))
def test_committed_compose_file_matches_the_generator(name):
    topology = topologies.get(name)
    committed = paths.shipped("compose") / docker.compose_file_name(topology)
    assert committed.is_file(), f"{committed} is missing: run `python compose/generate.py`"
    assert committed.read_text() == docker.render(topology), "stale: run `python compose/generate.py`"


def test_no_compose_file_without_a_topology():
    expected = {docker.compose_file_name(t) for t in topologies.all_topologies().values()}
    assert {p.name for p in paths.shipped("compose").glob("*.yml")} == expected


def test_compose_matches_the_local_topology():
    topology = topologies.get("kafka")
    document = docker.compose_document(topology)
    assert list(document["services"]) == ["kafka-1", "kafka-2", "kafka-3"]
    for node, service in zip(topology.kafka_nodes, document["services"].values(), strict=False):
        env = service["environment"]
        assert service["image"].startswith("apache/kafka:4.4")
        assert env["KAFKA_NODE_ID"] == str(node.node_id)
        assert env["KAFKA_PROCESS_ROLES"] == node.roles
        for key, value in topology.kafka_settings.items():
            assert env["KAFKA_" + key.upper().replace(".", "_")] == value
        assert all(p.startswith("127.0.0.1:") for p in service["ports"])  # published on loopback only


def test_docker_backend_without_an_engine_says_so(tmp_path):
    probe = subprocess.run(["docker", "info"], capture_output=True, text=True) if _has_docker() else None
    if probe is not None and probe.returncode == 0:
        pytest.skip("a Docker engine answers here; this case is about machines without one")
    env = {**os.environ, "STUDY_ENV_DIR": str(tmp_path / "env"), "STUDY_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-m", "studycli", "env", "up", "--backend", "docker"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: no Docker engine answers") or result.stderr.startswith(
        "error: the docker client is not installed"
    ), result.stderr
    assert "study env up" in result.stderr
    status = subprocess.run(
        [sys.executable, "-m", "studycli", "env", "status", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert json.loads(status.stdout)["running"] is False


def _has_docker() -> bool:
    import shutil

    return shutil.which("docker") is not None
