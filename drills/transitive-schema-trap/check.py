"""Fixed when payments-value checks every earlier version (a *_TRANSITIVE level), keeps versions 1-3 unchanged,
has a newer latest version compatible with all of them, and every payment written with each version
reads back through that latest schema."""

from studycli.schema.live import TRANSITIVE_BACKWARD, Registry, read_back

SUBJECT = "payments-value"
TOPIC = "payments"


def check(ctx):
    registry = Registry(ctx.env.registry_url)
    facts = ctx.facts["schema"]
    unmet = registry.history_kept(SUBJECT, facts[SUBJECT])
    unmet += registry.levels_safe(SUBJECT, TRANSITIVE_BACKWARD)
    versions = registry.versions(SUBJECT)
    if not versions or versions[-1] <= 3:
        unmet.append(f"{SUBJECT} has no version newer than 3: the audit job still reads with version 3")
        return unmet
    latest = registry.version(SUBJECT, versions[-1])
    unmet += registry.latest_compatible(SUBJECT, "BACKWARD_TRANSITIVE")
    ok, bad = read_back(ctx.env.bootstrap_servers, registry, TOPIC, latest[1])
    if bad:
        ids = sorted({b.writer_id for b in bad})
        unmet.append(
            f"{len(bad)} payment(s) written with schema id(s) {ids} cannot be read with the latest "
            f"version of {SUBJECT}"
        )
    elif ok < facts["records"][TOPIC]:
        unmet.append(
            f"the payments topic holds {ok} readable payments; {facts['records'][TOPIC]} were written"
        )
    return unmet
