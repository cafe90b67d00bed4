"""Fixed when shipping-service's schema resolves in shipments-value again, auto-registration is still
off, version 1 and the BACKWARD check are intact, and new shipments reach the topic."""

import pathlib

from studycli.schema.live import BACKWARD_SAFE, Registry, read_back

SUBJECT = "shipments-value"
TOPIC = "shipments"


def check(ctx):
    registry = Registry(ctx.env.registry_url)
    facts = ctx.facts["schema"]
    unmet = registry.history_kept(SUBJECT, facts[SUBJECT])
    unmet += registry.levels_safe(SUBJECT, BACKWARD_SAFE)
    config = pathlib.Path(ctx.workspace, "shipping-service.properties").read_text()
    if "auto.register.schemas=false" not in config.replace(" ", ""):
        unmet.append(
            "shipping-service registers schemas itself: auto-registration must stay off in production"
        )
    schema = pathlib.Path(ctx.workspace, "shipment-v2.avsc").read_text()
    if registry.lookup(SUBJECT, schema) is None:
        unmet.append(f"shipping-service's schema is not a live version of {SUBJECT}: its lookup still fails")
    latest = registry.version(SUBJECT, "latest")
    if latest is None:
        return unmet + [f"{SUBJECT} has no live version"]
    ok, bad = read_back(ctx.env.bootstrap_servers, registry, TOPIC, latest[1])
    if bad:
        unmet.append(f"{len(bad)} shipment(s) cannot be read with the latest version of {SUBJECT}")
    elif ok <= facts["records"][TOPIC]:
        unmet.append("shipping-service has not delivered a shipment since the incident began")
    return unmet
