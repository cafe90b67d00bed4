"""Rich rendering of scores: the per-level table, the heatmap and the forecast."""

from __future__ import annotations

import datetime as dt

from rich.console import Console
from rich.table import Table
from rich.text import Text

SHADES = ["grey23", "green4", "green3", "green1", "bright_green"]
BARS = " ▁▂▃▄▅▆▇█"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def readiness_bar(value: int, width: int = 20) -> Text:
    filled = round(width * value / 100)
    colour = "green" if value >= 70 else "yellow" if value >= 40 else "red"
    return (
        Text("█" * filled, style=colour) + Text("░" * (width - filled), style="grey35") + Text(f" {value:3d}")
    )


def level_table(levels) -> Table:
    table = Table(title="Readiness per level", expand=False)
    for column in ("Level", "Seen", "Mature", "Retention 30d", "Self-check", "Drills", "Readiness"):
        table.add_column(column, justify="left" if column in ("Level", "Readiness") else "right")
    for s in levels:
        trend = "" if s.selfcheck_trend is None else f" ({s.selfcheck_trend:+d})"
        selfcheck = "—" if s.selfcheck is None else f"{s.selfcheck}{trend}"
        best = "" if s.best_drill_score is None else f" best {s.best_drill_score}"
        table.add_row(
            f"{s.level} {s.name}",
            f"{s.seen}/{s.cards}",
            str(s.mature),
            _pct(s.retention),
            selfcheck,
            f"{s.drills_passed}/{s.drills}{best}",
            readiness_bar(s.readiness, width=10),
        )
    return table


def heatmap_text(grid: list[list[int | None]]) -> Text:
    peak = max((n for row in grid for n in row if n), default=0)
    text = Text()
    for name, row in zip(("Mon", "", "Wed", "", "Fri", "", "Sun"), grid, strict=True):
        text.append(f"{name:>4} ")
        for count in row:
            if count is None:
                text.append("  ")
                continue
            level = 0 if not count else min(4, 1 + (3 * count) // max(peak, 1))
            text.append("■ ", style=SHADES[level])
        text.append("\n")
    return text


def forecast_text(counts: list[int], today: dt.date) -> Text:
    peak = max(counts) or 1
    text = Text("".join(BARS[round(8 * n / peak)] for n in counts), style="cyan")
    text.append(f"\n{today:%b %d}{' ' * (len(counts) - 12)}+{len(counts) - 1}d")
    text.append(f"\n{counts[0]} due today, {sum(counts[:7])} this week, {sum(counts)} in {len(counts)} days")
    return text


def print_scores(levels, figures: dict) -> None:
    console = Console()
    console.print(level_table(levels))
    console.print(
        f"Overall readiness: [bold]{figures['overall_readiness']}[/]/100   "
        f"Streak: [bold]{figures['streak']}[/] day(s)\n"
    )
    console.print("[bold]Reviews, last 26 weeks[/]")
    console.print(heatmap_text(figures["heatmap"]))
    console.print("[bold]Due cards, next 30 days[/]")
    console.print(forecast_text(figures["forecast"], dt.date.fromisoformat(figures["date"])))
