"""Service classes, one per kind of process (see base.Service).

Kafka nodes are built by the backends themselves; other kinds (e.g. `schema-registry`) are listed in
`EXTRA_KINDS` as "module:Class" and imported only when present, so a topology that needs a kind whose
module is missing fails with a clear error instead of an ImportError.

An extra service class provides:
  port_names: tuple[str, ...]                      ports the backend allocates for it
  from_spec(spec, context) -> Service              classmethod; context is a ServiceContext
  url: str | None                                  property (e.g. the registry's base URL)
  is_ready() -> bool                               a real probe (HTTP, AdminClient...)
  compose_service(spec, topology) -> dict          classmethod, the docker compose service definition
"""

from __future__ import annotations

import importlib
import importlib.util

from studycli.errors import StudyError

EXTRA_KINDS = {
    "schema-registry": "studycli.runtime.services.registry:SchemaRegistry",
}


def load_all() -> None:
    for target in EXTRA_KINDS.values():
        module = target.split(":")[0]
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)


def service_class(kind: str):
    target = EXTRA_KINDS.get(kind)
    if target is None:
        raise StudyError(f"unknown service kind {kind!r}")
    module, attr = target.split(":")
    if importlib.util.find_spec(module) is None:
        raise StudyError(f"the {kind} service is not available in this version of study")
    return getattr(importlib.import_module(module), attr)
