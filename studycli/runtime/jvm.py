"""JVM command lines for the Kafka nodes and the command-line tools.

`STUDY_JVM_PROFILE` picks a set of flags (`tuned`, the default, or `kafka-default`, the flags Kafka's own
start scripts use); `STUDY_KAFKA_JVM_OPTS` appends more. Every flag in `tuned` is there because of a
measurement (benchmarks/bench_env.py; figures in docs/RUNTIME.md).
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

RUNTIME_DIR = Path(__file__).resolve().parent
SERVER_LOG4J = RUNTIME_DIR / "log4j2-server.xml"
TOOLS_LOG4J = RUNTIME_DIR / "log4j2-tools.xml"

# What bin/kafka-server-start.sh + kafka-run-class.sh pass (Kafka 4.x): 1 GiB fixed heap, G1.
KAFKA_DEFAULT_SERVER = [
    "-Xmx1G",
    "-Xms1G",
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-XX:+ExplicitGCInvokesConcurrent",
]

TUNED_SERVER = [
    "-Xms64m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
]

TOOL_FLAGS = ["-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]

# "jvm-default": no flags at all (the JVM's own choices), the baseline for measuring single flags.
PROFILES = {"tuned": TUNED_SERVER, "kafka-default": KAFKA_DEFAULT_SERVER, "jvm-default": []}


def profile_name() -> str:
    name = os.environ.get("STUDY_JVM_PROFILE", "tuned")
    if name not in PROFILES:
        from studycli.errors import StudyError

        raise StudyError(
            f"unknown STUDY_JVM_PROFILE {name!r}", hint=f"use one of: {', '.join(sorted(PROFILES))}"
        )
    return name


def server_flags() -> list[str]:
    flags = list(PROFILES[profile_name()])
    flags += ["-Djava.awt.headless=true", f"-Dlog4j2.configurationFile={SERVER_LOG4J}"]
    flags += shlex.split(os.environ.get("STUDY_KAFKA_JVM_OPTS", ""))
    return flags


def tool_flags() -> list[str]:
    return [*TOOL_FLAGS, "-Djava.awt.headless=true", f"-Dlog4j2.configurationFile={TOOLS_LOG4J}"]


def write_classpath_file(path: Path, classpath: str) -> Path:
    """A java @argfile holding `-cp <jars>`: keeps command lines (and `ps`) short."""
    path.parent.mkdir(parents=True, exist_ok=True)
    quoted = classpath.replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(f'-cp "{quoted}"\n')
    return path
