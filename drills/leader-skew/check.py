"""Fixed when every partition of clickstream is led by its preferred replica, the balanced
assignment the incident started with is unchanged, and the data is intact."""

TOPIC = "clickstream"


def check(ctx):
    unmet = ctx.topic_intact(TOPIC)
    if unmet:
        return unmet
    unmet += ctx.safeguards(TOPIC)
    info = ctx.topic(TOPIC)
    expected = ctx.facts["topics"][TOPIC]["replicas"]
    if any(list(p.replicas) != expected[str(p.id)] for p in info.partitions):
        unmet.append(
            f"the replica assignment of {TOPIC} no longer spreads preferred leaders over the brokers"
        )
    off = [p.id for p in info.partitions if p.leader != p.replicas[0]]
    if off:
        unmet.append(
            f"{len(off)} of {len(info.partitions)} partitions of {TOPIC} are not led by their preferred replica"
        )
    leaders = [p.leader for p in info.partitions]
    busiest = max(leaders.count(n) for n in set(leaders))
    if busiest > len(leaders) // 2:
        unmet.append(f"one broker still leads {busiest} of {len(leaders)} partitions of {TOPIC}")
    return unmet
