"""`study` with no arguments: one screen with what to do today."""

from __future__ import annotations


def show_dashboard(ctx) -> None:
    import datetime as dt

    from rich.console import Console
    from rich.table import Table

    from studycli import clock
    from studycli.cli.content import open_synced
    from studycli.cli.scores import current_scores
    from studycli.scores.readiness import overall_readiness, streak
    from studycli.scores.render import readiness_bar
    from studycli.srs.session import ReviewSession
    from studycli.store.config import review_limits

    db, report = open_synced(ctx)
    levels, snap = current_scores(db)
    session = ReviewSession.start(db, report.cards, review_limits())
    new = sum(1 for item in session.queue if item.is_new)
    due = session.remaining - new
    days = {dt.date.fromisoformat(r["day"]) for r in snap.reviews}
    passed = {r["drill_id"] for r in snap.drill_runs if r["status"] == "passed"}
    weakest = sorted(levels, key=lambda s: (s.readiness, s.level))
    suggestion = next(
        (d for s in weakest for d in snap.drills if d["level"] == s.level and d["id"] not in passed), None
    )

    console = Console()
    console.print(f"[bold]Streaming Mastery[/]  {clock.today():%A %d %B %Y}")
    console.print(
        f"Today: [bold]{due}[/] due, [bold]{new}[/] new  ·  streak [bold]{streak(days, snap.today)}[/] day(s)"
        f"  ·  overall readiness [bold]{overall_readiness(levels)}[/]/100"
    )
    if suggestion:
        console.print(
            f"Next drill: [bold cyan]study drill run {suggestion['id']}[/]  ({suggestion['title']})"
        )
    table = Table(show_header=False, box=None, pad_edge=False)
    for s in levels:
        table.add_row(f"L{s.level} {s.name}", readiness_bar(s.readiness))
    console.print(table)
    console.print("[dim]study review · study drill list · study cheatsheet QUERY · study scores[/]")
