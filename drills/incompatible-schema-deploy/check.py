"""Fixed when orders-value keeps its version 1, a next version carries `sales_channel`, BACKWARD
is still enforced, and every order already in the topic reads through the latest schema."""

import json

from studycli.schema.live import BACKWARD_SAFE, Registry, read_back

SUBJECT = "orders-value"


def check(ctx):
    registry = Registry(ctx.env.registry_url)
    facts = ctx.facts["schema"]
    unmet = registry.history_kept(SUBJECT, facts[SUBJECT])
    unmet += registry.levels_safe(SUBJECT, BACKWARD_SAFE)
    latest = registry.version(SUBJECT, "latest")
    if latest is None:
        return unmet + [f"subject {SUBJECT} has no latest version"]
    fields = [f["name"] for f in json.loads(latest[1]).get("fields", [])]
    if "sales_channel" not in fields:
        unmet.append(
            f"the latest version of {SUBJECT} has no sales_channel field: order-service 2.4 cannot ship"
        )
    unmet += registry.latest_compatible(SUBJECT, "BACKWARD")
    ok, bad = read_back(ctx.env.bootstrap_servers, registry, "orders", latest[1])
    if bad:
        unmet.append(
            f"{len(bad)} order(s) in the topic cannot be read with the latest schema: {bad[0].error}"
        )
    elif ok < facts["records"]["orders"]:
        unmet.append(
            f"the orders topic holds {ok} readable orders; {facts['records']['orders']} were written"
        )
    return unmet
