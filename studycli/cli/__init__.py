"""The `study` command. Thin: each subcommand lives in its own module, imported only when used,
so `study --version` and `study cheatsheet` start fast."""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from studycli import __version__
from studycli.errors import StudyError

# command name -> "module:attribute"; modules are imported on first use.
COMMANDS = {
    "review": "studycli.cli.review:review",
    "cards": "studycli.cli.cards:cards",
    "content": "studycli.cli.content:content",
    "doctor": "studycli.cli.doctor:doctor",
    "env": "studycli.cli.env:env",
    "drill": "studycli.cli.drill:drill",
    "schema": "studycli.cli.schema:schema",
    "cheatsheet": "studycli.cli.cheatsheet:cheatsheet",
    "selfcheck": "studycli.cli.selfcheck:selfcheck",
    "scores": "studycli.cli.scores:scores",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(name for name in COMMANDS if self._available(name))

    @staticmethod
    def _available(name: str) -> bool:
        module = COMMANDS[name].split(":")[0]
        return importlib.util.find_spec(module) is not None

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None or not self._available(name):
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="study")
@click.option(
    "--content",
    "content_paths",
    multiple=True,
    type=click.Path(),
    help="Content root (repeatable). Default: STUDY_CONTENT, else the shipped content.",
)
@click.pass_context
def cli(ctx: click.Context, content_paths: tuple[str, ...]):
    """Streaming Mastery: daily review and live drills for Kafka, Schema Registry, Connect,
    MirrorMaker 2 and Flink."""
    ctx.ensure_object(dict)
    ctx.obj["content_paths"] = content_paths
    if ctx.invoked_subcommand is None:
        if importlib.util.find_spec("studycli.cli.dashboard") is None:
            click.echo(ctx.get_help())
            return
        from studycli.cli.dashboard import show_dashboard

        show_dashboard(ctx)


def main(argv: list[str] | None = None) -> None:
    try:
        result = cli.main(args=argv, prog_name="study", standalone_mode=False)
        # Non-standalone click returns (not raises) the code of ctx.exit(n).
        if isinstance(result, int) and not isinstance(result, bool) and result:
            sys.exit(result)
    except StudyError as err:
        click.echo(f"error: {err.message}", err=True)
        if err.hint:
            click.echo(f"hint: {err.hint}", err=True)
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as err:  # SQLite failing mid-command (damaged page, locked file): no traceback
        import sqlite3

        if not isinstance(err, sqlite3.Error):
            raise
        from studycli.store.guard import as_study_error

        problem = as_study_error(err)
        click.echo(f"error: {problem.message}", err=True)
        click.echo(f"hint: {problem.hint}", err=True)
        sys.exit(problem.exit_code)
