"""Avro evolution cases shared by the pure checker tests and the live registry tests.

Each case is a history of schemas (oldest first; the last one is the new schema) and, per level, whether
registering the new schema is allowed. The expectations come from the Avro resolution rules and
Confluent's level definitions; the live tests hold the real registry AND `study schema check` to them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

LEVELS = (
    "BACKWARD",
    "BACKWARD_TRANSITIVE",
    "FORWARD",
    "FORWARD_TRANSITIVE",
    "FULL",
    "FULL_TRANSITIVE",
    "NONE",
)


def record(*fields: dict, name: str = "Order") -> str:
    return json.dumps({"type": "record", "name": name, "namespace": "shop", "fields": list(fields)})


def f(name: str, type_, **extra) -> dict:
    return {"name": name, "type": type_, **extra}


def status(*symbols: str, **extra) -> dict:
    return {"type": "enum", "name": "Status", "symbols": list(symbols), **extra}


ID = f("id", "int")


@dataclass(frozen=True)
class Case:
    name: str
    history: tuple[str, ...]  # schema texts, oldest first; the last is the new one
    allowed: dict[str, bool]  # level -> may the last schema be registered?
    failing_rule: str | None = None  # the Avro rule the checker must name when a direction fails


def two_versions(name, old, new, backward_ok, forward_ok, rule=None) -> Case:
    """With a single earlier version, transitive levels equal their plain forms."""
    full_ok = backward_ok and forward_ok
    allowed = {
        "BACKWARD": backward_ok,
        "BACKWARD_TRANSITIVE": backward_ok,
        "FORWARD": forward_ok,
        "FORWARD_TRANSITIVE": forward_ok,
        "FULL": full_ok,
        "FULL_TRANSITIVE": full_ok,
        "NONE": True,
    }
    return Case(name, (old, new), allowed, rule)


def three_versions(name, history, latest_ok: dict[str, bool], rule=None) -> Case:
    """latest_ok: verdict per plain level (vs the latest); transitive ones are given explicitly too."""
    return Case(name, tuple(history), {**latest_ok, "NONE": True}, rule)


CASES = [
    two_versions(
        "add field with default",
        record(ID),
        record(ID, f("email", "string", default="")),
        backward_ok=True,
        forward_ok=True,
    ),
    two_versions(
        "add field without default",
        record(ID),
        record(ID, f("email", "string")),
        backward_ok=False,
        forward_ok=True,
        rule="READER_FIELD_MISSING_DEFAULT_VALUE",
    ),
    two_versions(
        "remove field with default",
        record(ID, f("email", "string", default="")),
        record(ID),
        backward_ok=True,
        forward_ok=True,
    ),
    two_versions(
        "remove field without default",
        record(ID, f("email", "string")),
        record(ID),
        backward_ok=True,
        forward_ok=False,
        rule="READER_FIELD_MISSING_DEFAULT_VALUE",
    ),
    two_versions(
        "int to long",
        record(f("id", "int")),
        record(f("id", "long")),
        backward_ok=True,
        forward_ok=False,
        rule="TYPE_MISMATCH",
    ),
    two_versions(
        "long to int",
        record(f("id", "long")),
        record(f("id", "int")),
        backward_ok=False,
        forward_ok=True,
        rule="TYPE_MISMATCH",
    ),
    two_versions(
        "float to double",
        record(ID, f("price", "float")),
        record(ID, f("price", "double")),
        backward_ok=True,
        forward_ok=False,
        rule="TYPE_MISMATCH",
    ),
    two_versions(
        "int to string",
        record(ID, f("qty", "int")),
        record(ID, f("qty", "string")),
        backward_ok=False,
        forward_ok=False,
        rule="TYPE_MISMATCH",
    ),
    two_versions(
        "string to bytes",
        record(ID, f("note", "string")),
        record(ID, f("note", "bytes")),
        backward_ok=True,
        forward_ok=True,
    ),
    two_versions(
        "enum add symbol",
        record(ID, f("status", status("NEW", "PAID"))),
        record(ID, f("status", status("NEW", "PAID", "SHIPPED"))),
        backward_ok=True,
        forward_ok=False,
        rule="MISSING_ENUM_SYMBOLS",
    ),
    two_versions(
        "enum remove symbol",
        record(ID, f("status", status("NEW", "PAID", "SHIPPED"))),
        record(ID, f("status", status("NEW", "PAID"))),
        backward_ok=False,
        forward_ok=True,
        rule="MISSING_ENUM_SYMBOLS",
    ),
    two_versions(
        "enum add symbol, reader enum has a default",
        record(ID, f("status", status("UNKNOWN", "NEW", "PAID", default="UNKNOWN"))),
        record(ID, f("status", status("UNKNOWN", "NEW", "PAID", "SHIPPED", default="UNKNOWN"))),
        backward_ok=True,
        forward_ok=True,
    ),
    two_versions(
        "union widening",
        record(ID, f("ref", ["null", "string"], default=None)),
        record(ID, f("ref", ["null", "string", "long"], default=None)),
        backward_ok=True,
        forward_ok=False,
        rule="MISSING_UNION_BRANCH",
    ),
    two_versions(
        "plain type to nullable union",
        record(ID, f("ref", "string")),
        record(ID, f("ref", ["null", "string"], default=None)),
        backward_ok=True,
        forward_ok=False,
        rule="TYPE_MISMATCH",
    ),
    two_versions(
        "record renamed",
        record(ID),
        record(ID, name="Purchase"),
        backward_ok=False,
        forward_ok=False,
        rule="NAME_MISMATCH",
    ),
    # v3 reads v2 (name missing -> default) but not v1 (name was a string).
    three_versions(
        "backward transitive trap",
        [record(ID, f("name", "string")), record(ID), record(ID, f("name", "int", default=0))],
        {
            "BACKWARD": True,
            "BACKWARD_TRANSITIVE": False,
            "FORWARD": True,
            "FORWARD_TRANSITIVE": False,
            "FULL": True,
            "FULL_TRANSITIVE": False,
        },
        rule="TYPE_MISMATCH",
    ),
    # v2 reads v3 (name falls back to its default); v1 has no default for name.
    three_versions(
        "forward transitive trap",
        [record(ID, f("name", "string")), record(ID, f("name", "string", default="")), record(ID)],
        {
            "BACKWARD": True,
            "BACKWARD_TRANSITIVE": True,
            "FORWARD": True,
            "FORWARD_TRANSITIVE": False,
            "FULL": True,
            "FULL_TRANSITIVE": False,
        },
        rule="READER_FIELD_MISSING_DEFAULT_VALUE",
    ),
]
