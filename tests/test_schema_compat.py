"""`study schema check` and the pure Avro compatibility checker, without a registry."""

from __future__ import annotations

import json

import pytest
from schema_cases import CASES, ID, LEVELS, f, record

from studycli.cli import main
from studycli.errors import StudyError
from studycli.schema.compat import AvroSchema, Level, check, resolve


def verdict(case, level: str):
    schemas = [AvroSchema(text) for text in case.history]
    previous = [(f"version {i + 1}", s) for i, s in enumerate(schemas[:-1])]
    return check(schemas[-1], previous, Level.parse(level))


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_verdict_matches_avro_rules(case, level):
    assert verdict(case, level).compatible is case.allowed[level]


@pytest.mark.parametrize("case", [c for c in CASES if c.failing_rule], ids=lambda c: c.name)
def test_failure_names_the_rule(case):
    for level in LEVELS:
        result = verdict(case, level)
        if not result.compatible:
            rules = {f.rule for r in result.resolutions for f in r.failures}
            assert rules == {case.failing_rule}, level


def test_explains_field_by_field():
    old = AvroSchema(record(f("id", "int"), f("note", "string")))
    new = AvroSchema(record(f("id", "long"), f("email", "string")))
    findings = {x.location: x for x in resolve(new, old, "new", "old").findings}
    assert findings["/fields/id/type"].ok and "promoted" in findings["/fields/id/type"].message
    assert findings["/fields/email"].rule == "READER_FIELD_MISSING_DEFAULT_VALUE"
    assert findings["/fields/note"].ok and "skips" in findings["/fields/note"].message


def test_nested_record_and_array_locations():
    item_v1 = {"type": "record", "name": "Item", "fields": [f("sku", "string")]}
    item_v2 = {"type": "record", "name": "Item", "fields": [f("sku", "string"), f("qty", "int")]}
    old = AvroSchema(record(ID, f("items", {"type": "array", "items": item_v1})))
    new = AvroSchema(record(ID, f("items", {"type": "array", "items": item_v2})))
    failures = resolve(new, old, "new", "old").failures
    assert [(x.location, x.rule) for x in failures] == [
        ("/fields/items/type/items/fields/qty", "READER_FIELD_MISSING_DEFAULT_VALUE")
    ]


def test_recursive_type_terminates():
    node = {
        "type": "record",
        "name": "Node",
        "fields": [f("value", "int"), f("next", ["null", "Node"], default=None)],
    }
    schema = AvroSchema(json.dumps(node))
    assert resolve(schema, schema, "a", "b").compatible


def test_field_alias_reads_renamed_field():
    old = AvroSchema(record(ID, f("name", "string")))
    new = AvroSchema(record(ID, f("full_name", "string", aliases=["name"])))
    assert resolve(new, old, "new", "old").compatible
    assert not resolve(old, new, "old", "new").compatible


def test_named_type_reference_is_followed():
    money = {"type": "fixed", "name": "Money", "size": 8}
    old = AvroSchema(record(f("price", money), f("tax", "shop.Money")))
    new = AvroSchema(record(f("price", {**money, "size": 16}), f("tax", "shop.Money")))
    rules = {(x.location, x.rule) for x in resolve(new, old, "new", "old").failures}
    assert rules == {("/fields/price/type/size", "FIXED_SIZE_MISMATCH")}


def test_no_history_and_none_are_compatible():
    new = AvroSchema(record(ID))
    assert check(new, [], Level.BACKWARD).compatible
    old = AvroSchema(record(f("id", "string")))
    assert check(new, [("v1", old)], Level.NONE).compatible
    assert not check(new, [("v1", old)], Level.BACKWARD).compatible


def test_invalid_schema_is_a_clear_error():
    with pytest.raises(StudyError, match="not valid JSON"):
        AvroSchema("{oops", origin="bad.avsc")
    with pytest.raises(StudyError, match="not a valid Avro schema"):
        AvroSchema('{"type": "record", "name": "X", "fields": [{"name": "a", "type": "nope"}]}')
    with pytest.raises(StudyError, match="unknown compatibility level"):
        Level.parse("SIDEWAYS")


# --- the command --------------------------------------------------------------------------------


def run(capsys, *argv) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
        raise SystemExit(0)
    out = capsys.readouterr()
    return exc.value.code or 0, out.out, out.err


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_cli_incompatible_exits_1_and_names_rule(tmp_path, capsys):
    old = write(tmp_path, "old.avsc", record(ID))
    new = write(tmp_path, "new.avsc", record(ID, f("email", "string")))
    code, out, _ = run(capsys, "schema", "check", old, new)
    assert code == 1
    assert "READER_FIELD_MISSING_DEFAULT_VALUE" in out and "/fields/email" in out
    assert "incompatible at BACKWARD" in out


def test_cli_json_and_levels(tmp_path, capsys):
    old = write(tmp_path, "old.avsc", record(f("id", "int")))
    new = write(tmp_path, "new.avsc", record(f("id", "long")))
    code, out, _ = run(capsys, "schema", "check", old, new, "--level", "backward", "--json")
    assert code == 0 and json.loads(out)["compatible"] is True
    code, out, _ = run(capsys, "schema", "check", old, new, "--level", "FULL", "--json")
    doc = json.loads(out)
    assert code == 1 and doc["level"] == "FULL" and doc["compatible"] is False
    assert [c["compatible"] for c in doc["checks"]] == [True, False]


def test_cli_transitive_with_three_files(tmp_path, capsys):
    trap = next(c for c in CASES if c.name == "backward transitive trap")
    files = [write(tmp_path, f"v{i + 1}.avsc", text) for i, text in enumerate(trap.history)]
    assert run(capsys, "schema", "check", *files)[0] == 0
    code, out, _ = run(capsys, "schema", "check", *files, "--level", "BACKWARD_TRANSITIVE")
    assert code == 1 and "v1 v1.avsc" in out


def test_cli_errors_are_clean(tmp_path, capsys):
    good = write(tmp_path, "good.avsc", record(ID))
    bad = write(tmp_path, "bad.avsc", "{not json")
    code, out, err = run(capsys, "schema", "check", good, str(tmp_path / "missing.avsc"))
    assert code == 1 and "no such file" in err and "Traceback" not in err
    code, out, err = run(capsys, "schema", "check", good, bad)
    assert code == 1 and "not valid JSON" in err
    code, out, err = run(capsys, "schema", "check", good)
    assert code == 1 and "at least two" in err


def test_cli_against_without_registry_is_clean(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("SCHEMA_REGISTRY_URL", raising=False)
    monkeypatch.setenv("STUDY_HOME", str(tmp_path / "home"))
    new = write(tmp_path, "new.avsc", record(ID))
    code, _, err = run(capsys, "schema", "check", new, "--against", "orders-value")
    assert code == 1 and "no Schema Registry" in err


def test_cli_against_unreachable_registry_is_clean(tmp_path, capsys):
    new = write(tmp_path, "new.avsc", record(ID))
    # Port 9 (discard) on loopback: nothing listens there in a test environment.
    code, _, err = run(capsys, "schema", "check", new, "--against", "x", "--registry", "http://127.0.0.1:9")
    assert code == 1 and "cannot reach the registry" in err and "Traceback" not in err
