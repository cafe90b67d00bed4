"""A live registry and Avro records on a live cluster, as drills' faults and checks need them.

Thin helpers over confluent-kafka's SchemaRegistryClient, AvroSerializer and AvroDeserializer (and plain
HTTP for the few calls the client lacks), so a drill's check reads as the condition it states.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from studycli.errors import StudyError
from studycli.schema.compat import AvroSchema, Level, check

BACKWARD_SAFE = {"BACKWARD", "BACKWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"}
TRANSITIVE_BACKWARD = {"BACKWARD_TRANSITIVE", "FULL_TRANSITIVE"}

_quiet = logging.getLogger("studycli.schema.kafka-client")
_quiet.addHandler(logging.NullHandler())
_quiet.propagate = False


def same_schema(a: str, b: str) -> bool:
    """Equal as Avro schemas (whitespace and key order aside)."""
    return json.dumps(AvroSchema(a).root, sort_keys=True) == json.dumps(AvroSchema(b).root, sort_keys=True)


class Registry:
    def __init__(self, url: str):
        from confluent_kafka.schema_registry import SchemaRegistryClient

        if not url:
            raise StudyError("this environment has no Schema Registry", hint="study env up kafka+registry")
        self.url = url.rstrip("/")
        self.client = SchemaRegistryClient({"url": self.url, "timeout": 30})

    # --- plain HTTP, for what the client does not expose -------------------------------------------
    def http(self, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/vnd.schemaregistry.v1+json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            try:
                return err.code, json.loads(err.read() or b"null")
            except ValueError:
                return err.code, None
        except (urllib.error.URLError, OSError) as err:
            raise StudyError(f"the Schema Registry at {self.url} does not answer: {err}") from None

    # --- subjects --------------------------------------------------------------------------------
    def reset_subject(self, subject: str) -> None:
        """Remove a subject for good (soft, then permanent delete) and its own compatibility level."""
        self.http("DELETE", f"/subjects/{subject}")
        self.http("DELETE", f"/subjects/{subject}?permanent=true")
        self.http("DELETE", f"/config/{subject}")

    def register(self, subject: str, schema: str) -> int:
        status, body = self.http("POST", f"/subjects/{subject}/versions", {"schema": schema})
        if status != 200:
            raise StudyError(f"registering under {subject} failed: HTTP {status} {body}")
        return body["id"]

    def try_register(self, subject: str, schema: str) -> tuple[int | None, str]:
        status, body = self.http("POST", f"/subjects/{subject}/versions", {"schema": schema})
        if status == 200:
            return body["id"], ""
        return (
            None,
            f"HTTP {status} error_code {body.get('error_code') if isinstance(body, dict) else '?'}: "
            + (body.get("message", "") if isinstance(body, dict) else ""),
        )

    def set_level(self, level: str, subject: str | None = None) -> None:
        path = f"/config/{subject}" if subject else "/config"
        status, body = self.http("PUT", path, {"compatibility": level})
        if status != 200:
            raise StudyError(f"setting {level} on {subject or 'the registry'} failed: HTTP {status} {body}")

    def global_level(self) -> str:
        status, body = self.http("GET", "/config")
        return body["compatibilityLevel"] if status == 200 else "UNKNOWN"

    def subject_level(self, subject: str) -> str:
        """The level in force for the subject: its own, else the global one (either registry's answer)."""
        status, body = self.http("GET", f"/config/{subject}?defaultToGlobal=true")
        if status == 200 and isinstance(body, dict) and body.get("compatibilityLevel"):
            return body["compatibilityLevel"]
        return self.global_level()

    def versions(self, subject: str) -> list[int]:
        status, body = self.http("GET", f"/subjects/{subject}/versions")
        return sorted(body) if status == 200 else []

    def version(self, subject: str, version: int | str) -> tuple[int, str] | None:
        """(schema id, schema text) of a live version, or None."""
        status, body = self.http("GET", f"/subjects/{subject}/versions/{version}")
        if status != 200:
            return None
        return body["id"], body["schema"]

    def schema_by_id(self, schema_id: int) -> str | None:
        status, body = self.http("GET", f"/schemas/ids/{schema_id}")
        return body["schema"] if status == 200 else None

    def lookup(self, subject: str, schema: str) -> int | None:
        """The version under which `schema` is registered in `subject` (what a serializer with
        auto-registration off asks), or None."""
        status, body = self.http("POST", f"/subjects/{subject}", {"schema": schema})
        return body["version"] if status == 200 else None

    # --- conditions checks share -----------------------------------------------------------------
    def history_kept(self, subject: str, originals: dict[str, str]) -> list[str]:
        """Versions recorded at injection (number -> schema) are still there, unchanged."""
        unmet = []
        live = self.versions(subject)
        if not live:
            return [f"subject {subject} has no versions: its history was deleted"]
        for number, schema in sorted(originals.items(), key=lambda kv: int(kv[0])):
            found = self.version(subject, int(number)) if int(number) in live else None
            if found is None or not same_schema(found[1], schema):
                unmet.append(
                    f"subject {subject} no longer has its original version {number}: "
                    "its history was deleted or rewritten"
                )
        return unmet

    def levels_safe(self, subject: str, allowed: set[str]) -> list[str]:
        unmet = []
        level = self.subject_level(subject)
        if level not in allowed:
            unmet.append(
                f"subject {subject} is at compatibility {level}; it must be one of {sorted(allowed)}"
            )
        global_level = self.global_level()
        if global_level not in BACKWARD_SAFE:
            unmet.append(
                f"the registry's global compatibility is {global_level}: every other subject lost its check"
            )
        return unmet

    def latest_compatible(self, subject: str, level: str) -> list[str]:
        """The latest version is compatible with the earlier live versions at `level` (our checker)."""
        numbers = self.versions(subject)
        if len(numbers) < 2:
            return []
        schemas = [(f"version {n}", AvroSchema(self.version(subject, n)[1])) for n in numbers]
        verdict = check(schemas[-1][1], schemas[:-1], Level.parse(level), new_label=schemas[-1][0])
        return [
            f"subject {subject}: {r.reader} cannot read data written by {r.writer} ({f.rule} at {f.location})"
            for r in verdict.resolutions
            for f in r.failures
        ]


@dataclass
class Unreadable:
    partition: int
    offset: int
    writer_id: int | None
    error: str


def avro_producer_records(
    bootstrap: str, registry: Registry, topic: str, schema: str, values: list[dict]
) -> int:
    """Produce `values` with AvroSerializer, the schema already registered (auto-registration off)."""
    from confluent_kafka import Producer
    from confluent_kafka.schema_registry.avro import AvroSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    serialize = AvroSerializer(registry.client, schema, conf={"auto.register.schemas": False})
    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "logger": _quiet})
    failures = []
    ctx = SerializationContext(topic, MessageField.VALUE)
    for value in values:
        producer.produce(
            topic, value=serialize(value, ctx), on_delivery=lambda err, _m: err and failures.append(err)
        )
    remaining = producer.flush(60)
    if failures or remaining:
        raise StudyError(f"could not produce Avro records to {topic}: {failures[:1] or 'timed out'}")
    return len(values)


def read_back(
    bootstrap: str, registry: Registry, topic: str, reader_schema: str
) -> tuple[int, list[Unreadable]]:
    """Read every record of `topic` through `reader_schema` (writer schema found by the record's id).

    Returns (records read fine, records that could not be read).
    """
    from confluent_kafka import Consumer, TopicPartition
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    deserialize = AvroDeserializer(registry.client, reader_schema)
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "study-schema-check",
            "enable.auto.commit": False,
            "enable.partition.eof": True,
            "logger": _quiet,
        }
    )
    try:
        metadata = consumer.list_topics(topic, timeout=15)
        partitions = sorted(metadata.topics[topic].partitions) if topic in metadata.topics else []
        ends = {}
        for p in partitions:
            low, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=15)
            if high > low:
                ends[p] = (low, high)
        consumer.assign([TopicPartition(topic, p, low) for p, (low, _high) in ends.items()])
        ok, bad = 0, []
        remaining = {p for p in ends}
        ctx = SerializationContext(topic, MessageField.VALUE)
        import time

        deadline = time.monotonic() + 60
        while remaining and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == msg.error()._PARTITION_EOF:
                    remaining.discard(msg.partition())
                continue
            value = msg.value()
            writer_id = int.from_bytes(value[1:5], "big") if value and len(value) >= 5 else None
            try:
                deserialize(value, ctx)
                ok += 1
            except Exception as err:  # SerializationError and fastavro's schema-resolution errors
                bad.append(Unreadable(msg.partition(), msg.offset(), writer_id, str(err)[:200]))
            if msg.offset() + 1 >= ends[msg.partition()][1]:
                remaining.discard(msg.partition())
    finally:
        consumer.close()
    return ok, bad
