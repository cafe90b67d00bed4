"""Read a subject's history and compatibility level from a live Confluent-compatible registry."""

from __future__ import annotations

import os
from dataclasses import dataclass

from studycli.errors import StudyError
from studycli.schema.compat import AvroSchema, Level

SUBJECT_CONFIG_NOT_FOUND = 40408  # Confluent: no subject-level compatibility configured
SUBJECT_NOT_FOUND = 40401


@dataclass
class SubjectHistory:
    subject: str
    level: Level
    versions: list[tuple[str, AvroSchema]]  # ("version N", schema), oldest first


def registry_url(explicit: str | None = None) -> str:
    """--registry, else SCHEMA_REGISTRY_URL, else the running `study env`'s registry."""
    if explicit:
        return explicit
    from_env = os.environ.get("SCHEMA_REGISTRY_URL")
    if from_env:
        return from_env
    try:
        from studycli.runtime import environment as envs

        env = envs.current()
    except ImportError:
        env = None
    if env is not None and getattr(env, "registry_url", None):
        return env.registry_url
    raise StudyError(
        "no Schema Registry to check against",
        hint="start one with `study env up kafka+registry`, or pass --registry URL / set SCHEMA_REGISTRY_URL",
    )


def client(url: str):
    from confluent_kafka.schema_registry import SchemaRegistryClient

    return SchemaRegistryClient({"url": url, "timeout": 30})


def subject_level(sr, subject: str) -> Level:
    """The level the registry enforces for `subject`: its own setting, else the global one."""
    from confluent_kafka.schema_registry.error import SchemaRegistryError

    try:
        return Level.parse(sr.get_compatibility(subject))
    except SchemaRegistryError as err:
        if (
            err.error_code not in (SUBJECT_CONFIG_NOT_FOUND, SUBJECT_NOT_FOUND)
            and err.http_status_code != 404
        ):
            raise
    return Level.parse(sr.get_compatibility())


def load_history(url: str, subject: str) -> SubjectHistory:
    from confluent_kafka.schema_registry.error import SchemaRegistryError

    sr = client(url)
    try:
        versions = sr.get_versions(subject)
        schemas = []
        for number in sorted(versions):
            registered = sr.get_version(subject, number)
            if registered.schema.schema_type not in (None, "AVRO"):
                raise StudyError(
                    f"subject {subject!r} version {number} is {registered.schema.schema_type}, not Avro"
                )
            schemas.append(
                (
                    f"version {number}",
                    AvroSchema(registered.schema.schema_str, origin=f"{subject} version {number}"),
                )
            )
        level = subject_level(sr, subject)
    except SchemaRegistryError as err:
        if err.http_status_code == 404:
            raise StudyError(
                f"subject {subject!r} not found in the registry at {url}",
                hint="list subjects with `curl $SCHEMA_REGISTRY_URL/subjects`",
            ) from None
        raise StudyError(f"registry at {url} answered: {err}") from None
    except OSError as err:
        raise StudyError(f"cannot reach the registry at {url}: {err}") from None
    except Exception as err:
        # httpx connection errors are not OSError subclasses.
        if type(err).__module__.startswith(("httpx", "httpcore")):
            raise StudyError(
                f"cannot reach the registry at {url}: {err}",
                hint="is it running? `study env status`",
            ) from None
        raise
    return SubjectHistory(subject=subject, level=level, versions=schemas)
