"""Terminal rendering of cheatsheet entries with rich: the command highlighted, placeholders
standing out so the learner sees what to replace."""

from __future__ import annotations

from rich.console import Console
from rich.highlighter import RegexHighlighter
from rich.theme import Theme

from studycli.cheatsheet.lookup import fill

THEME = Theme(
    {
        "cmd.tool": "bold cyan",
        "cmd.flag": "green",
        "cmd.placeholder": "bold black on yellow",
        "cmd.string": "magenta",
        "cmd.url": "underline blue",
    }
)


class CommandHighlighter(RegexHighlighter):
    base_style = "cmd."
    highlights = [
        r"(?P<tool>^[\w.-]+|(?<=\| )[\w.-]+|(?<=\n)\s*[\w.-]+)",
        r"(?P<flag>(?<=\s)--?[A-Za-z][\w-]*)",
        r"(?P<string>'[^']*'|\"[^\"]*\")",
        r"(?P<url>https?://\S+)",
        r"(?P<placeholder><[A-Za-z][\w.:-]*>)",
    ]


def print_entries(entries: list[dict], values: dict[str, str], by_section: bool) -> None:
    console = Console(theme=THEME, highlight=False)
    highlight = CommandHighlighter()
    section = None
    for entry in entries:
        if by_section and entry["section"] != section:
            section = entry["section"]
            console.rule(f"[bold]{section}")
        console.print(f"[bold]{entry['task']}[/]  [dim]{entry['id']}[/]")
        console.print(highlight(fill(entry["command"], values)), soft_wrap=True)
        if entry.get("note") and not by_section:
            console.print(f"[dim]{' '.join(entry['note'].split())}[/]")
        console.print()
