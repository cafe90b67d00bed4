"""The Level 3 drill definitions, without a cluster: shape, briefings, and the schema story each tells
(checked with the same Avro checker that `study schema check` uses)."""

from __future__ import annotations

import pytest

from studycli.drill import definition
from studycli.schema.compat import AvroSchema, Level, check

SCHEMA_DRILLS = {
    "incompatible-schema-deploy": ["default", "NONE", "BACKWARD_TRANSITIVE"],
    "transitive-schema-trap": ["BACKWARD_TRANSITIVE", "union", "TRANSITIVE"],
    "deleted-schema-version": ["register it again", "auto.register.schemas=true", "re-register"],
}


def schema(drill_id: str, name: str) -> AvroSchema:
    return AvroSchema((definition.get(drill_id).folder / name).read_text(), origin=name)


@pytest.mark.parametrize("drill_id", sorted(SCHEMA_DRILLS))
def test_shipped_valid_and_uses_real_tools(drill_id):
    drill = definition.get(drill_id)
    assert drill.level == 3 and drill.topology == "kafka+registry"
    assert drill.hints and drill.faults and drill.related_cards
    solution = drill.solution()
    assert "curl" in solution and "$SCHEMA_REGISTRY_URL" in solution


@pytest.mark.parametrize("drill_id", sorted(SCHEMA_DRILLS))
def test_briefing_gives_symptoms_not_the_fix(drill_id):
    text = definition.get(drill_id).briefing()
    for word in SCHEMA_DRILLS[drill_id]:
        assert word not in text, f"{drill_id} briefing gives away {word!r}"


def test_deploy_story_new_schema_breaks_backward_only():
    v1, v2 = (
        schema("incompatible-schema-deploy", "order-v1.avsc"),
        schema("incompatible-schema-deploy", "order-v2.avsc"),
    )
    verdict = check(v2, [("v1", v1)], Level.BACKWARD)
    assert not verdict.compatible
    assert {f.rule for r in verdict.resolutions for f in r.failures} == {"READER_FIELD_MISSING_DEFAULT_VALUE"}
    assert check(v2, [("v1", v1)], Level.FORWARD).compatible


def test_transitive_story_each_step_passes_backward_but_not_transitively():
    v1, v2, v3 = (schema("transitive-schema-trap", f"payment-v{n}.avsc") for n in (1, 2, 3))
    assert check(v2, [("v1", v1)], Level.BACKWARD).compatible
    assert check(v3, [("v1", v1), ("v2", v2)], Level.BACKWARD).compatible
    transitive = check(v3, [("v1", v1), ("v2", v2)], Level.BACKWARD_TRANSITIVE)
    assert [(r.writer, r.compatible) for r in transitive.resolutions] == [("v2", True), ("v1", False)]


def test_deleted_version_story_v2_is_a_compatible_next_version():
    v1, v2 = (schema("deleted-schema-version", f"shipment-v{n}.avsc") for n in (1, 2))
    assert check(v2, [("v1", v1)], Level.FULL).compatible
