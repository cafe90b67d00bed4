"""Reading and changing a live Kafka cluster through confluent-kafka, for faults and checks.

One thin layer over AdminClient / Producer / Consumer so drill code reads as the condition it
states. Every call has a timeout; a cluster that does not answer raises ClusterUnavailable.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicCollection, TopicPartition
from confluent_kafka.admin import (
    AdminClient,
    AlterConfigOpType,
    ConfigEntry,
    ConfigResource,
    ConfigSource,
    NewTopic,
    OffsetSpec,
    ResourceType,
)

TIMEOUT = 15.0
LEADER_SETTLE_SECONDS = 2.0
CONFIG_ATTEMPTS = 3
CONFIG_ATTEMPT_TIMEOUT = 10.0  # generous: a loaded 2-core machine answers slowly
# A leader that cannot answer offsets yet; persistent when the ISR is below min.insync.replicas
# (Kafka 4 keeps the high watermark still then), so callers report it after a short retry.
SETTLING_ERRORS = {
    KafkaError.OFFSET_NOT_AVAILABLE,
    KafkaError.LEADER_NOT_AVAILABLE,
    KafkaError.NOT_LEADER_FOR_PARTITION,
    KafkaError.UNKNOWN_LEADER_EPOCH,
    KafkaError.FENCED_LEADER_EPOCH,
}


class ClusterUnavailable(Exception):
    """The cluster did not answer; checks turn this into a plain message."""


@dataclass(frozen=True)
class PartitionInfo:
    id: int
    leader: int | None
    replicas: tuple[int, ...]
    isr: tuple[int, ...]


@dataclass(frozen=True)
class TopicInfo:
    name: str
    id: str
    partitions: tuple[PartitionInfo, ...]

    @property
    def replication_factors(self) -> set[int]:
        return {len(p.replicas) for p in self.partitions}


def _result(future, what: str):
    try:
        return future.result(timeout=TIMEOUT)
    except KafkaException as err:
        raise _unavailable_or(err, what) from None
    except TimeoutError:
        raise ClusterUnavailable(f"no answer from the cluster while reading {what}") from None


def _unavailable_or(err: KafkaException, what: str) -> Exception:
    code = err.args[0].code() if err.args and isinstance(err.args[0], KafkaError) else None
    if code in (KafkaError._TRANSPORT, KafkaError._TIMED_OUT, KafkaError._ALL_BROKERS_DOWN):
        return ClusterUnavailable(f"no answer from the cluster while reading {what}")
    return err


class Cluster:
    """A live cluster, reached through its bootstrap servers."""

    def __init__(self, bootstrap_servers: str, admin: AdminClient | None = None, env=None):
        self.bootstrap = bootstrap_servers
        self.env = env  # for the few changes only the real tools can make
        self.admin = admin or AdminClient({"bootstrap.servers": bootstrap_servers, "log_level": 0})

    # --- topics -------------------------------------------------------------------------
    def topic_names(self) -> set[str]:
        try:
            return set(self.admin.list_topics(timeout=TIMEOUT).topics)
        except KafkaException as err:
            raise _unavailable_or(err, "the topic list") from None

    def describe_topic(self, name: str) -> TopicInfo | None:
        for attempt in range(CONFIG_ATTEMPTS):
            futures = self.admin.describe_topics(TopicCollection([name]))
            try:
                desc = futures[name].result(timeout=TIMEOUT)
                break
            except KafkaException as err:
                code = err.args[0].code()
                if code == KafkaError.UNKNOWN_TOPIC_OR_PART:
                    return None
                # A node that just restarted drops the client's connection to it once.
                transient = err.args[0].retriable() or code in (
                    KafkaError._DESTROY_BROKER,
                    KafkaError._TRANSPORT,
                )
                if not transient or attempt == CONFIG_ATTEMPTS - 1:
                    raise _unavailable_or(err, f"topic {name}") from None
            time.sleep(0.3)
        partitions = tuple(
            PartitionInfo(
                id=p.id,
                leader=p.leader.id if p.leader is not None and p.leader.id >= 0 else None,
                replicas=tuple(n.id for n in p.replicas),
                isr=tuple(n.id for n in p.isr),
            )
            for p in sorted(desc.partitions, key=lambda p: p.id)
        )
        return TopicInfo(name=name, id=str(desc.topic_id), partitions=partitions)

    def create_topic(
        self,
        name: str,
        partitions: int = 1,
        replication_factor: int = 3,
        replica_assignment: list[list[int]] | None = None,
        config: dict | None = None,
    ) -> TopicInfo:
        if replica_assignment:
            # the client wants the partition count spelled out (RF stays -1: taken from the assignment)
            topic = NewTopic(
                name, len(replica_assignment), -1, replica_assignment=replica_assignment, config=config or {}
            )
        else:
            topic = NewTopic(name, partitions, replication_factor, config=config or {})
        _result(self.admin.create_topics([topic], operation_timeout=TIMEOUT)[name], f"topic {name}")
        return self.wait_topic(name)

    def wait_topic(self, name: str, timeout: float = 30.0) -> TopicInfo:
        """Until every partition has a leader (metadata propagates asynchronously)."""
        deadline = time.monotonic() + timeout
        while True:
            info = self.describe_topic(name)
            if info and info.partitions and all(p.leader is not None for p in info.partitions):
                return info
            if time.monotonic() > deadline:
                raise ClusterUnavailable(f"topic {name} has no leader for every partition")
            time.sleep(0.2)

    def delete_topics(self, names: list[str]) -> None:
        existing = [n for n in names if n in self.topic_names()]
        if not existing:
            return
        for name, future in self.admin.delete_topics(existing, operation_timeout=TIMEOUT).items():
            _result(future, f"deleting topic {name}")
        deadline = time.monotonic() + 30
        while set(existing) & self.topic_names() and time.monotonic() < deadline:
            time.sleep(0.2)

    # --- configs ------------------------------------------------------------------------
    def _configs(self, resource: ConfigResource) -> dict[str, str | None]:
        entries = self._describe_configs(resource)
        return {name: entry.value for name, entry in entries.items()}

    def _describe_configs(self, resource: ConfigResource) -> dict:
        """Short attempts, retried: a request sent to a node that is just going down would
        otherwise hang for the whole timeout. A retry uses a fresh client, because the old one
        can keep choosing the stopped node it still has a connection state for."""
        for attempt in range(CONFIG_ATTEMPTS):
            if attempt:
                self.admin = AdminClient({"bootstrap.servers": self.bootstrap, "log_level": 0})
            futures = self.admin.describe_configs([resource], request_timeout=CONFIG_ATTEMPT_TIMEOUT)
            try:
                return _result(next(iter(futures.values())), f"{resource.name or 'broker'} configs")
            except ClusterUnavailable:
                if attempt == CONFIG_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def topic_config(self, topic: str) -> dict[str, str | None]:
        return self._configs(ConfigResource(ResourceType.TOPIC, topic))

    def broker_config(self, node: int) -> dict[str, str | None]:
        return self._configs(ConfigResource(ResourceType.BROKER, str(node)))

    def dynamic_broker_config(self, node: int | None) -> dict[str, str]:
        """Only the dynamically set values: per node, or (node None) the cluster-wide default."""
        if node is None:
            # The Python client cannot name the default resource (""); every broker reports it
            # among the synonyms of its entries.
            node = min(self.admin.list_topics(timeout=TIMEOUT).brokers)
            wanted = ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG
        else:
            wanted = ConfigSource.DYNAMIC_BROKER_CONFIG
        entries = self._describe_configs(ConfigResource(ResourceType.BROKER, str(node)))
        found = {}
        for name, entry in entries.items():
            for synonym in [entry, *(entry.synonyms or {}).values()]:
                if synonym.source in (wanted, wanted.value):
                    found[name] = synonym.value
                    break
        return found

    def alter_config(self, kind: str, name: str, changes: dict[str, str | None]) -> None:
        """kind: "topic" | "broker" (name "" = the cluster-wide default); a None value deletes the override."""
        if kind == "broker" and name == "":
            self._alter_broker_default(changes)
            return
        resource_type = ResourceType.TOPIC if kind == "topic" else ResourceType.BROKER
        entries = [
            ConfigEntry(
                key,
                value if value is not None else "",
                incremental_operation=AlterConfigOpType.SET
                if value is not None
                else AlterConfigOpType.DELETE,
            )
            for key, value in changes.items()
        ]
        resource = ConfigResource(resource_type, name, incremental_configs=entries)
        for future in self.admin.incremental_alter_configs([resource]).values():
            _result(future, f"altering {kind} {name} configs")

    def _alter_broker_default(self, changes: dict[str, str | None]) -> None:
        """The cluster-wide default needs the real tool (`--entity-default`)."""
        if self.env is None:
            raise ClusterUnavailable("changing the cluster-wide broker default needs the environment's tools")
        args = [
            "--bootstrap-server",
            self.bootstrap,
            "--alter",
            "--entity-type",
            "brokers",
            "--entity-default",
        ]
        added = ",".join(f"{k}={v}" for k, v in changes.items() if v is not None)
        deleted = ",".join(k for k, v in changes.items() if v is None)
        if added:
            args += ["--add-config", added]
        if deleted:
            args += ["--delete-config", deleted]
        done = self.env.run_tool("kafka-configs.sh", args)
        if done.returncode != 0:
            raise ClusterUnavailable(f"kafka-configs.sh refused the change: {done.stderr.strip()[-300:]}")

    # --- offsets and groups --------------------------------------------------------------
    def _list_offsets(self, topic: str, specs: dict) -> dict[int, int]:
        """list_offsets, retried for a few seconds while a new leader settles."""
        deadline = time.monotonic() + LEADER_SETTLE_SECONDS
        while True:
            try:
                futures = self.admin.list_offsets(specs)
                return {tp.partition: f.result(timeout=TIMEOUT).offset for tp, f in futures.items()}
            except KafkaException as err:
                transient = err.args[0].retriable() or err.args[0].code() in SETTLING_ERRORS
                if not transient or time.monotonic() > deadline:
                    raise _unavailable_or(err, f"{topic} offsets") from None
            except TimeoutError:
                raise ClusterUnavailable(
                    f"no answer from the cluster while reading {topic} offsets"
                ) from None
            time.sleep(0.3)

    def watermarks(self, topic: str, partitions: list[int]) -> dict[int, tuple[int, int]]:
        low = self._list_offsets(topic, {TopicPartition(topic, p): OffsetSpec.earliest() for p in partitions})
        high = self._list_offsets(topic, {TopicPartition(topic, p): OffsetSpec.latest() for p in partitions})
        return {p: (low[p], high[p]) for p in partitions}

    def offsets_for_time(self, topic: str, partitions: list[int], timestamp_ms: int) -> dict[int, int]:
        found = self._list_offsets(
            topic, {TopicPartition(topic, p): OffsetSpec.for_timestamp(timestamp_ms) for p in partitions}
        )
        ends = self.watermarks(topic, partitions)
        # -1 means no record at or after the time: the position is the end of the log.
        return {p: (o if o >= 0 else ends[p][1]) for p, o in found.items()}

    def committed(self, group: str, topic: str) -> dict[int, int | None]:
        from confluent_kafka import ConsumerGroupTopicPartitions

        futures = self.admin.list_consumer_group_offsets([ConsumerGroupTopicPartitions(group)])
        result = _result(futures[group], f"group {group} offsets")
        return {
            tp.partition: (tp.offset if tp.offset >= 0 else None)
            for tp in result.topic_partitions
            if tp.topic == topic
        }

    def group(self, group: str) -> tuple[str, int]:
        """(state name, member count); state is e.g. STABLE, EMPTY, DEAD, PREPARING_REBALANCE."""
        futures = self.admin.describe_consumer_groups([group])
        desc = _result(futures[group], f"group {group}")
        return desc.state.name, len(desc.members)

    def group_names(self) -> set[str]:
        result = _result(self.admin.list_consumer_groups(request_timeout=TIMEOUT), "the group list")
        return {g.group_id for g in result.valid}

    def delete_groups(self, groups: list[str]) -> None:
        # Only groups that exist: deleting unknown groups on a young cluster (no offsets topic
        # yet) has crashed librdkafka's admin client.
        groups = [g for g in groups if g in self.group_names()]
        if not groups:
            return
        for future in self.admin.delete_consumer_groups(groups, request_timeout=TIMEOUT).values():
            try:
                future.result(timeout=TIMEOUT)
            except KafkaException as err:
                if err.args[0].code() not in (KafkaError.GROUP_ID_NOT_FOUND,):
                    raise

    # --- records ------------------------------------------------------------------------
    def producer(self, **config) -> Producer:
        return Producer({"bootstrap.servers": self.bootstrap, "log_level": 0, **config})

    def consumer(self, group: str | None = None, **config) -> Consumer:
        settings = {
            "bootstrap.servers": self.bootstrap,
            "group.id": group or "study-drill-reader",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "enable.partition.eof": True,
            "log_level": 0,
            **config,
        }
        return Consumer(settings)

    def read(self, topic: str, ranges: dict[int, tuple[int, int]], timeout: float = 30.0) -> dict[int, list]:
        """Records [start, end) per partition, as (offset, key, value, timestamp) tuples."""
        consumer = self.consumer()
        out: dict[int, list] = {p: [] for p in ranges}
        todo = {p for p, (s, e) in ranges.items() if e > s}
        try:
            consumer.assign([TopicPartition(topic, p, ranges[p][0]) for p in todo])
            deadline = time.monotonic() + timeout
            while todo and time.monotonic() < deadline:
                msg = consumer.poll(0.5)
                if msg is None:
                    continue
                if msg.error():
                    if msg.error().code() == KafkaError._PARTITION_EOF:
                        todo.discard(msg.partition())
                        continue
                    raise KafkaException(msg.error())
                p = msg.partition()
                if msg.offset() >= ranges[p][1]:
                    todo.discard(p)
                    continue
                out[p].append((msg.offset(), msg.key(), msg.value(), msg.timestamp()[1]))
                if msg.offset() + 1 >= ranges[p][1]:
                    todo.discard(p)
        finally:
            consumer.close()
        if todo:
            raise ClusterUnavailable(f"could not read every record of {topic} in time")
        return out

    def probe_produce(self, topic: str, acks: str = "all", timeout: float = 10.0) -> str | None:
        """Write one probe record; returns None on success, else the error name."""
        producer = self.producer(
            **{
                "acks": acks,
                "message.timeout.ms": int(timeout * 1000),
                "retries": 3,
                "enable.idempotence": False,
            }
        )
        errors: list = []

        def delivered(err, _msg):
            errors.append(err)

        producer.produce(topic, key=b"study-probe", value=b"probe", callback=delivered)
        producer.flush(timeout + 5)
        if not errors:
            return "no delivery report"
        return errors[0].name() if errors[0] is not None else None


def digest(records: dict[int, list]) -> str:
    """A stable fingerprint of keys and values per partition, in offset order."""
    h = hashlib.sha256()
    for p in sorted(records):
        for offset, key, value, _ts in records[p]:
            h.update(f"{p}:{offset}:".encode())
            h.update(key or b"")
            h.update(b"\0")
            h.update(value or b"")
            h.update(b"\1")
    return h.hexdigest()
