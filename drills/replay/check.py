"""Fixed when each partition's committed offset for invoicing is the first order placed at or
after the release time (what --to-datetime resolves to), with the topic untouched."""

TOPIC = "orders-placed"
GROUP = "invoicing"


def check(ctx):
    unmet = ctx.topic_intact(TOPIC)
    if unmet:
        return unmet
    ranges = ctx.facts["produced"][TOPIC]["ranges"]
    partitions = sorted(int(p) for p in ranges)
    wanted = ctx.cluster.offsets_for_time(TOPIC, partitions, ctx.facts["release_ms"])
    committed = ctx.cluster.committed(GROUP, TOPIC)
    early = sum(
        wanted[p] - committed[p]
        for p in partitions
        if committed.get(p) is not None and committed[p] < wanted[p]
    )
    late = sum(
        committed.get(p, wanted[p]) - wanted[p] for p in partitions if (committed.get(p) or 0) > wanted[p]
    )
    missing = [p for p in partitions if committed.get(p) is None]
    if missing:
        unmet.append(f"group {GROUP} has no committed position on {len(missing)} partition(s) of {TOPIC}")
    if late:
        unmet.append(f"group {GROUP} would not reprocess {late} order(s) placed since the release")
    if early:
        unmet.append(f"group {GROUP} would invoice {early} order(s) from before the release a second time")
    state, members = ctx.cluster.group(GROUP)
    if members:
        unmet.append(
            f"group {GROUP} has active members; the service must stay stopped until the rewind is done"
        )
    return unmet
