"""`study cheatsheet QUERY...`: the command you need, now."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import click

from studycli.errors import StudyError


# Unknown options are query words, so `study cheatsheet --to-datetime` searches for that flag.
@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, type=click.UNPROCESSED)
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.option("--all", "show_all", is_flag=True, help="List every entry by section.")
@click.option(
    "--fill",
    is_flag=True,
    help="Fill <bootstrap>, <registry-url>, <connect-url> from the running environment.",
)
@click.option(
    "--copy", is_flag=True, help="Copy the best command to the clipboard (needs wl-copy, xclip or pbcopy)."
)
@click.option("-n", "--limit", default=3, show_default=True, help="How many entries to show.")
@click.pass_context
def cheatsheet(ctx, query, as_json, show_all, fill, copy, limit):
    """Find the right command fast: words in any order, prefixes, typos and synonyms all work."""
    from studycli import paths
    from studycli.cheatsheet import lookup
    from studycli.cheatsheet.index import load_index

    index, problems, _ = load_index(paths.content_roots(ctx.obj["content_paths"]))
    for problem in problems:
        if problem.severity == "error":
            click.echo(f"warning: skipped a broken entry: {problem}", err=True)
    values = lookup.known_values() if fill else {}
    if fill and not values:
        click.echo("note: no running environment found; placeholders left as they are", err=True)

    if show_all:
        entries = [doc["entry"] for doc in index["docs"]]
        _emit(entries, values, as_json, by_section=True)
        return
    text = " ".join(query).strip()
    if not text:
        raise click.UsageError("give a query, for example: study cheatsheet reset offsets (or --all)")
    hits = lookup.find(index, text, limit=limit)
    if not hits:
        near = lookup.suggestions(index, text)
        if as_json:
            click.echo(json.dumps({"query": text, "hits": [], "nearest": [e["task"] for e in near]}))
        names = "; ".join(e["task"] for e in near)
        raise StudyError(f"no cheatsheet entry matches '{text}'", hint=f"nearest: {names}" if names else None)
    entries = [h.entry for h in hits]
    if copy:
        _copy(lookup.fill(entries[0]["command"], values))
    _emit(entries, values, as_json, scores=[h.score for h in hits])


def _emit(entries, values, as_json, by_section=False, scores=None):
    from studycli.cheatsheet.lookup import fill

    if as_json:
        out = []
        for i, entry in enumerate(entries):
            item = dict(entry, command=fill(entry["command"], values))
            if scores:
                item["score"] = round(scores[i], 3)
            out.append(item)
        click.echo(json.dumps(out, indent=2))
        return
    if not sys.stdout.isatty():
        # Plain text for pipes and scripts: nothing to colour, and no rich import to pay for.
        section = None
        for entry in entries:
            if by_section and entry["section"] != section:
                section = entry["section"]
                click.echo(f"## {section}\n")
            click.echo(f"# {entry['task']}")
            click.echo(fill(entry["command"], values))
            if entry.get("note") and not by_section:
                click.echo(f"  ({_one_line(entry['note'])})")
            click.echo()
        return
    from studycli.cheatsheet.render import print_entries

    print_entries(entries, values, by_section)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _copy(command: str) -> None:
    for tool in (["wl-copy"], ["xclip", "-selection", "clipboard"], ["pbcopy"]):
        if shutil.which(tool[0]):
            subprocess.run(tool, input=command.encode(), check=False)
            click.echo("copied to the clipboard", err=True)
            return
    click.echo("note: no clipboard tool found (wl-copy, xclip or pbcopy); nothing copied", err=True)
