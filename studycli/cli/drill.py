"""`study drill`: live incident drills on a real cluster. Thin: the engine does the work."""

from __future__ import annotations

import json

import click


def _console():
    from rich.console import Console

    return Console()


def _engine():
    from studycli.drill import engine

    return engine


def _fmt_minutes(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s"


@click.group()
def drill():
    """Break a real cluster, fix it with the real tools, get scored."""


@drill.command("list")
@click.option("--level", type=click.IntRange(1, 6), help="Only drills of this level.")
@click.option("--json", "as_json", is_flag=True, help="One JSON array.")
def list_cmd(level, as_json):
    """Drills with their status and best score."""
    rows = _engine().list_drills(level)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    table = Table(box=None)
    for col in ("lvl", "drill", "title", "budget", "status", "best"):
        table.add_column(col, no_wrap=col != "title")
    for r in rows:
        table.add_row(
            str(r["level"]),
            r["id"],
            r["title"],
            f"{r['time_budget_minutes']}m",
            r["status"],
            "-" if r["best_score"] is None else str(r["best_score"]),
        )
    _console().print(table if rows else "no drills found")


def _print_briefing(result: dict, heading: str) -> None:
    from rich.markdown import Markdown

    drill = result["drill"]
    console = _console()
    console.rule(f"{heading}: {drill.title} (level {drill.level}, {drill.time_budget_minutes} min budget)")
    console.print(Markdown(result["briefing"]))
    console.rule()
    console.print(f"bootstrap servers: [bold]{result['bootstrap']}[/bold]")
    workspace = result["state"].get("workspace")
    if workspace and any(result["state"].get("processes", [])):
        console.print(f"service files and logs: {workspace}")
    console.print("open a shell with the Kafka tools on PATH: [bold]study env shell[/bold]")
    console.print(
        "when you think it is fixed: [bold]study drill check[/bold]   stuck: [bold]study drill hint[/bold]"
    )


@drill.command("run")
@click.argument("name")
@click.option("--replace", is_flag=True, help="Abandon the active drill and start this one.")
@click.option("--fresh", is_flag=True, help="Recreate the environment from scratch first.")
def run_cmd(name, replace, fresh):
    """Start (or reuse) the environment, inject the fault, show the briefing."""
    result = _engine().run(name, replace=replace, fresh=fresh, notify=lambda text: click.echo(text, err=True))
    _print_briefing(result, "incident")


@drill.command("status")
@click.option("--json", "as_json", is_flag=True)
def status_cmd(as_json):
    """The active drill: time used, hints, background processes."""
    info = _engine().status()
    if as_json:
        click.echo(json.dumps(info, indent=2, default=str))
        return
    if not info.get("active"):
        if info.get("drill_id"):
            click.echo(
                f"no drill is active; last: {info['drill_id']} {info['status']} (score {info.get('score')})"
            )
        else:
            click.echo("no drill is active; `study drill list` shows them")
        return
    click.echo(f"{info['drill_id']}: {info['title']}")
    click.echo(f"time: {_fmt_minutes(info['elapsed_seconds'])} of {_fmt_minutes(info['budget_seconds'])}")
    click.echo(
        f"checks: {info.get('checks', 0)}  hints used: {info.get('hints', 0)}  hints left: {info['hints_left']}"
    )
    click.echo(f"environment: {info['environment'] or 'not running (`study drill reset` brings it back)'}")
    for p in info.get("processes", []):
        state = "running" if p["running"] else "stopped"
        click.echo(
            f"process {p['name']}: {state} (pid {p['pid']})\n  log: {p['log']}\n  config: {p['config']}"
        )


@drill.command("check")
@click.option("--json", "as_json", is_flag=True)
def check_cmd(as_json):
    """Verify the live cluster; exit 0 only when the incident is fixed."""
    result = _engine().check()
    if as_json:
        click.echo(json.dumps(result, indent=2))
    elif result["fixed"]:
        click.echo(
            f"fixed: {result['drill_id']} passed in {_fmt_minutes(result['elapsed_seconds'])} "
            f"with score {result['score']}/100"
        )
    else:
        click.echo(f"not fixed yet ({len(result['unmet'])} condition(s) unmet):")
        for line in result["unmet"]:
            click.echo(f"  - {line}")
    raise SystemExit(0 if result["fixed"] else 1)


@drill.command("hint")
def hint_cmd():
    """Show the next hint (each one costs points)."""
    result = _engine().hint()
    if result["hint"] is None:
        click.echo(f"no more hints ({result['total']} used); `study drill solution` shows the fix (score 0)")
        return
    click.echo(f"hint {result['number']}/{result['total']}: {result['hint']}")


@drill.command("solution")
@click.option("--apply", is_flag=True, help="Carry the solution out (the run then scores 0).")
def solution_cmd(apply):
    """Show the reference fix; revealing it scores the run 0."""
    if apply:
        click.confirm("Apply the reference solution? The run will score 0", default=True, abort=True)
    result = _engine().solution(apply=apply)
    from rich.syntax import Syntax

    _console().print(Syntax(result["solution"], "bash", theme="ansi_dark", background_color="default"))
    if not result["applied"]:
        click.echo("(the run will score 0; try it yourself, then `study drill check`)")
        return
    click.echo(result["output"].rstrip())
    if result["returncode"] != 0:
        click.echo(f"the solution script exited with {result['returncode']}")
    if result["unmet"]:
        click.echo("still unmet after applying:")
        for line in result["unmet"]:
            click.echo(f"  - {line}")
        raise SystemExit(1)
    click.echo("fixed by the reference solution; the run is recorded with score 0")


@drill.command("reset")
def reset_cmd():
    """Back to a clean environment and the fault injected again (the clock keeps running)."""
    result = _engine().reset()
    _print_briefing(result, "reset")


@drill.command("stop")
@click.option("--keep-env", is_flag=True, help="Leave the environment running for the next drill.")
def stop_cmd(keep_env):
    """End the active drill (recorded as abandoned) and tear the environment down."""
    result = _engine().stop(keep_env=keep_env)
    if result["ended"]:
        click.echo(f"drill {result['ended']['drill_id']} abandoned")
        if result["ended"]["cards_brought_forward"]:
            click.echo(f"{result['ended']['cards_brought_forward']} related card(s) are due for review today")
    else:
        click.echo("no drill was active")
    if result["environment_stopped"]:
        click.echo("environment stopped")
    elif not keep_env:
        click.echo("no environment was running")
