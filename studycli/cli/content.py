"""`study content check [PATH...]`: report every content problem as `file:line: message`."""

from __future__ import annotations

import click


@click.group()
def content():
    """Work with the Markdown content."""


@content.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the problems as a JSON list.")
@click.pass_context
def check(ctx: click.Context, paths: tuple[str, ...], as_json: bool):
    """Check content files (default: the content roots). Exit 1 if there is any error."""
    from pathlib import Path

    from studycli import paths as study_paths
    from studycli.content.loader import load_content

    roots = [Path(p) for p in paths] if paths else study_paths.content_roots(ctx.obj.get("content_paths", ()))
    result = load_content(roots)
    problems = sorted(result.problems, key=lambda p: (p.file, p.line))
    if as_json:
        import json
        from dataclasses import asdict

        click.echo(json.dumps([asdict(p) for p in problems], indent=2))
    else:
        for problem in problems:
            click.echo(str(problem))
        errors = len(result.errors)
        warnings = len(problems) - errors
        click.echo(
            f"{len(result.cards)} cards; {errors} error{'s' * (errors != 1)}, "
            f"{warnings} warning{'s' * (warnings != 1)}",
            err=True,
        )
    ctx.exit(1 if result.errors else 0)


MAX_LISTED_PROBLEMS = 10


def open_synced(ctx: click.Context):
    """Open the database and sync the content roots into it; content errors (skipped cards) are
    listed on stderr and never stop the command. Returns (db, SyncReport)."""
    from studycli import paths as study_paths
    from studycli.store import open_db
    from studycli.store.sync import sync_content

    db = open_db()
    obj = ctx.find_root().obj or {}
    report = sync_content(db, study_paths.content_roots(obj.get("content_paths", ())))
    errors = report.errors
    for problem in errors[:MAX_LISTED_PROBLEMS]:
        click.echo(f"warning: skipped: {problem}", err=True)
    if len(errors) > MAX_LISTED_PROBLEMS:
        click.echo(f"warning: {len(errors) - MAX_LISTED_PROBLEMS} more content errors", err=True)
    if errors:
        click.echo("warning: run `study content check` for the details", err=True)
    return db, report


def content_option(fn):
    """`--content PATH` (repeatable) on a subcommand, same as `study --content PATH <command>`."""

    def remember(ctx: click.Context, _param, value):
        if value:
            root = ctx.find_root()
            root.ensure_object(dict)
            root.obj["content_paths"] = tuple(root.obj.get("content_paths", ())) + tuple(value)
        return value

    return click.option(
        "--content",
        multiple=True,
        type=click.Path(),
        expose_value=False,
        callback=remember,
        help="Content root (repeatable); replaces STUDY_CONTENT and the shipped content.",
    )(fn)
