"""The jar lockfile, the download path (Maven Central or STUDY_MAVEN_REPO) and the cache checks.

These start no JVM. They use the shared jar cache (filled by `study env install`) and the network for
the few files they re-download on purpose.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from studycli.errors import StudyError
from studycli.runtime import artifacts, tools


def study(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "studycli", *args], capture_output=True, text=True, timeout=600, env=env
    )


@pytest.fixture(scope="module")
def shared_dist() -> artifacts.Distribution:
    """The real jars from the shared cache (downloaded through the CLI's own path when missing)."""
    return artifacts.ensure_distribution(show_progress=False)


@pytest.fixture
def cache_copy(tmp_path, monkeypatch, shared_dist):
    """A private copy of the shared jar cache (hard links where possible), as STUDY_CACHE."""
    source = artifacts.maven_dir()
    target = tmp_path / "cache" / "maven"
    shutil.copytree(source, target, copy_function=shutil.copy2)
    monkeypatch.setenv("STUDY_CACHE", str(tmp_path / "cache"))
    return target


def test_lockfile_pins_kafka_tools_and_a_log4j2_binding():
    version, locked = artifacts.load_lockfile()
    coordinates = {a.coordinate for a in locked}
    assert version == "4.4.0"
    assert {
        "org.apache.kafka:kafka_2.13:4.4.0",
        "org.apache.kafka:kafka-tools:4.4.0",
        "org.apache.kafka:kafka-clients:4.4.0",
    } <= coordinates
    assert any(c.startswith("org.apache.logging.log4j:log4j-slf4j-impl:") for c in coordinates)
    assert any(c.startswith("org.apache.logging.log4j:log4j-core:") for c in coordinates)
    assert len({a.path for a in locked}) == len(locked)
    for artifact in locked:
        group, name, ver = artifact.coordinate.split(":")
        assert artifact.path == f"{group.replace('.', '/')}/{name}/{ver}/{name}-{ver}.jar"
        assert re.fullmatch(r"[0-9a-f]{64}", artifact.sha256)


def test_every_cached_jar_matches_the_lockfile(shared_dist):
    _version, locked = artifacts.load_lockfile()
    for artifact in locked:
        path = artifacts.cached_path(artifact)
        assert artifacts.sha256_of(path) == artifact.sha256, artifact.coordinate


def test_required_tools_resolve_to_classes_in_the_jars(shared_dist):
    required = [
        "kafka-topics.sh",
        "kafka-configs.sh",
        "kafka-consumer-groups.sh",
        "kafka-reassign-partitions.sh",
        "kafka-leader-election.sh",
        "kafka-console-producer.sh",
        "kafka-console-consumer.sh",
        "kafka-get-offsets.sh",
        "kafka-metadata-quorum.sh",
        "kafka-storage.sh",
        "kafka-dump-log.sh",
        "kafka-log-dirs.sh",
    ]
    resolved = tools.resolve_tools(shared_dist)
    assert set(required) <= set(resolved)
    classes = artifacts.class_index(shared_dist)
    assert all(resolved[t] in classes for t in resolved)
    # in 4.x most tools live in kafka-tools; the storage tool stayed in the broker jar
    assert resolved["kafka-topics.sh"] == "org.apache.kafka.tools.TopicCommand"
    assert resolved["kafka-storage.sh"] == "kafka.tools.StorageTool"
    assert "connect-mirror-maker.sh" not in resolved  # connect-mirror is not in the lockfile


def test_corrupt_cached_jar_is_detected_and_downloaded_again(cache_copy):
    _version, locked = artifacts.load_lockfile()
    victim = min(locked, key=lambda a: a.size)  # the smallest jar: a quick re-download
    path = cache_copy / victim.path
    path.write_bytes(b"\0" * victim.size)  # same size, wrong bytes
    result = study("env", "install")
    assert result.returncode == 0, result.stderr
    assert f"re-downloaded 1 corrupt cached jar(s): {victim.coordinate}" in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == victim.sha256


def test_network_failure_is_a_clear_error(tmp_path, monkeypatch):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    env = {
        **os.environ,
        "STUDY_CACHE": str(tmp_path / "empty-cache"),
        "STUDY_MAVEN_REPO": f"http://127.0.0.1:{dead_port}/maven2",
    }
    result = study("env", "install", env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert re.search(r"error: downloading \S+ failed: .*refused", result.stderr), result.stderr
    assert "hint: check your network connection" in result.stderr
    assert not list((tmp_path / "empty-cache").rglob("*.jar"))


def test_interrupted_download_resumes_from_the_part_file(tmp_path, monkeypatch, shared_dist):
    _version, locked = artifacts.load_lockfile()
    artifact = next(a for a in locked if a.coordinate.startswith("org.apache.kafka:kafka-tools-api:"))
    whole = artifacts.cached_path(artifact).read_bytes()
    monkeypatch.setenv("STUDY_CACHE", str(tmp_path / "cache"))
    target = artifacts.cached_path(artifact)
    target.parent.mkdir(parents=True)
    half = len(whole) // 2
    (target.parent / (target.name + ".part")).write_bytes(whole[:half])
    calls: list[int] = []
    artifacts._fetch(artifact, calls.append)
    assert calls[0] == half  # resumed: the first half counted as already there, not fetched again
    assert sum(calls) == len(whole)
    assert target.read_bytes() == whole
    assert not (target.parent / (target.name + ".part")).exists()


def test_kafka_home_uses_an_existing_distribution(tmp_path, monkeypatch, shared_dist):
    libs = tmp_path / "kafka" / "libs"
    libs.mkdir(parents=True)
    for jar in shared_dist.jars:
        (libs / jar.name).symlink_to(jar)
    monkeypatch.setenv("KAFKA_HOME", str(tmp_path / "kafka"))
    monkeypatch.setenv("STUDY_CACHE", str(tmp_path / "no-downloads"))
    dist = artifacts.ensure_distribution(show_progress=False)
    assert dist.source == "KAFKA_HOME" and dist.kafka_version == "4.4.0"
    assert {j.name for j in dist.jars} == {j.name for j in shared_dist.jars}
    assert not list(Path(tmp_path / "no-downloads").rglob("*.jar"))
    monkeypatch.setenv("KAFKA_HOME", str(tmp_path))
    with pytest.raises(StudyError, match="has no libs"):
        artifacts.ensure_distribution(show_progress=False)
