"""payments-value evolves v1 -> v2 -> v3 under BACKWARD: v2 drops `amount`, v3 brings it back as a
long. Each step is compatible with the version before it, so the registry accepts all three, and
records are written with each. The payments-audit job reads with v3 and fails on v1 records."""

import shutil

from studycli.schema.live import Registry, avro_producer_records, read_back

SUBJECT = "payments-value"
TOPIC = "payments"


def inject(ctx):
    registry = Registry(ctx.env.registry_url)
    registry.reset_subject(SUBJECT)
    registry.set_level("BACKWARD")
    schemas = {str(n): (ctx.folder / f"payment-v{n}.avsc").read_text() for n in (1, 2, 3)}
    registry.register(SUBJECT, schemas["1"])
    registry.set_level("BACKWARD", SUBJECT)
    bootstrap = ctx.env.bootstrap_servers
    written = avro_producer_records(
        bootstrap, registry, TOPIC, schemas["1"], [{"payment_id": i, "amount": f"{i}.50"} for i in range(20)]
    )
    registry.register(SUBJECT, schemas["2"])
    written += avro_producer_records(
        bootstrap, registry, TOPIC, schemas["2"], [{"payment_id": i} for i in range(20, 40)]
    )
    registry.register(SUBJECT, schemas["3"])
    written += avro_producer_records(
        bootstrap,
        registry,
        TOPIC,
        schemas["3"],
        [{"payment_id": i, "amount": i * 100} for i in range(40, 60)],
    )
    ok, bad = read_back(bootstrap, registry, TOPIC, schemas["3"])
    lines = [f"payments-audit replay with reader schema v3: {ok} records read, {len(bad)} failed"]
    lines += [f"  {TOPIC}[{b.partition}]@{b.offset} schema id {b.writer_id}: {b.error}" for b in bad[:10]]
    (ctx.workspace / "audit.log").write_text("\n".join(lines) + "\n")
    for n in (1, 2, 3):
        shutil.copy(ctx.folder / f"payment-v{n}.avsc", ctx.workspace / f"payment-v{n}.avsc")
    ctx.facts["schema"] = {SUBJECT: schemas, "records": {TOPIC: written}, "unreadable_at_start": len(bad)}
