"""orders-value holds version 1 with real records behind it; the order-service 2.4 deploy tries to
register a schema that adds `sales_channel` without a default, and the registry refuses it."""

import shutil

from studycli.schema.live import Registry, avro_producer_records

SUBJECT = "orders-value"


def inject(ctx):
    registry = Registry(ctx.env.registry_url)
    registry.reset_subject(SUBJECT)
    registry.set_level("BACKWARD")  # Confluent's default, in case an earlier run changed it
    v1 = (ctx.folder / "order-v1.avsc").read_text()
    v2 = (ctx.folder / "order-v2.avsc").read_text()
    registry.register(SUBJECT, v1)
    orders = [
        {"order_id": i, "customer_id": f"c-{i % 17}", "amount_cents": 1000 + i, "currency": "EUR"}
        for i in range(60)
    ]
    count = avro_producer_records(ctx.env.bootstrap_servers, registry, "orders", v1, orders)
    for name in ("order-v1.avsc", "order-v2.avsc"):
        shutil.copy(ctx.folder / name, ctx.workspace / name)
    _id, error = registry.try_register(SUBJECT, v2)
    (ctx.workspace / "deploy.log").write_text(
        "order-service 2.4 rollout: registering schema order-v2.avsc under orders-value\n"
        f"registry answered: {error or 'OK'}\n"
        "rollout aborted; order-service 2.3 still running\n"
    )
    ctx.facts["schema"] = {SUBJECT: {"1": v1}, "records": {"orders": count}}
