"""Fixed when the shipment-tracker group sits exactly one record past the unreadable one:
nothing else skipped, the topic untouched. A DLQ copy is optional but must be exact."""

TOPIC = "shipments"
GROUP = "shipment-tracker"
DLQ = "shipments.dlq"


def check(ctx):
    unmet = ctx.topic_intact(TOPIC)
    if unmet:
        return unmet
    poison = ctx.facts["poison"][TOPIC]
    committed = ctx.cluster.committed(GROUP, TOPIC)
    for bad in poison:
        position = committed.get(bad["partition"])
        wanted = bad["offset"] + 1
        if position is None or position < wanted:
            unmet.append(f"group {GROUP} would stop at the same unreadable record again when restarted")
        elif position > wanted:
            unmet.append(
                f"group {GROUP} would skip {position - wanted} readable shipment event(s) after the bad record"
            )
    if DLQ in ctx.cluster.topic_names():
        dlq = ctx.topic(DLQ)
        marks = ctx.cluster.watermarks(DLQ, [p.id for p in dlq.partitions])
        records = ctx.cluster.read(DLQ, {p: (lo, hi) for p, (lo, hi) in marks.items()})
        values = {value for rows in records.values() for _o, _k, value, _t in rows}
        if values and not all(bytes.fromhex(b["value_hex"]) in values for b in poison):
            unmet.append(f"{DLQ} exists but does not hold an exact copy of the unreadable record")
    return unmet
