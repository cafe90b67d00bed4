"""The real registry's compatibility verdicts, and `study schema check` agreeing with every one.

A registry process (Apicurio Registry, Confluent API) is started for this module. For each evolution
case and level, the history is registered, the level is set on the subject, then:
- `study schema check NEW --against SUBJECT --json` gives our verdict (read from the live registry);
- the registry's own verdict is whether registering NEW succeeds (HTTP 200) or is refused (HTTP 409);
- for non-transitive levels, POST /compatibility/.../versions/latest must say the same.
Registry, checker and the Avro rules (schema_cases.py) must all agree: any disagreement fails.
"""

from __future__ import annotations

import json
import uuid

import pytest
from schema_cases import CASES, ID, LEVELS, f, record

from studycli.cli import main

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def sr(registry_url):
    from confluent_kafka.schema_registry import SchemaRegistryClient

    return SchemaRegistryClient({"url": registry_url, "timeout": 30})


def avro(text: str):
    from confluent_kafka.schema_registry import Schema

    return Schema(text, "AVRO")


def register(sr, subject: str, text: str) -> int | str:
    """The schema id, or the registry's error code when it refuses."""
    from confluent_kafka.schema_registry.error import SchemaRegistryError

    try:
        return sr.register_schema(subject, avro(text))
    except SchemaRegistryError as err:
        return f"HTTP {err.http_status_code} / {err.error_code}"


def study_check(capsys, tmp_path, registry_url, subject: str, text: str) -> dict:
    path = tmp_path / f"{uuid.uuid4().hex}.avsc"
    path.write_text(text)
    with pytest.raises(SystemExit) as exc:
        main(["schema", "check", str(path), "--against", subject, "--registry", registry_url, "--json"])
        raise SystemExit(0)
    out = capsys.readouterr()
    doc = json.loads(out.out)
    assert (exc.value.code or 0) == (0 if doc["compatible"] else 1), out.err
    return doc


def prepare_subject(sr, case, level: str) -> str:
    subject = f"{case.name.replace(' ', '-').replace(',', '')}-{level.lower()}-{uuid.uuid4().hex[:8]}-value"
    *history, _new = case.history
    assert isinstance(register(sr, subject, history[0]), int)
    sr.set_compatibility(subject, "NONE")
    for text in history[1:]:
        assert isinstance(register(sr, subject, text), int)
    sr.set_compatibility(subject, level)
    return subject


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_registry_and_study_check_agree(case, level, sr, registry_url, capsys, tmp_path):
    subject = prepare_subject(sr, case, level)
    new = case.history[-1]
    ours = study_check(capsys, tmp_path, registry_url, subject, new)
    assert ours["level"] == level  # read from the subject's config
    if not level.endswith("_TRANSITIVE"):
        assert sr.test_compatibility(subject, avro(new)) is case.allowed[level]
    outcome = register(sr, subject, new)
    registry_allowed = isinstance(outcome, int)
    assert registry_allowed is case.allowed[level], f"registry: {outcome}"
    assert ours["compatible"] is registry_allowed, json.dumps(ours, indent=1)
    if not registry_allowed:
        assert outcome == "HTTP 409 / 409"  # Confluent: 409 Conflict, error_code 409


def test_global_default_is_backward_and_enforced(sr, registry_url, capsys, tmp_path):
    assert sr.get_compatibility() == "BACKWARD"
    subject = f"global-default-{uuid.uuid4().hex[:8]}-value"
    assert isinstance(register(sr, subject, record(ID)), int)
    breaking = record(ID, f("email", "string"))
    doc = study_check(capsys, tmp_path, registry_url, subject, breaking)
    assert doc["level"] == "BACKWARD" and doc["compatible"] is False
    assert register(sr, subject, breaking) == "HTTP 409 / 409"
    assert isinstance(register(sr, subject, record(ID, f("email", "string", default=""))), int)
    assert sr.get_versions(subject) == [1, 2]


def test_subject_delete_soft_then_permanent(sr):
    subject = f"deletable-{uuid.uuid4().hex[:8]}-value"
    register(sr, subject, record(ID))
    assert sr.delete_subject(subject) == [1]
    assert subject not in sr.get_subjects()
    assert sr.delete_subject(subject, permanent=True) == [1]


def test_avro_serializer_round_trip_through_registry(registry_url):
    """The learner's producer path: AvroSerializer auto-registers, AvroDeserializer fetches by id."""
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    client = SchemaRegistryClient({"url": registry_url, "timeout": 30})
    topic = f"orders-{uuid.uuid4().hex[:8]}"
    ctx = SerializationContext(topic, MessageField.VALUE)
    serializer = AvroSerializer(client, record(ID, f("email", "string", default="")))
    payload = serializer({"id": 7, "email": "a@b.c"}, ctx)
    assert payload[0] == 0  # Confluent wire format: magic byte, 4-byte schema id, Avro body
    assert client.get_versions(f"{topic}-value") == [1]
    assert AvroDeserializer(client)(payload, ctx) == {"id": 7, "email": "a@b.c"}
