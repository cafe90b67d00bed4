"""Fixed when report-builder has worked through every request (lag 0, a report for each
request) and is still running as a member of its group."""

TOPIC = "report-requests"
OUTPUT = "reports"
GROUP = "report-builder"


def check(ctx):
    unmet = ctx.topic_intact(TOPIC)
    if unmet:
        return unmet
    state, members = ctx.cluster.group(GROUP)
    if members == 0:
        unmet.append(f"no {GROUP} instance is a member of its group (the service must keep running)")
    ranges = {int(p): tuple(r) for p, r in ctx.facts["produced"][TOPIC]["ranges"].items()}
    committed = ctx.cluster.committed(GROUP, TOPIC)
    behind = sum(end - (committed.get(p) or 0) for p, (_start, end) in ranges.items())
    if behind > 0:
        unmet.append(
            f"group {GROUP} has {behind} of {ctx.facts['produced'][TOPIC]['count']} requests not committed yet"
        )
    requests = {key for rows in ctx.cluster.read(TOPIC, ranges).values() for _o, key, _v, _t in rows}
    out = ctx.topic(OUTPUT)
    marks = ctx.cluster.watermarks(OUTPUT, [p.id for p in out.partitions]) if out else {}
    reports = (
        {key for rows in ctx.cluster.read(OUTPUT, marks).values() for _o, key, _v, _t in rows}
        if marks
        else set()
    )
    missing = requests - reports
    if missing:
        unmet.append(f"{len(missing)} report request(s) have no report in {OUTPUT}")
    return unmet
