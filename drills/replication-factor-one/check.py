"""Fixed when every partition of invoices has three in-sync replicas on three brokers and
still holds the original records (same topic id, same offsets, same bytes)."""

TOPIC = "invoices"


def check(ctx):
    unmet = ctx.topic_intact(TOPIC)
    if unmet:
        return unmet
    info = ctx.topic(TOPIC)
    short = [p.id for p in info.partitions if len(set(p.replicas)) < 3]
    if short:
        unmet.append(
            f"{len(short)} of {len(info.partitions)} partitions of {TOPIC} keep fewer than three copies"
        )
    syncing = [p.id for p in info.partitions if set(p.isr) != set(p.replicas)]
    if syncing:
        unmet.append(f"{len(syncing)} partitions of {TOPIC} have replicas that are not in sync yet")
    config = ctx.cluster.topic_config(TOPIC)
    if config.get("unclean.leader.election.enable") == "true":
        unmet.append(f"topic {TOPIC} allows unclean leader election, so an out-of-sync replica may lose data")
    return unmet
