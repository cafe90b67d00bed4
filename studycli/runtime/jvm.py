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


# --- class-data sharing -------------------------------------------------------------------------
# Measured on the 3-node cluster (docs/RUNTIME.md): an archive of the classes a broker loads cuts the
# nodes' start-up CPU by about 40 %. JDK 25+ gets an AOT cache (JEP 483/514: classes loaded and linked,
# plus method profiles); JDK 17-24 a dynamic AppCDS archive. Both are written when the training node
# exits cleanly, so the first cluster builds it and later clusters use it. STUDY_CDS=0 turns it off.


def archive_enabled() -> bool:
    return os.environ.get("STUDY_CDS", "1") != "0"


def archive_path(java_executable: str, java_version: str, classpath: str) -> Path:
    """One archive per JDK, jar list and flag set: an archive only works with what it was made from."""
    import hashlib

    from studycli import paths

    key = "\n".join([java_executable, java_version, classpath, *server_flags()])
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return paths.cache_dir() / "jvm-archives" / f"kafka-{java_version}-{digest}.jsa"


def archive_create_flags(java_major: int, target: Path) -> list[str]:
    if java_major >= 25:
        return [f"-XX:AOTCacheOutput={target}"]
    return [f"-XX:ArchiveClassesAtExit={target}"]


def archive_use_flags(java_major: int, archive: Path) -> list[str]:
    # Warnings about the archive (JDK 25 re-creating a few adapter stubs; an archive that no longer
    # matches) would land in the tools' stdout; the JVM falls back to loading classes normally anyway.
    if java_major >= 25:
        return [f"-XX:AOTCache={archive}", "-Xlog:aot*=error", "-Xlog:cds*=error"]
    return [f"-XX:SharedArchiveFile={archive}", "-Xlog:cds*=error"]
