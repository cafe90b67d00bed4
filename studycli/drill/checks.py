"""What a drill's check.py receives: the live cluster, the facts the faults recorded, and the
shared conditions (data survived, safeguards still on) every honest check needs.

A check returns a list of unmet conditions, each one sentence that states what is still
wrong, never how to fix it. An empty list means fixed.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from confluent_kafka import KafkaException

from studycli.drill.cluster import SETTLING_ERRORS, Cluster, ClusterUnavailable, TopicInfo, digest
from studycli.errors import StudyError


@dataclass
class CheckContext:
    env: object
    cluster: Cluster
    facts: dict
    workspace: Path

    def topic(self, name: str) -> TopicInfo | None:
        return self.cluster.describe_topic(name)

    def topic_intact(self, name: str) -> list[str]:
        """The topic the faults created still exists (same topic id) with every produced record."""
        info = self.cluster.describe_topic(name)
        if info is None:
            return [f"topic {name} does not exist"]
        created = self.facts.get("topics", {}).get(name, {})
        if created.get("id") and created["id"] != info.id:
            return [
                f"topic {name} is not the original topic (it was deleted and recreated): its records are gone"
            ]
        produced = self.facts.get("produced", {}).get(name)
        if not produced:
            return []
        ranges = {int(p): tuple(r) for p, r in produced["ranges"].items()}
        try:
            marks = self.cluster.watermarks(name, list(ranges))
        except KafkaException as err:
            if err.args[0].code() in SETTLING_ERRORS:
                return [
                    f"topic {name} cannot serve reads: a partition leader's high watermark is not advancing"
                ]
            raise
        lost = [p for p, (start, end) in ranges.items() if marks[p][0] > start or marks[p][1] < end]
        if lost:
            return [f"topic {name} has lost records on partition(s) {', '.join(map(str, sorted(lost)))}"]
        if digest(self.cluster.read(name, ranges)) != produced["digest"]:
            return [f"topic {name} no longer holds the records it held when the incident began"]
        return []

    def safeguards(self, name: str, min_isr: int = 2, replication_factor: int = 3) -> list[str]:
        """Durability settings that a "fix" must not switch off."""
        unmet = []
        config = self.cluster.topic_config(name)
        if config.get("unclean.leader.election.enable") == "true":
            unmet.append(
                f"topic {name} allows unclean leader election, so an out-of-sync replica may lose data"
            )
        try:
            effective = int(config.get("min.insync.replicas") or 1)
        except ValueError:
            effective = 1
        if effective < min_isr:
            unmet.append(
                f"topic {name} accepts acks=all writes with only {effective} in-sync replica(s); "
                f"durability needs at least {min_isr}"
            )
        info = self.cluster.describe_topic(name)
        if info and min(info.replication_factors, default=0) < replication_factor:
            unmet.append(f"topic {name} keeps fewer than {replication_factor} copies of some partitions")
        return unmet


def load_check(path: Path):
    spec = importlib.util.spec_from_file_location(f"drill_check_{path.parent.name}", path)
    if spec is None or spec.loader is None:
        raise StudyError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as err:  # a broken drill file must not show a traceback
        raise StudyError(f"{path} failed to load: {err}") from None
    if not callable(getattr(module, "check", None)):
        raise StudyError(f"{path} has no check(ctx) function")
    return module.check


def run_check(check_path: Path, ctx: CheckContext) -> list[str]:
    check = load_check(check_path)
    try:
        unmet = check(ctx)
    except ClusterUnavailable as err:
        return [f"the cluster does not answer ({err}); is the environment running? (`study env status`)"]
    except KafkaException as err:
        return [f"the cluster refused a read the check needs: {err.args[0].str() if err.args else err}"]
    if not isinstance(unmet, list) or not all(isinstance(u, str) for u in unmet):
        raise StudyError(f"{check_path}: check() must return a list of strings")
    return unmet
