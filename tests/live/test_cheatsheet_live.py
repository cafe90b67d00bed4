"""Every cheatsheet command against the real tools.

- Kafka CLI entries: each flag must be an option the real 4.4 tool lists in its --help (per subcommand
  for the argparse tools), and the command, placeholders filled with real values, must run against the
  shared three-node cluster (`kafka_env`) and exit 0. Entries that would damage the shared cluster or
  need a state a local cluster cannot hold are flag-checked only (FLAGS_ONLY, with the reason).
  The cluster has no authorizer, so ACL commands must get past argument parsing and be refused by the
  broker with SecurityDisabledException: that is the most the study cluster can prove for them.
- Schema Registry entries run, as written, through bash and curl against a real registry process
  (Apicurio serving the Confluent API); every HTTP status they get must be 2xx.
- The Connect entries a worker without connector plugins can serve run through curl against a real
  Kafka Connect worker (ConnectDistributed from the runtime's jars). The other Connect entries and the
  MirrorMaker 2, Flink, kcat and Confluent CLI entries are skipped as pending, each with its reason;
  tests/live/conftest.py prints the tally and the pending list at the end of the run.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from studycli import paths
from studycli.content import parser
from studycli.runtime.backends.local import allocate_ports

pytestmark = pytest.mark.live

CHEATSHEET = "STREAMING_CLI_CHEATSHEET.md"
KAFKA_TOOL = re.compile(r"(?:kafka|connect)-[a-z-]+\.sh")
REGISTRY_SECTION = "Schema Registry REST (curl)"

PENDING_SECTIONS = {
    "Connect REST (curl)": "needs a connector plugin; the runtime's jars carry none (no connect-file, no connect-mirror)",
    "MirrorMaker 2": "needs a second cluster and the connect-mirror jar; the study runtime has neither",
    "Flink CLI and SQL client": "no Flink distribution in the study runtime",
    "Confluent CLI (Confluent-specific)": "the Confluent CLI drives Confluent Cloud/Platform services that cannot run here",
}
PENDING_TOOLS = {"kcat": "kcat is not part of the study runtime"}

FLAGS_ONLY = {
    "cs-reassign-cancel": "needs a reassignment still in flight; on an idle local cluster they finish at once",
    "cs-quorum-add-controller": "needs a fourth, freshly formatted controller process",
    "cs-quorum-remove-controller": "would shrink the shared cluster's controller quorum",
    "cs-cluster-unregister": "would unregister a broker of the shared cluster",
    "cs-transactions-abort": "needs a hanging transaction to abort",
}

# Connect entries a worker with no connector plugin can serve; they run against a real worker
# (ConnectDistributed from the runtime's jars, on the shared cluster).
CONNECT_WORKER_ENTRIES = {"cs-connect-root", "cs-connect-list", "cs-connect-plugins", "cs-connect-logger"}

# argparse tools: options that come before the subcommand so that `SUB --help` can be printed
SUBCOMMAND_TOOLS = {
    "kafka-storage.sh": [],
    "kafka-cluster.sh": [],
    "kafka-metadata-quorum.sh": ["--bootstrap-server", "127.0.0.1:9"],
    "kafka-features.sh": ["--bootstrap-server", "127.0.0.1:9"],
    "kafka-transactions.sh": ["--bootstrap-server", "127.0.0.1:9"],
}
OPTION_LINE = re.compile(r"^\s*(?:\*\s*)?(?:-[A-Za-z]+(?: [A-Z_-]+)?,\s*)?(--[A-Za-z][\w.-]*)", re.M)


def _load_entries():
    text = (paths.shipped("content") / CHEATSHEET).read_text(encoding="utf-8")
    return [c for c in parser.parse_document(CHEATSHEET, text).cards if c.kind == "cheat"]


ENTRIES = _load_entries()


def command_line(card) -> str:
    return card.back.replace("\\\n", " ").strip()


def first_word(card) -> str:
    return command_line(card).split()[0]


def kind_of(card) -> tuple[str, str]:
    """(kind, reason): connect | pending | registry | flags-only | acl | live."""
    section = card.extra["section"]
    if card.id in CONNECT_WORKER_ENTRIES:
        return "connect", ""
    if section in PENDING_SECTIONS:
        return "pending", f"{section}: {PENDING_SECTIONS[section]}"
    if first_word(card) in PENDING_TOOLS:
        return "pending", f"{first_word(card)}: {PENDING_TOOLS[first_word(card)]}"
    if section == REGISTRY_SECTION:
        return "registry", ""
    if card.id in FLAGS_ONLY:
        return "flags-only", FLAGS_ONLY[card.id]
    if first_word(card) == "kafka-acls.sh":
        return "acl", "the study cluster runs without an authorizer"
    return "live", ""


KAFKA_ENTRIES = [c for c in ENTRIES if KAFKA_TOOL.search(c.back)]


# --- --help of the real tools ------------------------------------------------------------------------
_help_cache: dict[tuple[str, str], set[str]] = {}


def help_options(env, tool: str, subcommand: str = "") -> set[str]:
    key = (tool, subcommand)
    if key not in _help_cache:
        args = [*SUBCOMMAND_TOOLS.get(tool, []), subcommand, "--help"] if subcommand else ["--help"]
        done = env.run_tool(tool, args, timeout=120)
        text = done.stdout + done.stderr
        assert "Exception in thread" not in text, text[-2000:]
        _help_cache[key] = set(OPTION_LINE.findall(text))
        assert _help_cache[key], f"no options found in `{tool} {' '.join(args)}`:\n{text[-2000:]}"
    return _help_cache[key]


def subcommands(env, tool: str) -> set[str]:
    done = env.run_tool(tool, [*SUBCOMMAND_TOOLS[tool], "--help"], timeout=120)
    text = done.stdout + done.stderr
    found = re.search(r"\{([a-zA-Z,-]+)\}", text)  # argparse: {describe,add-controller,...}
    if found:
        return set(found.group(1).split(","))
    listed = re.search(r"^\s*COMMAND\n((?:\s{4}.*\n?)+)", text, re.M)  # kafka-transactions.sh style
    assert listed, f"{tool} --help lists no subcommands:\n{text}"
    return set(re.findall(r"^\s{4}([a-zA-Z][\w-]*)", listed.group(1), re.M))


def check_flags_in_help(env, card) -> None:
    """Each Kafka tool invocation in the entry: every --flag must be an option of that tool (and subcommand)."""
    for segment in re.split(r"&&|\|", command_line(card)):
        words = shlex.split(segment)
        tools_here = [i for i, w in enumerate(words) if KAFKA_TOOL.fullmatch(w)]
        if not tools_here:
            continue
        tool = words[tools_here[0]]
        if tool not in env.tool_names():
            pytest.skip(
                f"pending: {tool} has no wrapper in the study runtime (its jar is not in the lockfile)"
            )
        args = words[tools_here[0] + 1 :]
        known = help_options(env, tool)
        if tool in SUBCOMMAND_TOOLS:
            names = subcommands(env, tool)
            sub = next((w for w in args if w in names), "")
            assert sub, f"{card.id}: no {tool} subcommand among {sorted(names)}"
            known = known | help_options(env, tool, sub)
        flags = {w.split("=", 1)[0] for w in args if w.startswith("--")}
        unknown = flags - known
        assert not unknown, f"{card.id}: {tool} does not accept {sorted(unknown)}"


@pytest.mark.parametrize("card", KAFKA_ENTRIES, ids=[c.id for c in KAFKA_ENTRIES])
def test_kafka_entry_flags_are_options_of_the_real_tool(kafka_env, card):
    check_flags_in_help(kafka_env, card)


def test_flag_check_rejects_a_flag_the_tool_does_not_have(kafka_env):
    """The check above can fail: --zookeeper is not an option of the 4.4 kafka-topics.sh."""
    assert "--bootstrap-server" in help_options(kafka_env, "kafka-topics.sh")
    assert "--zookeeper" not in help_options(kafka_env, "kafka-topics.sh")
    assert "--standalone" in help_options(kafka_env, "kafka-storage.sh", "format")
    assert "--standalone" not in help_options(kafka_env, "kafka-storage.sh", "info")


# --- the shared cluster, with data to point the commands at ---------------------------------------------
@dataclass
class Plan:
    values: dict[str, str] = field(default_factory=dict)
    input: str | None = None
    cleanup: list = field(default_factory=list)
    expect: str | None = None  # regex that must appear in stdout+stderr
    reject: str | None = None  # regex that must not appear


class Cluster:
    def __init__(self, env, tmp: Path):
        self.env = env
        self.tmp = tmp
        state = env.state
        self.bootstrap = env.bootstrap_servers
        self.quorum = state["quorum_bootstrap"]
        node1 = next(n for n in state["nodes"] if n["node_id"] == 1)
        self.node1_dir = Path(node1["dir"])
        self.node1_data = self.node1_dir / "data"

    def name(self, prefix: str) -> str:
        return f"cs-{prefix}-{uuid.uuid4().hex[:8]}"

    def run(self, tool: str, *args: str, input: str | None = None) -> str:
        done = self.env.run_tool(tool, list(args), input=input, timeout=300)
        assert done.returncode == 0, f"{tool} {' '.join(args)}\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}"
        return done.stdout

    def topic(self, partitions: int = 3, rf: int = 3, assignment: str | None = None, records: int = 0) -> str:
        name = self.name("t")
        shape = (
            ["--replica-assignment", assignment]
            if assignment
            else ["--partitions", str(partitions), "--replication-factor", str(rf)]
        )
        self.run("kafka-topics.sh", "--bootstrap-server", self.bootstrap, "--create", "--topic", name, *shape)
        if records:
            self.produce(name, [f"k{i}:v{i}" for i in range(records)])
        return name

    def produce(self, topic: str, lines: list[str]) -> None:
        self.run(
            "kafka-console-producer.sh",
            "--bootstrap-server",
            self.bootstrap,
            "--topic",
            topic,
            "--reader-property",
            "parse.key=true",
            "--reader-property",
            "key.separator=:",
            input="\n".join(lines) + "\n",
        )

    def consume(self, topic: str, group: str, count: int) -> None:
        self.run(
            "kafka-console-consumer.sh",
            "--bootstrap-server",
            self.bootstrap,
            "--topic",
            topic,
            "--group",
            group,
            "--from-beginning",
            "--max-messages",
            str(count),
            "--timeout-ms",
            "30000",
        )

    def file(self, name: str, text: str) -> str:
        path = self.tmp / f"{uuid.uuid4().hex[:6]}-{name}"
        path.write_text(text)
        return str(path)

    def reassignment(self, topic: str, replicas: list[list[int]], log_dirs: bool = False) -> str:
        parts = []
        for p, reps in enumerate(replicas):
            part = {"topic": topic, "partition": p, "replicas": reps}
            if log_dirs:
                part["log_dirs"] = ["any"] * len(reps)
            parts.append(part)
        return self.file("reassign.json", json.dumps({"version": 1, "partitions": parts}))

    def finish_reassignment(self, json_file: str) -> None:
        """--verify until complete: it also removes the throttles a reassignment set."""
        deadline = time.monotonic() + 120
        while True:
            out = self.run(
                "kafka-reassign-partitions.sh",
                "--bootstrap-server",
                self.bootstrap,
                "--verify",
                "--reassignment-json-file",
                json_file,
            )
            if "is still in progress" not in out:
                return
            assert time.monotonic() < deadline, out
            time.sleep(0.5)

    def delete_config(self, *entity: str, key: str) -> None:
        self.run(
            "kafka-configs.sh",
            "--bootstrap-server",
            self.bootstrap,
            "--alter",
            *entity,
            "--delete-config",
            key,
        )

    def segment(self, directory: str, suffix: str = ".log") -> str:
        return str(self.node1_data / directory / f"{0:020d}{suffix}")

    def coordinator_segment(self, topic: str, key: str) -> str:
        """The first segment of the internal-topic partition that holds `key` (a group or transactional id):
        the broker picks abs(Java String.hashCode(key)) % partition count."""
        count = len([d for d in self.node1_data.iterdir() if d.name.startswith(f"{topic}-")])
        assert count, f"no {topic} partitions on node 1"
        return self.segment(f"{topic}-{abs(java_string_hash(key)) % count}")


def java_string_hash(text: str) -> int:
    value = 0
    for char in text:
        value = (31 * value + ord(char)) & 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


@pytest.fixture(scope="module")
def ck(kafka_env, tmp_path_factory):
    cluster = Cluster(kafka_env, tmp_path_factory.mktemp("cheatsheet"))
    cluster.data_topic = cluster.topic(records=20)
    cluster.data_group = cluster.name("g")
    cluster.consume(cluster.data_topic, cluster.data_group, 20)
    cluster.reset_topic = cluster.topic(records=9)
    cluster.reset_group = cluster.name("g")
    cluster.consume(cluster.reset_topic, cluster.reset_group, 9)
    features = cluster.run("kafka-features.sh", "--bootstrap-server", cluster.bootstrap, "describe")
    release = re.search(r"Feature: metadata\.version\s.*?FinalizedVersionLevel:\s*(\S+)", features)
    described = cluster.run(
        "kafka-topics.sh",
        "--bootstrap-server",
        cluster.bootstrap,
        "--describe",
        "--topic",
        cluster.data_topic,
    )
    hour_ago = datetime.now() - timedelta(hours=1)
    cluster.defaults = {
        "bootstrap": cluster.bootstrap,
        "controller-bootstrap": cluster.quorum,
        "topic": cluster.data_topic,
        "group": cluster.data_group,
        "partitions": "3",
        "replication-factor": "3",
        "partition": "0",
        "offset": "0",
        "count": "3",
        "broker-id": "1",
        "controller-id": "1",
        "broker-list": "1,2,3",
        "timestamp-ms": str(int(hour_ago.timestamp() * 1000)),
        "YYYY-MM-DDTHH:mm:SS.sss": hour_ago.strftime("%Y-%m-%dT%H:%M:%S.000"),
        "duration": "PT1H",
        "retention-ms": "86400000",
        "bytes-per-sec": "10000000",
        "user": cluster.name("user"),
        "client-id": cluster.name("client"),
        "prefix": "cs-team-",
        "transactional-id": cluster.name("tx"),
        "host-ip": "192.0.2.10",
        "topic-regex": re.escape(cluster.data_topic),
        "topic-id": re.search(r"TopicId:\s*(\S+)", described).group(1),
        "release-version": release.group(1),
        "server-properties": str(cluster.node1_dir / "server.properties"),
        "segment-file": cluster.segment(f"{cluster.data_topic}-0"),
        "index-file": cluster.segment(f"{cluster.data_topic}-0", ".index"),
    }
    return cluster


def _fresh_topic(ck: Cluster) -> Plan:
    return Plan({"topic": ck.name("t")}, expect="Created topic")


def _existing_fresh_topic(ck: Cluster) -> Plan:
    return Plan({"topic": ck.topic()})


def _delete_records(ck: Cluster) -> Plan:
    topic = ck.topic(partitions=1, records=5)
    offsets = {"version": 1, "partitions": [{"topic": topic, "partition": 0, "offset": 2}]}
    return Plan(
        {"topic": topic, "offsets-json": ck.file("offsets.json", json.dumps(offsets))},
        expect=r"low_watermark: 2",
    )


def _topic_with_override(ck: Cluster) -> Plan:
    topic = ck.topic()
    ck.run(
        "kafka-configs.sh",
        "--bootstrap-server",
        ck.bootstrap,
        "--alter",
        "--entity-type",
        "topics",
        "--entity-name",
        topic,
        "--add-config",
        "retention.ms=3600000",
    )
    return Plan({"topic": topic})


def _config_file(ck: Cluster) -> Plan:
    return Plan({"topic": ck.topic(), "config-file": ck.file("topic.properties", "retention.ms=7200000\n")})


def _broker_config(ck: Cluster) -> Plan:
    return Plan(
        cleanup=[
            lambda: ck.delete_config(
                "--entity-type", "brokers", "--entity-name", "1", key="log.cleaner.threads"
            )
        ]
    )


def _broker_default(ck: Cluster) -> Plan:
    return Plan(
        cleanup=[
            lambda: ck.delete_config("--entity-type", "brokers", "--entity-default", key="log.retention.ms")
        ]
    )


def _broker_logger(ck: Cluster) -> Plan:
    return Plan(
        cleanup=[
            lambda: ck.delete_config(
                "--entity-type", "broker-loggers", "--entity-name", "1", key="kafka.server.ReplicaManager"
            )
        ]
    )


def _client_quota(ck: Cluster) -> Plan:
    client = ck.name("client")
    return Plan(
        {"client-id": client},
        cleanup=[
            lambda: ck.delete_config(
                "--entity-type",
                "clients",
                "--entity-name",
                client,
                key="producer_byte_rate,consumer_byte_rate",
            )
        ],
    )


def _user_quota(ck: Cluster) -> Plan:
    user = ck.name("user")
    return Plan(
        {"user": user},
        cleanup=[
            lambda: ck.delete_config(
                "--entity-type", "users", "--entity-name", user, key="producer_byte_rate,request_percentage"
            )
        ],
    )


def _ip_quota(ck: Cluster) -> Plan:
    return Plan(
        cleanup=[
            lambda: ck.delete_config(
                "--entity-type", "ips", "--entity-default", key="connection_creation_rate"
            )
        ]
    )


def _group_config(ck: Cluster) -> Plan:
    group = ck.name("g")
    ck.consume(ck.data_topic, group, 1)
    return Plan({"group": group})


def _reset(ck: Cluster) -> Plan:
    return Plan({"group": ck.reset_group, "topic": ck.reset_topic}, expect=ck.reset_topic)


def _reset_one_partition(ck: Cluster) -> Plan:
    return Plan({"group": ck.reset_group, "topic": ck.reset_topic, "partition": "0"}, expect=ck.reset_topic)


def _import_offsets(ck: Cluster) -> Plan:
    lines = "".join(f"{ck.reset_topic},{p},1\n" for p in range(3))
    return Plan(
        {"group": ck.reset_group, "offsets-csv": ck.file("offsets.csv", lines)}, expect=ck.reset_topic
    )


def _empty_group(ck: Cluster) -> Plan:
    group = ck.name("g")
    ck.consume(ck.data_topic, group, 3)
    return Plan({"group": group})


def _topics_json(ck: Cluster) -> Plan:
    topics = {"version": 1, "topics": [{"topic": ck.data_topic}]}
    return Plan({"topics-json": ck.file("topics.json", json.dumps(topics))}, expect="Proposed partition")


def _move(ck: Cluster, *, finish: bool, run_first: bool = False, log_dirs: bool = False, rf1: bool = False):
    if rf1:
        topic = ck.topic(assignment="1")
        json_file = ck.reassignment(topic, [[1, 2, 3]])
    else:
        topic = ck.topic(assignment="1:2,2:3,3:1")
        json_file = ck.reassignment(topic, [[2, 3], [3, 1], [1, 2]], log_dirs=log_dirs)
    if run_first:
        ck.run(
            "kafka-reassign-partitions.sh",
            "--bootstrap-server",
            ck.bootstrap,
            "--execute",
            "--reassignment-json-file",
            json_file,
        )
    cleanup = [lambda: ck.finish_reassignment(json_file)] if finish else []
    return Plan({"reassignment-json": json_file}, cleanup=cleanup)


def _partitions_json(ck: Cluster) -> Plan:
    body = {"partitions": [{"topic": ck.data_topic, "partition": 0}]}
    return Plan({"partitions-json": ck.file("partitions.json", json.dumps(body))})


def _scratch_config(ck: Cluster, roles: str, node_id: int) -> tuple[str, Path]:
    data = ck.tmp / f"format-{uuid.uuid4().hex[:6]}"
    lines = [
        f"process.roles={roles}",
        f"node.id={node_id}",
        "controller.listener.names=CONTROLLER",
        "controller.quorum.bootstrap.servers=127.0.0.1:19093",
        f"log.dirs={data}",
    ]
    lines.append(
        "listeners=CONTROLLER://127.0.0.1:19093"
        if roles == "controller"
        else "listeners=PLAINTEXT://127.0.0.1:19092"
    )
    return ck.file("server.properties", "\n".join(lines) + "\n"), data


def _new_uuid(ck: Cluster) -> str:
    return ck.run("kafka-storage.sh", "random-uuid").strip()


def _format_standalone(ck: Cluster) -> Plan:
    config, data = _scratch_config(ck, "controller", 9)
    return Plan({"server-properties": config, "cluster-id": _new_uuid(ck)}, expect="Formatting")


def _format_initial(ck: Cluster) -> Plan:
    config, data = _scratch_config(ck, "controller", 9)
    voters = f"9@127.0.0.1:19093:{_new_uuid(ck)}"
    return Plan(
        {"server-properties": config, "cluster-id": _new_uuid(ck), "initial-controllers": voters},
        expect="Formatting",
    )


def _format_broker(ck: Cluster) -> Plan:
    config, data = _scratch_config(ck, "broker", 10)
    return Plan({"server-properties": config, "cluster-id": _new_uuid(ck)}, expect="Formatting")


def _producer_topic(ck: Cluster, text: str) -> Plan:
    return Plan({"topic": ck.topic()}, input=text)


def _perf_produce(ck: Cluster) -> Plan:
    return Plan({"topic": ck.topic()}, expect="records sent")


def _perf_consume(ck: Cluster) -> Plan:
    topic = ck.topic()
    ck.run(
        "kafka-producer-perf-test.sh",
        "--bootstrap-server",
        ck.bootstrap,
        "--topic",
        topic,
        "--num-records",
        "100000",
        "--record-size",
        "100",
        "--throughput",
        "-1",
    )
    return Plan({"topic": topic})


def _transaction_log(ck: Cluster) -> Plan:
    transactional_id = ck.name("tx")
    ck.run(
        "kafka-producer-perf-test.sh",
        "--bootstrap-server",
        ck.bootstrap,
        "--topic",
        ck.topic(),
        "--num-records",
        "10",
        "--record-size",
        "10",
        "--throughput",
        "-1",
        "--transactional-id",
        transactional_id,
    )
    return Plan(
        {"segment-file": ck.coordinator_segment("__transaction_state", transactional_id)},
        expect=transactional_id,
    )


def _offsets_log(ck: Cluster) -> Plan:
    return Plan(
        {"segment-file": ck.coordinator_segment("__consumer_offsets", ck.data_group)}, expect=ck.data_group
    )


def _metadata_log(ck: Cluster) -> Plan:
    return Plan({"segment-file": ck.segment("__cluster_metadata-0")}, expect="TOPIC_RECORD")


SETUP = {
    "cs-topic-list": lambda ck: Plan(expect=ck.data_topic),
    "cs-topic-list-no-internal": lambda ck: Plan(expect=ck.data_topic, reject="__consumer_offsets"),
    "cs-topic-create": _fresh_topic,
    "cs-topic-create-with-config": _fresh_topic,
    "cs-topic-create-compacted": _fresh_topic,
    "cs-topic-describe": lambda ck: Plan(expect=r"Leader: \d"),
    "cs-topic-describe-by-id": lambda ck: Plan(expect=ck.data_topic),
    "cs-topic-add-partitions": lambda ck: Plan({"topic": ck.topic(), "partitions": "6"}),
    "cs-topic-delete": _existing_fresh_topic,
    "cs-get-offsets-latest": lambda ck: Plan(expect=rf"{ck.data_topic}:0:\d+"),
    "cs-delete-records": _delete_records,
    "cs-config-topic-retention": _existing_fresh_topic,
    "cs-config-topic-multiple": _existing_fresh_topic,
    "cs-config-topic-delete": _topic_with_override,
    "cs-config-add-config-file": _config_file,
    "cs-config-describe-topic-all": lambda ck: Plan(expect="retention.ms="),
    "cs-config-alter-broker": _broker_config,
    "cs-config-alter-broker-default": _broker_default,
    "cs-config-broker-logger": _broker_logger,
    "cs-config-client-quota": _client_quota,
    "cs-config-user-quota": _user_quota,
    "cs-config-ip-quota": _ip_quota,
    "cs-config-group": _group_config,
    "cs-group-list": lambda ck: Plan(expect=ck.data_group),
    "cs-group-describe-lag": lambda ck: Plan(expect=ck.data_topic),
    "cs-group-reset-earliest-dry-run": _reset,
    "cs-group-reset-earliest": _reset,
    "cs-group-reset-latest": _reset,
    "cs-group-reset-datetime": _reset,
    "cs-group-reset-duration": _reset,
    "cs-group-reset-shift": _reset,
    "cs-group-reset-to-offset": _reset_one_partition,
    "cs-group-export-offsets": lambda ck: Plan({"group": ck.reset_group}, expect=rf"{ck.reset_topic},0,\d+"),
    "cs-group-import-offsets": _import_offsets,
    "cs-group-delete": _empty_group,
    "cs-group-delete-offsets": _empty_group,
    "cs-reassign-generate": _topics_json,
    "cs-reassign-execute": lambda ck: _move(ck, finish=True),
    "cs-reassign-verify": lambda ck: _move(ck, finish=True, run_first=True),
    "cs-reassign-change-throttle": lambda ck: _move(ck, finish=True),
    "cs-reassign-increase-rf": lambda ck: _move(ck, finish=True, rf1=True),
    "cs-reassign-log-dir": lambda ck: _move(ck, finish=True, log_dirs=True),
    "cs-elect-from-file": _partitions_json,
    "cs-storage-random-uuid": lambda ck: Plan(expect=r"^[A-Za-z0-9_-]{22}\s*$"),
    "cs-storage-format-standalone": _format_standalone,
    "cs-storage-format-initial-controllers": _format_initial,
    "cs-storage-format-broker": _format_broker,
    "cs-storage-info": lambda ck: Plan(expect="cluster.id="),
    "cs-quorum-status": lambda ck: Plan(expect="LeaderId"),
    "cs-quorum-status-controller": lambda ck: Plan(expect="LeaderId"),
    "cs-features-describe": lambda ck: Plan(expect="metadata.version"),
    "cs-cluster-id": lambda ck: Plan(expect="Cluster ID"),
    "cs-console-produce": lambda ck: _producer_topic(ck, "one\ntwo\n"),
    "cs-console-produce-keys": lambda ck: _producer_topic(ck, "k1:v1\nk2:v2\n"),
    "cs-console-produce-headers": lambda ck: _producer_topic(ck, "h1:v1,h2:v2\tkey\tvalue\n"),
    "cs-console-produce-tuned": lambda ck: _producer_topic(ck, "x\ny\n"),
    "cs-console-consume-beginning": lambda ck: Plan(expect="v0|v1|v2"),
    "cs-console-consume-metadata": lambda ck: Plan(expect=r"Partition:\d"),
    "cs-console-consume-group": lambda ck: Plan({"group": ck.name("g")}),
    "cs-producer-perf-test": _perf_produce,
    "cs-consumer-perf-test": _perf_consume,
    "cs-dump-log-records": lambda ck: Plan(expect="payload: v"),
    "cs-dump-log-index": lambda ck: Plan(expect="Dumping"),
    "cs-dump-log-verify-index": lambda ck: Plan(expect="passed sanity check"),
    "cs-dump-log-offsets": _offsets_log,
    "cs-dump-log-transactions": _transaction_log,
    "cs-dump-log-metadata": _metadata_log,
    "cs-log-dirs-describe": lambda ck: Plan(expect=ck.data_topic),
    "cs-log-dirs-topics": lambda ck: Plan(expect=ck.data_topic),
}

# Entries that would run until interrupted: bounded when run here (the flags are the tool's own).
BOUNDED = ["--max-messages", "3", "--timeout-ms", "30000"]


def fill(text: str, values: dict[str, str], card) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        assert name in values, f"{card.id}: no test value for <{name}>"
        return values[name]

    return parser.PLACEHOLDER.sub(value, text)


@pytest.mark.parametrize("card", ENTRIES, ids=[c.id for c in ENTRIES])
def test_entry_runs(request, card, record_property):
    kind, reason = kind_of(card)
    record_property("cheatsheet", kind)
    record_property("cheatsheet_reason", reason)
    if kind == "pending":
        pytest.skip(f"pending: {reason}")
    if kind == "connect":
        url = request.getfixturevalue("connect_url")
        plan = connect_plan(card, url)
        run_curl_entry(card, plan, request.getfixturevalue("tmp_path"))
        if card.id == "cs-connect-logger":  # scope=cluster is applied through the config topic
            deadline = time.monotonic() + 60
            while logger_level(url, plan.values["logger-name"]) != "DEBUG":
                assert time.monotonic() < deadline, "logger level never became DEBUG"
                time.sleep(0.5)
        return
    if kind == "registry":
        run_registry_entry(request.getfixturevalue("registry_url"), card, request.getfixturevalue("tmp_path"))
        return
    env = request.getfixturevalue("kafka_env")
    check_flags_in_help(env, card)
    if kind == "flags-only":
        return
    run_kafka_entry(request.getfixturevalue("ck"), card, kind)


def run_kafka_entry(ck: Cluster, card, kind: str) -> None:
    plan = SETUP.get(card.id, lambda ck: Plan())(ck)
    try:
        words = shlex.split(fill(command_line(card), {**ck.defaults, **plan.values}, card))
        assert not {"|", "&&", ";", ">", "<"} & set(words), f"{card.id}: not a single command"
        tool, args = words[0], words[1:]
        if tool == "kafka-console-consumer.sh" and "--max-messages" not in args:
            args += BOUNDED
        done = ck.env.run_tool(tool, args, input=plan.input, timeout=300)
        output = done.stdout + done.stderr
        if kind == "acl":
            assert done.returncode == 0 or "SecurityDisabledException" in output, output[-2000:]
            assert "SecurityDisabledException" in output, "an authorizer appeared: make ACL entries live"
            return
        assert done.returncode == 0, f"{' '.join(words)}\n{output[-3000:]}"
        assert "Exception in thread" not in output, output[-3000:]
        if plan.expect:
            assert re.search(plan.expect, output, re.M), (
                f"{card.id}: /{plan.expect}/ not in:\n{output[-3000:]}"
            )
        if plan.reject:
            assert not re.search(plan.reject, output, re.M), (
                f"{card.id}: /{plan.reject}/ in:\n{output[-3000:]}"
            )
    finally:
        for step in plan.cleanup:
            step()


# --- Schema Registry entries through curl ----------------------------------------------------------
AVRO_ORDER = json.dumps({"type": "record", "name": "Order", "fields": [{"name": "id", "type": "string"}]})


def sr_request(base: str, method: str, path: str, body: dict | None = None) -> dict | list:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Content-Type": "application/vnd.schemaregistry.v1+json"},
    )
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


def registry_plan(base: str, card) -> Plan:
    subject = f"cs-{uuid.uuid4().hex[:8]}-value"
    values = {"registry-url": base, "subject": subject, "version": "1"}
    if card.id == "cs-sr-register":
        return Plan(values, expect=r'"id"\s*:\s*\d+')
    if card.id == "cs-sr-lookup":
        registered = sr_request(
            base, "POST", f"/subjects/{subject}/versions", {"schema": '{"type":"string"}'}
        )
        return Plan(values, expect=rf'"id"\s*:\s*{registered["id"]}')
    registered = sr_request(base, "POST", f"/subjects/{subject}/versions", {"schema": AVRO_ORDER})
    values["schema-id"] = str(registered["id"])
    if card.id == "cs-sr-list-deleted-subjects":
        sr_request(base, "DELETE", f"/subjects/{subject}")
    expect = {
        "cs-sr-list-subjects": subject,
        "cs-sr-list-deleted-subjects": subject,
        "cs-sr-list-versions": r"\[\s*1\s*\]",
        "cs-sr-get-latest": '"Order',
        "cs-sr-get-by-id": "Order",
        "cs-sr-subjects-for-id": subject,
        "cs-sr-check-compat": r'"is_compatible"\s*:\s*true',
        "cs-sr-get-config": "BACKWARD",
        "cs-sr-set-subject-compat": "FULL_TRANSITIVE",
        "cs-sr-get-subject-compat": "BACKWARD",
        "cs-sr-delete-version": r"^1$",
        "cs-sr-mode-readonly": "READONLY",
        "cs-sr-schema-types": "AVRO",
    }.get(card.id)
    return Plan(values, expect=expect)


def run_curl_entry(card, plan: Plan, tmp_path: Path) -> str:
    """Run the entry as written through bash; every HTTP status must be 2xx. Returns the response bodies."""
    command = fill(card.back, plan.values, card)
    # A curl config file adds the HTTP status after each response without touching the command.
    (tmp_path / ".curlrc").write_text('write-out = "\\n@@HTTP %{http_code}@@\\n"\n')
    done = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CURL_HOME": str(tmp_path)},
    )
    statuses = re.findall(r"@@HTTP (\d{3})@@", done.stdout)
    assert done.returncode == 0 and statuses, f"{card.id}: {command}\n{done.stdout}\n{done.stderr}"
    assert all(s.startswith("2") for s in statuses), f"{card.id}: HTTP {statuses}\n{done.stdout}"
    body = re.sub(r"\n?@@HTTP \d{3}@@\n?", "\n", done.stdout).strip()
    if plan.expect:
        assert re.search(plan.expect, body, re.M), f"{card.id}: /{plan.expect}/ not in {body!r}"
    return body


def run_registry_entry(base: str, card, tmp_path: Path) -> None:
    plan = registry_plan(base, card)
    run_curl_entry(card, plan, tmp_path)
    if card.id == "cs-sr-mode-readonly":
        assert sr_request(base, "GET", f"/mode/{plan.values['subject']}")["mode"] == "READONLY"
    if card.id == "cs-sr-delete-subject-permanent":
        assert plan.values["subject"] not in sr_request(base, "GET", "/subjects?deleted=true")


# --- Connect entries against a real worker -----------------------------------------------------------
@pytest.fixture(scope="module")
def connect_url(kafka_env, tmp_path_factory):
    """One real Kafka Connect worker (distributed mode) from the runtime's own jars, on the shared cluster."""
    state = kafka_env.state
    work = tmp_path_factory.mktemp("connect")
    (port,) = allocate_ports(1)
    group = f"cs-connect-{uuid.uuid4().hex[:6]}"
    config = {
        "bootstrap.servers": kafka_env.bootstrap_servers,
        "group.id": group,
        "config.storage.topic": f"{group}-configs",
        "offset.storage.topic": f"{group}-offsets",
        "status.storage.topic": f"{group}-status",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "listeners": f"http://127.0.0.1:{port}",
        "offset.flush.interval.ms": "1000",
    }
    (work / "worker.properties").write_text("".join(f"{k}={v}\n" for k, v in config.items()))
    log = (work / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            state["java"],
            "-Xms64m",
            "-Xmx384m",
            f"@{state['classpath_file']}",
            "org.apache.kafka.connect.cli.ConnectDistributed",
            str(work / "worker.properties"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert worker.poll() is None, (work / "worker.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(url + "/connectors", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, (work / "worker.log").read_text()[-3000:]
            time.sleep(0.5)
        yield url
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()


def connect_plan(card, url: str) -> Plan:
    values = {"connect-url": url, "logger-name": "org.apache.kafka.connect.runtime.WorkerSourceTask"}
    expect = {
        "cs-connect-root": r'"kafka_cluster_id"',
        "cs-connect-list": r"^\{\}$|^\[\]$",
        "cs-connect-plugins": "org.apache.kafka.connect.transforms",
        "cs-connect-logger": None,  # 204, no body: the level is read back below
    }[card.id]
    return Plan(values, expect=expect)


def logger_level(url: str, logger: str) -> str | None:
    try:
        with urllib.request.urlopen(f"{url}/admin/loggers/{logger}", timeout=10) as resp:
            return json.loads(resp.read()).get("level")
    except OSError:
        return None
