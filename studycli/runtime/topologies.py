"""Topologies: which services an environment runs and how they are wired.

The one source for both backends: the local runtime builds its processes from these definitions and
`compose/` is generated from them (`python compose/generate.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studycli.errors import StudyError

# Cluster-wide broker settings. RF 3 / min ISR 2 are the safe production shape the drills break.
# The internal topics get 6 partitions instead of 50: on a 3-node study cluster 50 only costs start-up
# work (first consumer group / transaction) and memory.
KAFKA_SETTINGS: dict[str, str] = {
    "default.replication.factor": "3",
    "min.insync.replicas": "2",
    "num.partitions": "3",
    "offsets.topic.replication.factor": "3",
    "offsets.topic.num.partitions": "6",
    "transaction.state.log.replication.factor": "3",
    "transaction.state.log.min.isr": "2",
    "transaction.state.log.num.partitions": "6",
    "share.coordinator.state.topic.replication.factor": "3",
    "share.coordinator.state.topic.min.isr": "2",
    "share.coordinator.state.topic.num.partitions": "6",
    # A study cluster's consumer groups start at once instead of waiting 3 s for more members.
    "group.initial.rebalance.delay.ms": "0",
    "unclean.leader.election.enable": "false",
    # Leader elections are the operator's job here, as on many production clusters: with the default
    # (true) the controller quietly undoes a leader-skew drill within about five minutes.
    "auto.leader.rebalance.enable": "false",
}


@dataclass(frozen=True)
class KafkaNodeSpec:
    node_id: int
    roles: str = "broker,controller"

    @property
    def name(self) -> str:
        return f"kafka-{self.node_id}"


@dataclass(frozen=True)
class ServiceSpec:
    """A non-Kafka service (e.g. the schema registry); `kind` names a class in runtime.services."""

    kind: str
    name: str
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Topology:
    name: str
    description: str
    kafka_nodes: tuple[KafkaNodeSpec, ...]
    kafka_settings: dict[str, str]
    services: tuple[ServiceSpec, ...] = ()

    def node_ids(self) -> list[int]:
        return [n.node_id for n in self.kafka_nodes]


TOPOLOGIES: dict[str, Topology] = {
    "kafka": Topology(
        name="kafka",
        description="three combined KRaft broker+controller nodes (RF 3, min ISR 2)",
        kafka_nodes=(KafkaNodeSpec(1), KafkaNodeSpec(2), KafkaNodeSpec(3)),
        kafka_settings=KAFKA_SETTINGS,
    ),
}


def register(topology: Topology) -> None:
    """Add a topology (used by the modules of other services, e.g. kafka+registry)."""
    TOPOLOGIES[topology.name] = topology


def get(name: str) -> Topology:
    _load_extensions()
    try:
        return TOPOLOGIES[name]
    except KeyError:
        raise StudyError(
            f"unknown topology {name!r}",
            hint=f"available topologies: {', '.join(sorted(TOPOLOGIES))}",
        ) from None


def all_topologies() -> dict[str, Topology]:
    _load_extensions()
    return dict(TOPOLOGIES)


def _load_extensions() -> None:
    """Service modules that define their own topologies register them on import."""
    from studycli.runtime import services

    services.load_all()
