"""Fixed when acks=all writes to payments succeed with broker 2 away, each acknowledged write
is on at least two brokers, and losing one more broker would not stop writes again."""

TOPIC = "payments"


def check(ctx):
    unmet = ctx.topic_intact(TOPIC)
    if unmet and ctx.topic(TOPIC) is None:
        return unmet
    # Report a switched-off safeguard even while the leaders are still settling after the change.
    unmet += ctx.safeguards(TOPIC, min_isr=2)
    if unmet:
        return unmet
    info = ctx.topic(TOPIC)
    replication = min(info.replication_factors)
    min_isr = int(ctx.cluster.topic_config(TOPIC).get("min.insync.replicas") or 1)
    if min_isr >= replication:
        unmet.append(
            f"acks=all writes to {TOPIC} stop whenever any one of its {replication} replicas is unavailable"
        )
    error = ctx.cluster.probe_produce(TOPIC, acks="all")
    if error:
        unmet.append(f"an acks=all producer still cannot write to {TOPIC} ({error})")
    return unmet
