"""The fault vocabulary: small primitives a drill.toml lists as `[[fault]]` tables.

Each primitive takes the FaultContext and the table's keys, changes the real cluster, and
records what it did in `ctx.facts` (topic ids, produced offsets, poison offsets...) so the
check can later prove that data survived. drills/README.md documents every key.
"""

from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from studycli import clock
from studycli.drill import processes
from studycli.drill.cluster import Cluster, digest
from studycli.errors import StudyError


@dataclass
class FaultContext:
    env: object  # studycli.runtime.environment.Environment
    cluster: Cluster
    folder: Path  # the drill's folder (scripts, config templates)
    workspace: Path  # the learner-visible files of this run
    facts: dict = field(default_factory=dict)
    processes: list = field(default_factory=list)
    # (node or None for the cluster default, name, previous value or None), restored on finish
    broker_config_undo: list = field(default_factory=list)

    def substitute(self, text: str) -> str:
        return (
            text.replace("{bootstrap}", self.env.bootstrap_servers)
            .replace("{workspace}", str(self.workspace))
            .replace("{drill}", str(self.folder))
        )


PRIMITIVES: dict[str, Callable] = {}


def primitive(fn: Callable) -> Callable:
    PRIMITIVES[fn.__name__] = fn
    return fn


@primitive
def stop_node(ctx: FaultContext, node: int) -> None:
    ctx.env.stop_node(node)
    ctx.facts.setdefault("stopped_nodes", []).append(node)


@primitive
def kill_node(ctx: FaultContext, node: int) -> None:
    ctx.env.kill_node(node)
    ctx.facts.setdefault("stopped_nodes", []).append(node)


@primitive
def start_node(ctx: FaultContext, node: int) -> None:
    ctx.env.start_node(node)


@primitive
def create_topic(
    ctx: FaultContext,
    topic: str,
    partitions: int = 1,
    replication_factor: int = 3,
    replica_assignment: list | None = None,
    config: dict | None = None,
) -> None:
    info = ctx.cluster.create_topic(
        topic,
        partitions=partitions,
        replication_factor=replication_factor,
        replica_assignment=replica_assignment,
        config={k: str(v) for k, v in (config or {}).items()},
    )
    ctx.facts.setdefault("topics", {})[topic] = {
        "id": info.id,
        "partitions": len(info.partitions),
        "replicas": {str(p.id): list(p.replicas) for p in info.partitions},
    }


@primitive
def alter_topic_config(ctx: FaultContext, topic: str, config: dict) -> None:
    ctx.cluster.alter_config("topic", topic, {k: None if v is None else str(v) for k, v in config.items()})


@primitive
def alter_broker_config(ctx: FaultContext, config: dict, node: int | None = None) -> None:
    """Dynamic broker config, per node or (node omitted) the cluster-wide default; undone on finish."""
    before = ctx.cluster.dynamic_broker_config(node)
    for name in config:
        ctx.broker_config_undo.append([node, name, before.get(name)])
    ctx.cluster.alter_config(
        "broker", "" if node is None else str(node), {k: str(v) for k, v in config.items()}
    )


@primitive
def reorder_replicas(ctx: FaultContext, topic: str, replicas: list) -> None:
    """Change each partition's replica order (its preferred leader) without moving any data."""
    # The Python client has no partition-reassignment API, so the real tool does it.
    plan = {
        "version": 1,
        "partitions": [{"topic": topic, "partition": p, "replicas": r} for p, r in enumerate(replicas)],
    }
    path = ctx.workspace / "reorder.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    done = ctx.env.run_tool(
        "kafka-reassign-partitions.sh",
        ["--bootstrap-server", ctx.env.bootstrap_servers, "--reassignment-json-file", str(path), "--execute"],
    )
    path.unlink(missing_ok=True)
    if done.returncode != 0:
        raise StudyError(f"could not reorder replicas of {topic}: {done.stderr.strip()[-400:]}")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        info = ctx.cluster.describe_topic(topic)
        if [list(p.replicas) for p in info.partitions] == [list(r) for r in replicas]:
            break
        time.sleep(0.2)
    else:
        raise StudyError(f"the replica order of {topic} did not change in time")
    ctx.facts.setdefault("topics", {}).setdefault(topic, {})["replicas"] = {
        str(p): list(r) for p, r in enumerate(replicas)
    }


def _render(template: str | None, i: int) -> bytes | None:
    if template is None:
        return None
    return template.replace("{i}", str(i)).encode()


@primitive
def produce(
    ctx: FaultContext,
    topic: str,
    count: int,
    value: str = "record {i}",
    key: str | None = None,
    partition: int | None = None,
    poison: list | None = None,
    start_seconds_ago: float | None = None,
    start_ms: int | None = None,
    step_ms: int = 0,
) -> None:
    """Produce `count` records (keys/values from templates with {i}); `poison` lists
    {at = i, value_hex = "..."} records that replace record i with raw, undecodable bytes.
    With start_ms (or start_seconds_ago), record i gets the timestamp start + i * step_ms."""
    poison_at = {int(p["at"]): bytes.fromhex(p["value_hex"]) for p in (poison or [])}
    producer = ctx.cluster.producer(acks="all", **{"enable.idempotence": True, "linger.ms": 5})
    delivered: list = []
    failures: list = []

    def on_delivery(err, msg):
        if err is not None:
            failures.append(err)
        else:
            delivered.append((msg.partition(), msg.offset(), msg.key(), msg.value(), msg.timestamp()[1]))

    base_ms = start_ms
    if base_ms is None and start_seconds_ago is not None:
        base_ms = int((clock.now().timestamp() - float(start_seconds_ago)) * 1000)
    for i in range(count):
        kwargs = {
            "key": _render(key, i),
            "value": poison_at.get(i, _render(value, i)),
            "on_delivery": on_delivery,
        }
        if partition is not None:
            kwargs["partition"] = partition
        if base_ms is not None:
            kwargs["timestamp"] = base_ms + i * step_ms
        producer.produce(topic, **kwargs)
        if i % 1000 == 999:
            producer.poll(0)
    producer.flush(60)
    if failures or len(delivered) != count:
        raise StudyError(f"could not produce the drill's records to {topic}: {failures[:1] or 'timed out'}")
    by_partition: dict[int, list] = {}
    for p, offset, k, v, ts in delivered:
        by_partition.setdefault(p, []).append((offset, k, v, ts))
    for records in by_partition.values():
        records.sort()
    produced = ctx.facts.setdefault("produced", {}).setdefault(topic, {"ranges": {}})
    for p, records in by_partition.items():
        start, end = produced["ranges"].get(str(p), [records[0][0], records[0][0]])
        produced["ranges"][str(p)] = [min(start, records[0][0]), max(end, records[-1][0] + 1)]
    produced["count"] = produced.get("count", 0) + count
    ranges = {int(p): tuple(r) for p, r in produced["ranges"].items()}
    produced["digest"] = digest(ctx.cluster.read(topic, ranges))
    if poison_at:
        found = [
            {"partition": p, "offset": o, "value_hex": v.hex()}
            for p, o, _k, v, _ts in delivered
            if v in poison_at.values()
        ]
        ctx.facts.setdefault("poison", {})[topic] = sorted(found, key=lambda r: (r["partition"], r["offset"]))
    if base_ms is not None:
        ctx.facts.setdefault("timestamps", {})[topic] = {"base_ms": base_ms, "step_ms": step_ms}


@primitive
def consume_group(ctx: FaultContext, group: str, topic: str, timeout: float = 60.0) -> None:
    """A real consumer in `group` reads `topic` to its end and commits, then leaves."""
    info = ctx.cluster.describe_topic(topic)
    ends = {p: hi for p, (_lo, hi) in ctx.cluster.watermarks(topic, [p.id for p in info.partitions]).items()}
    consumer = ctx.cluster.consumer(group, **{"enable.partition.eof": True})
    try:
        consumer.subscribe([topic])
        remaining = {p for p, end in ends.items() if end > 0}
        deadline = time.monotonic() + timeout
        while remaining and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None or msg.error():
                continue
            if msg.offset() + 1 >= ends[msg.partition()]:
                remaining.discard(msg.partition())
        from confluent_kafka import TopicPartition

        consumer.commit(
            offsets=[TopicPartition(topic, p, end) for p, end in ends.items()], asynchronous=False
        )
    finally:
        consumer.close()
    ctx.facts.setdefault("groups", {})[group] = {str(p): end for p, end in ends.items()}


def _background(ctx: FaultContext, name: str, script: str, config: dict, wait: str, timeout: float) -> None:
    script_path = ctx.folder / script
    if not script_path.is_file():
        raise StudyError(f"drill script {script_path} is missing")
    config_path = ctx.workspace / f"{name}.properties"
    lines = [
        f"{k}={ctx.substitute(str(v))}" for k, v in {"bootstrap.servers": "{bootstrap}", **config}.items()
    ]
    config_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The script also exits once the environment's state file is gone (`study env down`).
    env_state = Path(ctx.env.state["env_dir"]) / "state.json"
    record = processes.start(
        name, script_path, config_path, ctx.workspace, {"DRILL_ENV_STATE": str(env_state)}
    )
    ctx.processes.append(record)
    if wait == "exit":
        if not processes.wait_exit(record, timeout):
            raise StudyError(f"drill process {name} did not reach its fault state in {timeout:.0f}s")
    elif wait == "log":
        # The script prints a line starting with "READY" once its fault is in place.
        deadline = time.monotonic() + timeout
        while "READY" not in processes.log_tail(record, 200):
            if not processes.is_running(record):
                raise StudyError(f"drill process {name} exited early:\n{processes.log_tail(record)}")
            if time.monotonic() > deadline:
                raise StudyError(f"drill process {name} did not get ready in {timeout:.0f}s")
            time.sleep(0.2)


@primitive
def background_consumer(
    ctx: FaultContext,
    name: str,
    script: str,
    config: dict,
    wait: str = "none",
    timeout: float = 60.0,
    group: str | None = None,  # the group it joins; listed so cleanup deletes it
) -> None:
    _background(ctx, name, script, config, wait, timeout)


# Same mechanism; the two names say in the drill file what the process does.
PRIMITIVES["background_producer"] = background_consumer


@primitive
def python(ctx: FaultContext, file: str, function: str = "inject", **kwargs) -> None:
    """A few lines of drill-specific code: `function(ctx, **kwargs)` from a file in the drill folder."""
    path = ctx.folder / file
    spec = importlib.util.spec_from_file_location(f"drill_fault_{path.parent.name}", path)
    if spec is None or spec.loader is None:
        raise StudyError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    getattr(module, function)(ctx, **kwargs)


def inject(ctx: FaultContext, faults: list[dict]) -> None:
    for index, fault in enumerate(faults, 1):
        params = {k: v for k, v in fault.items() if k != "do"}
        try:
            PRIMITIVES[fault["do"]](ctx, **params)
        except StudyError:
            raise
        except Exception as err:  # a broken drill or a cluster that refused: say which step
            raise StudyError(
                f"injecting fault #{index} ({fault['do']}) failed: {err}",
                hint="`study drill reset` tries again from a clean environment; `study env status` shows the nodes",
            ) from None
