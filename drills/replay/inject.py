"""Orders with real timestamps around a release time that is a round minute, so the page
can name it and `--to-datetime` can hit it exactly."""

import datetime as dt

from studycli import clock
from studycli.drill.faults import produce

MINUTES_BEFORE_RELEASE = 60
RELEASE_MINUTES_AGO = 40
STEP_MS = 20_000


def inject(ctx):
    now = clock.now()
    release = now.replace(second=0, microsecond=0) - dt.timedelta(minutes=RELEASE_MINUTES_AGO)
    first = release - dt.timedelta(minutes=MINUTES_BEFORE_RELEASE)
    count = int((now - first).total_seconds() * 1000 // STEP_MS)
    produce(
        ctx,
        topic="orders-placed",
        count=count,
        key="order-{i}",
        value='{"order": {i}, "total_cents": 4200}',
        start_ms=int(first.timestamp() * 1000),
        step_ms=STEP_MS,
    )
    release_ms = int(release.timestamp() * 1000)
    utc = release.astimezone(dt.timezone.utc)
    ctx.facts["release_ms"] = release_ms
    ctx.facts["briefing"] = {
        "release_utc": utc.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "release_local": release.strftime("%H:%M %Z (UTC%z)"),
        "release_iso": utc.strftime("%Y-%m-%dT%H:%M:%S.000"),
    }
