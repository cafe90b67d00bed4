"""Fixed when every partition of orders and payments is fully replicated again, on three
replicas, with the original data and safeguards."""

TOPICS = ("orders", "payments")


def check(ctx):
    unmet = []
    for name in TOPICS:
        damage = ctx.topic_intact(name)
        if damage:
            unmet += damage
            continue
        unmet += ctx.safeguards(name)
        info = ctx.topic(name)
        lagging = [p.id for p in info.partitions if set(p.isr) != set(p.replicas)]
        if lagging:
            unmet.append(
                f"topic {name}: {len(lagging)} of {len(info.partitions)} partitions are under-replicated"
            )
    return unmet
