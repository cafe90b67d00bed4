"""`study scores`: readiness per level, a review heatmap and a 30-day forecast."""

from __future__ import annotations

import json

import click


def current_scores(db):
    """(level scores, snapshot) for today, from the database and the shipped drill definitions."""
    from studycli import clock
    from studycli.scores.readiness import gather, level_scores

    snap = gather(db, drill_catalogue(), clock.today())
    return level_scores(snap), snap


def drill_catalogue() -> list[dict]:
    """id, level and title of every drill; an unreadable drill folder is left out, not fatal."""
    try:
        from studycli.drill.definition import all_drills

        return [{"id": d.id, "level": d.level, "title": d.title} for d in all_drills()]
    except Exception as err:  # a broken drill folder must not hide the scores
        click.echo(f"warning: drills not counted: {err}", err=True)
        return []


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def scores(ctx, as_json):
    """How ready you are for each level: cards seen and mature, 30-day retention, self-checks, drills."""
    from studycli.cli.content import open_synced
    from studycli.scores.readiness import to_json

    db, _ = open_synced(ctx)
    levels, snap = current_scores(db)
    figures = to_json(levels, snap)
    if as_json:
        click.echo(json.dumps(figures, indent=2))
        return
    from studycli.scores.render import print_scores

    print_scores(levels, figures)
