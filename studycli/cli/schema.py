"""`study schema`: Avro schema compatibility, explained field by field."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from studycli.errors import StudyError
from studycli.schema.compat import Level

LEVELS = [level.value for level in Level]  # one list: the checker's own levels


@click.group()
def schema():
    """Avro schemas: compatibility checks like the Schema Registry's."""


@schema.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--level",
    type=click.Choice(LEVELS, case_sensitive=False),
    help="Compatibility level. Default: BACKWARD, or the subject's level with --against.",
)
@click.option("--against", "subject", metavar="SUBJECT", help="Check NEW against this subject's versions.")
@click.option(
    "--registry", "registry", metavar="URL", help="Registry base URL (default: SCHEMA_REGISTRY_URL)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@click.pass_context
def check(
    ctx, files: tuple[Path, ...], level: str | None, subject: str | None, registry: str | None, as_json
):
    """Check NEW.avsc against earlier versions and explain each Avro resolution rule.

    \b
    study schema check OLD.avsc NEW.avsc [--level FULL]
    study schema check V1.avsc V2.avsc V3.avsc --level BACKWARD_TRANSITIVE   (last file is new)
    study schema check NEW.avsc --against orders-value

    Exits 0 when compatible, 1 when not.
    """
    from studycli.schema import compat

    if subject:
        if len(files) != 1:
            raise StudyError(
                "with --against, give only the new schema file",
                hint="study schema check NEW.avsc --against SUBJECT",
            )
        from studycli.schema import registry as sr

        url = sr.registry_url(registry)
        history = sr.load_history(url, subject)
        previous = history.versions
        chosen = compat.Level.parse(level) if level else history.level
        source = f"subject {subject} at {url} (registry level {history.level.value})"
    else:
        if len(files) < 2:
            raise StudyError(
                "give at least two schema files: OLD.avsc NEW.avsc", hint="or NEW.avsc --against SUBJECT"
            )
        previous = [
            (f"old {path.name}" if len(files) == 2 else f"v{i + 1} {path.name}", _load(path))
            for i, path in enumerate(files[:-1])
        ]
        chosen = compat.Level.parse(level or "BACKWARD")
        source = None
    new_path = files[-1]
    verdict = compat.check(_load(new_path), previous, chosen, new_label=f"new {new_path.name}")

    if as_json:
        import json

        payload = verdict.to_dict()
        if subject:
            payload["subject"] = subject
        click.echo(json.dumps(payload, indent=2))
    else:
        _render(verdict, source)
    if not verdict.compatible:
        # click's non-standalone mode swallows ctx.exit codes; SystemExit reaches the shell.
        sys.exit(1)


def _load(path: Path):
    from studycli.schema.compat import AvroSchema

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StudyError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise StudyError(f"{path}: cannot read it ({err})") from None
    return AvroSchema(text, origin=str(path))


def _render(verdict, source: str | None) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    if source:
        console.print(f"against {source}", soft_wrap=True)
    if not verdict.resolutions:
        why = "level NONE checks nothing" if verdict.level.value == "NONE" else "no earlier version"
        console.print(f"[green]compatible[/] at {verdict.level.value} ({why})")
        return
    for resolution in verdict.resolutions:
        mark = "[green]ok[/]" if resolution.compatible else "[red]FAILS[/]"
        console.print(
            f"{mark}  {resolution.reader} reads data written by {resolution.writer}", soft_wrap=True
        )
        for finding in resolution.findings:
            if finding.ok:
                console.print(f"      [dim]{finding.location}: {finding.message}[/]", soft_wrap=True)
            else:
                console.print(
                    f"    [red]{finding.rule}[/] at {finding.location}: {finding.message}", soft_wrap=True
                )
    word = "[green]compatible[/]" if verdict.compatible else "[red]incompatible[/]"
    console.print(f"{word} at {verdict.level.value}")
