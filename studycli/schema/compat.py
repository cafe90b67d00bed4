"""Avro schema compatibility, explained.

Pure: schema text in, findings out. It follows the Avro schema-resolution rules the way Avro's Java
`SchemaCompatibility` applies them, which is what Confluent Schema Registry (and Apicurio's
Confluent-compatible API) use for their verdicts:

- a *reader* schema can decode data written with a *writer* schema when every reader field is found in
  the writer (by name or reader alias) or has a default, every matched type resolves (same type, or one
  of the promotions int->long/float/double, long->float/double, float->double, string<->bytes), named
  types match by unqualified name (or reader alias), fixed sizes match, every writer enum symbol is known
  to the reader (or the reader enum has a default), and every writer union branch is readable;
- BACKWARD: the new schema reads data written with the previous one; FORWARD: the previous schema reads
  data written with the new one; FULL: both. `_TRANSITIVE` checks every earlier version instead of only
  the latest; NONE checks nothing.

fastavro parses the schemas (and so rejects invalid ones).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from studycli.errors import StudyError

PRIMITIVES = ("null", "boolean", "int", "long", "float", "double", "bytes", "string")

# writer type -> reader types that can read it (Avro spec, "Schema Resolution").
PROMOTIONS = {
    "int": ("long", "float", "double"),
    "long": ("float", "double"),
    "float": ("double",),
    "string": ("bytes",),
    "bytes": ("string",),
}


class Level(str, Enum):
    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"
    NONE = "NONE"

    @classmethod
    def parse(cls, text: str) -> Level:
        try:
            return cls(text.strip().upper())
        except ValueError:
            names = ", ".join(level.value for level in cls)
            raise StudyError(f"unknown compatibility level {text!r}", hint=f"use one of: {names}") from None

    @property
    def transitive(self) -> bool:
        return self.value.endswith("_TRANSITIVE")

    @property
    def checks_backward(self) -> bool:
        return self.value.startswith(("BACKWARD", "FULL"))

    @property
    def checks_forward(self) -> bool:
        return self.value.startswith(("FORWARD", "FULL"))


@dataclass(frozen=True)
class Finding:
    """One fact about how the reader resolves the writer: a failure (rule != "OK") or a note."""

    location: str  # JSON-pointer-like path in the reader schema, e.g. /fields/email/type
    rule: str  # Avro's incompatibility type, or OK for a note
    message: str

    @property
    def ok(self) -> bool:
        return self.rule == "OK"


@dataclass
class Resolution:
    """The result of resolving one writer schema with one reader schema."""

    reader: str  # label, e.g. "new"
    writer: str  # label, e.g. "version 2"
    findings: list[Finding] = field(default_factory=list)

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]

    @property
    def compatible(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        return {
            "reader": self.reader,
            "writer": self.writer,
            "compatible": self.compatible,
            "findings": [
                {"location": f.location, "rule": f.rule, "ok": f.ok, "message": f.message}
                for f in self.findings
            ],
        }


@dataclass
class Verdict:
    level: Level
    resolutions: list[Resolution]

    @property
    def compatible(self) -> bool:
        return all(r.compatible for r in self.resolutions)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level.value,
            "compatible": self.compatible,
            "checks": [r.to_dict() for r in self.resolutions],
        }


class AvroSchema:
    """A parsed Avro schema plus the named types it defines, so references can be followed."""

    def __init__(self, source: str | dict | list, origin: str = "schema"):
        import fastavro

        if isinstance(source, str):
            try:
                source = json.loads(source)
            except json.JSONDecodeError as err:
                # A bare primitive name such as `string` is valid Avro schema text too.
                if source.strip() in PRIMITIVES:
                    source = source.strip()
                else:
                    raise StudyError(
                        f"{origin}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})",
                        hint="an .avsc file holds one Avro schema as JSON",
                    ) from None
        self.named: dict[str, Any] = {}
        try:
            self.root = fastavro.parse_schema(source, named_schemas=self.named, _write_hint=False)
        except Exception as err:  # fastavro raises several types (SchemaParseException, ValueError...)
            raise StudyError(f"{origin}: not a valid Avro schema: {err}") from None
        self.origin = origin

    def resolve(self, schema: Any) -> Any:
        """Follow a reference to a named type; anything else is returned as is."""
        if isinstance(schema, str) and schema not in PRIMITIVES:
            return self.named[schema]
        return schema


def _type_name(schema: Any) -> str:
    if isinstance(schema, str):
        return schema
    if isinstance(schema, list):
        return "union"
    return schema["type"]


def _short_name(fullname: str) -> str:
    return fullname.rsplit(".", 1)[-1]


def _aliases(schema: dict) -> set[str]:
    """A named type's aliases, fully qualified with its namespace like Avro's Java Schema.getAliases()."""
    namespace = schema["name"].rsplit(".", 1)[0] if "." in schema["name"] else ""
    out = set()
    for alias in schema.get("aliases", []):
        out.add(alias if "." in alias or not namespace else f"{namespace}.{alias}")
    return out


def _describe(schema: Any) -> str:
    kind = _type_name(schema)
    if kind == "union":
        return "union [" + ", ".join(_describe_ref(branch) for branch in schema) + "]"
    if kind in ("record", "enum", "fixed"):
        return f"{kind} {schema['name']}"
    if kind == "array":
        return f"array<{_describe_ref(schema['items'])}>"
    if kind == "map":
        return f"map<{_describe_ref(schema['values'])}>"
    return kind


def _describe_ref(schema: Any) -> str:
    return schema if isinstance(schema, str) else _describe(schema)


class _Resolver:
    """Walks a reader schema against a writer schema, collecting findings (Avro Java's rules)."""

    def __init__(self, reader: AvroSchema, writer: AvroSchema):
        self.reader = reader
        self.writer = writer
        self.findings: list[Finding] = []
        # Named-type pairs already being compared: recursive types terminate, as in Avro's memo table.
        self._seen: set[tuple[str, str]] = set()

    def fail(self, location: list[str], rule: str, message: str) -> None:
        self.findings.append(Finding("/" + "/".join(location), rule, message))

    def note(self, location: list[str], message: str) -> None:
        self.findings.append(Finding("/" + "/".join(location), "OK", message))

    def compatible(self, reader: Any, writer: Any) -> bool:
        """Whether reader reads writer, without recording anything (used to pick union branches)."""
        probe = _Resolver(self.reader, self.writer)
        probe._seen = set(self._seen)
        probe.check(reader, writer, [])
        return not [f for f in probe.findings if not f.ok]

    def check(self, reader: Any, writer: Any, location: list[str]) -> None:
        reader = self.reader.resolve(reader)
        writer = self.writer.resolve(writer)
        if isinstance(reader, dict) and isinstance(writer, dict) and "name" in reader and "name" in writer:
            pair = (reader["name"], writer["name"])
            if pair in self._seen:
                return  # already compared (or being compared, for a recursive type)
            self._seen.add(pair)

        reader_kind, writer_kind = _type_name(reader), _type_name(writer)
        if reader_kind == writer_kind:
            self._same_kind(reader_kind, reader, writer, location)
            return
        if writer_kind == "union":
            # Every branch the writer may have used must be readable.
            for branch in writer:
                if not self.compatible(reader, branch):
                    self.check(reader, branch, location)
            return
        if reader_kind == "union":
            for branch in reader:
                if self.compatible(branch, writer):
                    return
            self.fail(
                location,
                "MISSING_UNION_BRANCH",
                f"reader {_describe(reader)} has no branch that can read writer type {_describe(writer)}",
            )
            return
        if reader_kind in PROMOTIONS.get(writer_kind, ()):
            self.note(location, f"writer {writer_kind} is promoted to reader {reader_kind}")
            return
        self.fail(
            location,
            "TYPE_MISMATCH",
            f"reader expects {_describe(reader)} but writer wrote {_describe(writer)}; "
            f"Avro resolves {writer_kind} only to {_promotion_text(writer_kind)}",
        )

    def _same_kind(self, kind: str, reader: Any, writer: Any, location: list[str]) -> None:
        if kind in PRIMITIVES:
            return
        if kind == "array":
            self.check(reader["items"], writer["items"], [*location, "items"])
        elif kind == "map":
            self.check(reader["values"], writer["values"], [*location, "values"])
        elif kind == "fixed":
            if self._names_match(reader, writer, location) and reader["size"] != writer["size"]:
                self.fail(
                    [*location, "size"],
                    "FIXED_SIZE_MISMATCH",
                    f"fixed {reader['name']}: reader size {reader['size']}, writer size {writer['size']}",
                )
        elif kind == "enum":
            if self._names_match(reader, writer, location):
                self._enum_symbols(reader, writer, location)
        elif kind == "record":
            if self._names_match(reader, writer, location):
                self._record_fields(reader, writer, location)
        elif kind == "union":
            for branch in writer:
                if not self.compatible(reader, branch):
                    self.fail(
                        location,
                        "MISSING_UNION_BRANCH",
                        f"reader {_describe(reader)} has no branch that can read writer branch "
                        f"{_describe_ref(branch)}",
                    )
            added = [b for b in reader if not any(self._same_branch(b, w) for w in writer)]
            if added and not self.failures_at(location):
                self.note(location, "reader union adds " + ", ".join(_describe_ref(b) for b in added))

    def failures_at(self, location: list[str]) -> bool:
        path = "/" + "/".join(location)
        return any(not f.ok and f.location == path for f in self.findings)

    def _same_branch(self, reader_branch: Any, writer_branch: Any) -> bool:
        reader_branch = self.reader.resolve(reader_branch)
        writer_branch = self.writer.resolve(writer_branch)
        kind = _type_name(reader_branch)
        if kind != _type_name(writer_branch):
            return False
        if kind in ("record", "enum", "fixed"):
            return _short_name(reader_branch["name"]) == _short_name(writer_branch["name"])
        return True

    def _names_match(self, reader: dict, writer: dict, location: list[str]) -> bool:
        if _short_name(reader["name"]) == _short_name(writer["name"]):
            return True
        if writer["name"] in _aliases(reader):
            self.note(location, f"reader {reader['name']} reads {writer['name']} through an alias")
            return True
        self.fail(
            [*location, "name"],
            "NAME_MISMATCH",
            f"reader {reader['type']} is named {reader['name']} but writer's is {writer['name']} "
            "(names must match, or the reader must list the writer's full name in its aliases)",
        )
        return False

    def _enum_symbols(self, reader: dict, writer: dict, location: list[str]) -> None:
        unknown = sorted(set(writer["symbols"]) - set(reader["symbols"]))
        added = [s for s in reader["symbols"] if s not in writer["symbols"]]
        if added:
            self.note([*location, "symbols"], f"reader knows extra symbols {added} (harmless)")
        if not unknown:
            return
        default = reader.get("default")
        if default is not None and default in reader["symbols"]:
            self.note(
                [*location, "symbols"],
                f"writer symbols {unknown} are unknown to the reader and are read as its default {default!r}",
            )
            return
        self.fail(
            [*location, "symbols"],
            "MISSING_ENUM_SYMBOLS",
            f"enum {reader['name']}: writer may write {unknown}, which the reader does not know, "
            "and the reader enum has no default symbol",
        )

    def _record_fields(self, reader: dict, writer: dict, location: list[str]) -> None:
        writer_fields = {f["name"]: f for f in writer["fields"]}
        matched = set()
        for reader_field in reader["fields"]:
            name = reader_field["name"]
            where = [*location, "fields", name]
            writer_field = writer_fields.get(name)
            if writer_field is None:
                for alias in reader_field.get("aliases", []):
                    if alias in writer_fields:
                        writer_field = writer_fields[alias]
                        self.note(where, f"reader field {name!r} reads writer field {alias!r} by alias")
                        break
            if writer_field is None:
                field_type = self.reader.resolve(reader_field["type"])
                if "default" in reader_field:
                    self.note(
                        where,
                        f"field {name!r} is missing in the writer; the reader fills in its default "
                        f"{json.dumps(reader_field['default'])}",
                    )
                elif (
                    isinstance(field_type, dict)
                    and field_type.get("type") == "enum"
                    and "default" in field_type
                ):
                    # Avro's Java checker lets an enum default stand in for a missing field default.
                    self.check(reader_field["type"], writer, [*where, "type"])
                else:
                    self.fail(
                        where,
                        "READER_FIELD_MISSING_DEFAULT_VALUE",
                        f"field {name!r} ({_describe_ref(reader_field['type'])}) exists only in the reader "
                        "and has no default, so the reader cannot fill it in for data the writer wrote",
                    )
                continue
            matched.add(writer_field["name"])
            self.check(reader_field["type"], writer_field["type"], [*where, "type"])
        for name in writer_fields:
            if name not in matched:
                self.note(
                    [*location, "fields", name],
                    f"writer field {name!r} is not in the reader; the reader skips it",
                )


def _promotion_text(writer_kind: str) -> str:
    targets = PROMOTIONS.get(writer_kind)
    return f"{writer_kind} or " + "/".join(targets) if targets else f"{writer_kind} itself"


def resolve(reader: AvroSchema, writer: AvroSchema, reader_label: str, writer_label: str) -> Resolution:
    """Can `reader` decode data written with `writer`? Findings explain each rule applied."""
    walker = _Resolver(reader, writer)
    walker.check(reader.root, writer.root, [])
    return Resolution(reader=reader_label, writer=writer_label, findings=walker.findings)


def check(
    new: AvroSchema,
    previous: list[tuple[str, AvroSchema]],
    level: Level,
    new_label: str = "new",
) -> Verdict:
    """Compatibility of `new` with `previous` (oldest first, as (label, schema)) at `level`.

    Like the registry, non-transitive levels compare with the latest version only, and an empty
    history is always compatible.
    """
    if level is Level.NONE or not previous:
        return Verdict(level, [])
    targets = previous if level.transitive else previous[-1:]
    resolutions = []
    for label, old in reversed(targets):
        if level.checks_backward:
            resolutions.append(resolve(new, old, new_label, label))
        if level.checks_forward:
            resolutions.append(resolve(old, new, label, new_label))
    return Verdict(level, resolutions)
