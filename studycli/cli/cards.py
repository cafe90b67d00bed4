"""`study cards`: one row per card with its schedule."""

from __future__ import annotations

import click

from studycli.cli.content import content_option


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--due", is_flag=True, help="Only cards due today (or overdue).")
@click.option("--orphans", is_flag=True, help="Only cards that left the content (their history is kept).")
@click.option("--level", type=click.IntRange(1, 6), help="Only cards of this level.")
@click.option("--deck", help="Only cards of this deck.")
@content_option
@click.pass_context
def cards(ctx: click.Context, as_json, due, orphans, level, deck):
    """List cards with their SM-2 state."""
    from studycli import clock
    from studycli.cli.content import open_synced
    from studycli.store.cards import card_views
    from studycli.store.guard import database_errors

    with database_errors():
        db, _ = open_synced(ctx)
        today = clock.today()
        views = card_views(db, deck=deck, level=level, present=not orphans)
    if due:
        views = [v for v in views if v.is_due(today)]
    if as_json:
        import json

        # no indent: the C encoder is several times faster on thousands of cards
        click.echo(json.dumps([v.to_json() for v in views], ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    # narrow terminals drop the widest columns first; --json always has everything
    wanted = ["id", "deck", "lvl", "n", "EF", "int", "due", "reviews", "lapses"]
    if console.width >= 110:
        wanted.insert(3, "source")
    if console.width >= 170:
        wanted.insert(4, "front")
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in wanted:
        if name == "front":
            table.add_column(name, overflow="ellipsis", no_wrap=True, max_width=50)
        else:
            table.add_column(name, no_wrap=True, min_width=len(name))
    for v in views:
        s = v.state
        cells = {
            "id": v.card.id,
            "deck": v.card.deck,
            "lvl": str(v.card.level or "-"),
            "source": v.card.source,
            "front": " ".join(v.card.front.split()),
            "n": str(s.repetitions),
            "EF": f"{s.easiness_cents / 100:.2f}",
            "int": str(s.interval),
            "due": s.due.isoformat() if s.due else "new",
            "reviews": str(s.reviews),
            "lapses": str(s.lapses),
        }
        table.add_row(*(cells[name] for name in wanted))
    console.print(table)
    label = "orphaned cards" if orphans else "cards"
    console.print(f"[dim]{len(views)} {label}[/]")
