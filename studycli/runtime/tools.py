"""Wrapper scripts for the Kafka command-line tools, under their usual names (kafka-topics.sh...).

Each wrapper runs `java -cp <jars> <main class>` with the real tool class. The class of each tool is
looked up in the jars, not assumed: several moved from `kafka.tools`/`kafka.admin` (kafka_2.13) to
`org.apache.kafka.tools` (kafka-tools) during 3.x/4.x, and a KAFKA_HOME install may be older.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
from pathlib import Path

from studycli import paths
from studycli.runtime import jvm
from studycli.runtime.artifacts import Distribution, class_index

# tool -> candidate main classes, newest location first (4.4.0 location verified in the jars).
TOOLS: dict[str, tuple[str, ...]] = {
    "kafka-topics.sh": ("org.apache.kafka.tools.TopicCommand", "kafka.admin.TopicCommand"),
    "kafka-configs.sh": ("org.apache.kafka.tools.ConfigCommand", "kafka.admin.ConfigCommand"),
    "kafka-consumer-groups.sh": (
        "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
        "kafka.admin.ConsumerGroupCommand",
    ),
    "kafka-reassign-partitions.sh": (
        "org.apache.kafka.tools.reassign.ReassignPartitionsCommand",
        "kafka.admin.ReassignPartitionsCommand",
    ),
    "kafka-leader-election.sh": (
        "org.apache.kafka.tools.LeaderElectionCommand",
        "kafka.admin.LeaderElectionCommand",
    ),
    "kafka-console-producer.sh": ("org.apache.kafka.tools.ConsoleProducer", "kafka.tools.ConsoleProducer"),
    "kafka-console-consumer.sh": (
        "org.apache.kafka.tools.consumer.ConsoleConsumer",
        "kafka.tools.ConsoleConsumer",
    ),
    "kafka-get-offsets.sh": ("org.apache.kafka.tools.GetOffsetShell", "kafka.tools.GetOffsetShell"),
    "kafka-metadata-quorum.sh": (
        "org.apache.kafka.tools.MetadataQuorumCommand",
        "kafka.admin.MetadataQuorumCommand",
    ),
    "kafka-storage.sh": ("kafka.tools.StorageTool", "org.apache.kafka.tools.StorageTool"),
    "kafka-dump-log.sh": ("org.apache.kafka.tools.DumpLogSegments", "kafka.tools.DumpLogSegments"),
    "kafka-log-dirs.sh": ("org.apache.kafka.tools.LogDirsCommand", "kafka.admin.LogDirsCommand"),
    "kafka-acls.sh": ("org.apache.kafka.tools.AclCommand", "kafka.admin.AclCommand"),
    "kafka-producer-perf-test.sh": ("org.apache.kafka.tools.ProducerPerformance",),
    "kafka-consumer-perf-test.sh": (
        "org.apache.kafka.tools.ConsumerPerformance",
        "kafka.tools.ConsumerPerformance",
    ),
    "kafka-features.sh": ("org.apache.kafka.tools.FeatureCommand", "kafka.admin.FeatureCommand"),
    "kafka-cluster.sh": ("org.apache.kafka.tools.ClusterTool", "kafka.tools.ClusterTool"),
    "kafka-transactions.sh": ("org.apache.kafka.tools.TransactionsCommand",),
    "kafka-delete-records.sh": (
        "org.apache.kafka.tools.DeleteRecordsCommand",
        "kafka.admin.DeleteRecordsCommand",
    ),
    "kafka-verifiable-producer.sh": ("org.apache.kafka.tools.VerifiableProducer",),
    "kafka-verifiable-consumer.sh": ("org.apache.kafka.tools.VerifiableConsumer",),
    "kafka-broker-api-versions.sh": ("org.apache.kafka.tools.BrokerApiVersionsCommand",),
    "kafka-groups.sh": ("org.apache.kafka.tools.GroupsCommand",),
    "kafka-share-groups.sh": ("org.apache.kafka.tools.consumer.group.ShareGroupCommand",),
    "kafka-streams-groups.sh": ("org.apache.kafka.tools.streams.StreamsGroupCommand",),
    "connect-mirror-maker.sh": ("org.apache.kafka.connect.mirror.MirrorMaker",),
}


def _cached_class_index(dist: Distribution) -> set[str]:
    """class_index() is a few hundred ms; cache it per exact jar list."""
    key = hashlib.sha256("\n".join(str(j) for j in dist.jars).encode()).hexdigest()[:16]
    cache = paths.cache_dir() / "class-index" / f"{key}.json"
    try:
        return set(json.loads(cache.read_text()))
    except (OSError, ValueError):
        names = class_index(dist)
        wanted = sorted({c for candidates in TOOLS.values() for c in candidates} & names)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(wanted))
        return set(wanted)


def resolve_tools(dist: Distribution) -> dict[str, str]:
    """tool name -> main class present in the jars; tools whose class is absent are left out."""
    present = _cached_class_index(dist)
    resolved = {}
    for tool, candidates in TOOLS.items():
        for main_class in candidates:
            if main_class in present:
                resolved[tool] = main_class
                break
    return resolved


def write_wrappers(
    bin_dir: Path,
    java: str,
    classpath_file: Path,
    dist: Distribution,
    extra_flags: list[str] | tuple[str, ...] = (),
) -> dict[str, str]:
    """Write one executable wrapper per available tool into bin_dir; return tool -> main class."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    resolved = resolve_tools(dist)
    flags = " ".join(shlex.quote(f) for f in [*jvm.tool_flags(), *extra_flags])
    for tool, main_class in resolved.items():
        script = bin_dir / tool
        script.write_text(
            "#!/bin/sh\n"
            f"# {tool}: generated by `study env`; runs the real Kafka {dist.kafka_version} tool class.\n"
            f"exec {shlex.quote(java)} {flags} $STUDY_TOOL_OPTS "
            f'@{shlex.quote(str(classpath_file))} {main_class} "$@"\n'
        )
        os.chmod(script, 0o755)
    return resolved
