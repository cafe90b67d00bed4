"""shipments-value has versions 1 and 2 with records behind both. A registry clean-up soft-deletes
version 2, then shipping-service restarts: its serializer (auto-registration off) looks its schema up
in the subject, gets 40403, and cannot send anything."""

import shutil
import time

from studycli.drill import processes
from studycli.errors import StudyError
from studycli.schema.live import Registry, avro_producer_records

SUBJECT = "shipments-value"
TOPIC = "shipments"


def inject(ctx):
    registry = Registry(ctx.env.registry_url)
    registry.reset_subject(SUBJECT)
    registry.set_level("BACKWARD")
    v1 = (ctx.folder / "shipment-v1.avsc").read_text()
    v2 = (ctx.folder / "shipment-v2.avsc").read_text()
    bootstrap = ctx.env.bootstrap_servers
    registry.register(SUBJECT, v1)
    written = avro_producer_records(
        bootstrap, registry, TOPIC, v1, [{"shipment_id": i, "carrier": "ups"} for i in range(20)]
    )
    v2_id = registry.register(SUBJECT, v2)
    written += avro_producer_records(
        bootstrap,
        registry,
        TOPIC,
        v2,
        [{"shipment_id": i, "carrier": "dhl", "eta_epoch_ms": 1_700_000_000_000 + i} for i in range(20, 40)],
    )
    status, body = registry.http("DELETE", f"/subjects/{SUBJECT}/versions/2")
    if status != 200:
        raise StudyError(f"could not soft-delete {SUBJECT} version 2: HTTP {status} {body}")
    shutil.copy(ctx.folder / "shipment-v2.avsc", ctx.workspace / "shipment-v2.avsc")
    config = ctx.workspace / "shipping-service.properties"
    config.write_text(
        f"bootstrap.servers={bootstrap}\n"
        f"schema.registry.url={registry.url}\n"
        f"topic={TOPIC}\n"
        f"value.schema.file={ctx.workspace / 'shipment-v2.avsc'}\n"
        "auto.register.schemas=false\n"
    )
    record = processes.start("shipping-service", ctx.folder / "shipper.py", config, ctx.workspace)
    ctx.processes.append(record)
    deadline = time.monotonic() + 60
    while "serialization failed" not in processes.log_tail(record, 50):
        if not processes.is_running(record):
            raise StudyError(f"shipping-service exited early:\n{processes.log_tail(record)}")
        if time.monotonic() > deadline:
            raise StudyError("shipping-service did not reach its failing state in 60 s")
        time.sleep(0.2)
    ctx.facts["schema"] = {SUBJECT: {"1": v1}, "v2_id": v2_id, "records": {TOPIC: written}}
