"""Core benchmarks (medians): start-up, content sync of 5,000 cards, `study cards --json`.

    .venv/bin/python benchmarks/bench_core.py [--runs N]

- `study --version` against `python -c "import click"` (target: within 3x);
- syncing a generated 5,000-card tree into a fresh database, cold (target: under 1 s), and warm
  (unchanged content: no file is parsed again);
- `study cards --json` on those 5,000 cards (a whole process, warm sync included).

Everything runs in a temporary directory; nothing outside it is touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from timing import report, study_cmd, wall_times

CARDS = 5000
FILES = 50


def generate_tree(root: Path, cards: int = CARDS, files: int = FILES) -> int:
    """Lessons with Q/A and cloze cards plus cheatsheet files; returns the number of cards written."""
    per_file = cards // files
    written = 0
    for f in range(files):
        cheat = f % 10 == 9
        lines = ["---", f"deck: bench-{f:02d}", f"level: {f % 6 + 1}"]
        lines += (
            ["kind: cheatsheet", "---", "", f"# Cheats {f}", "", "## Section", ""] if cheat else ["---", ""]
        )
        if not cheat:
            lines += [f"# Lesson {f}", "", "Some prose that is not a card, with `code` and a [link](x).", ""]
        for i in range(per_file):
            n = f * per_file + i
            if cheat:
                lines += [
                    f"### Do task number {n} {{#b-cs-{n}}}",
                    "",
                    "Tags: bench, generated",
                    "",
                    "```sh",
                    f"kafka-topics.sh --bootstrap-server <bootstrap> --describe --topic <topic-{n}>",
                    "```",
                    "",
                    "A note about the command.",
                    "",
                    "Source: generated",
                    "",
                ]
            elif i % 4 == 3:
                lines += [
                    "---",
                    "",
                    f"Fact {n}: the setting {{{{setting.{n}}}}} defaults to `value-{n}`. {{#b-cz-{n}}}",
                    "",
                    "Source: generated",
                    "",
                ]
            else:
                lines += [
                    f"### Q: What does generated question {n} ask about `config.{n}`? {{#b-q-{n}}}",
                    "",
                    f"It asks about item {n}. The answer has a list:",
                    "",
                    "- first point",
                    "- second point with `code`",
                    "",
                    "Source: generated",
                    "",
                ]
            written += 1
        path = root / ("cheats" if cheat else "levels") / f"bench-{f:02d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines))
    past = time.time() - 3600  # old files: the mtime shortcut applies
    for path in root.rglob("*.md"):
        os.utime(path, (past, past))
    return written


def time_sync(content: Path, work: Path, runs: int) -> tuple[float, float, int, int]:
    """(cold median, warm median, cards, files parsed on the last warm run), in-process."""
    from studycli.store import open_db
    from studycli.store.sync import sync_content

    cold, warm = [], []
    cards = parsed_warm = 0
    for run in range(runs):
        home = work / f"home-{run}"
        home.mkdir()
        os.environ["STUDY_HOME"] = str(home)
        start = time.perf_counter()
        db = open_db()
        synced = sync_content(db, [content])
        cold.append(time.perf_counter() - start)
        cards = len(synced.cards)
        assert not synced.errors, synced.errors[:3]
        start = time.perf_counter()
        again = sync_content(db, [content])
        warm.append(time.perf_counter() - start)
        parsed_warm = again.parsed_files
        db.conn.close()
    return statistics.median(cold), statistics.median(warm), cards, parsed_warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-core-"))
    try:
        content = work / "content"
        count = generate_tree(content)
        env = {"STUDY_HOME": str(work / "cli-home"), "STUDY_CONTENT": str(content)}

        t_pass = wall_times([sys.executable, "-c", "pass"], args.runs, env)
        t_click = wall_times([sys.executable, "-c", "import click"], args.runs, env)
        t_version = wall_times(study_cmd("--version"), args.runs, env)
        cold, warm, cards, parsed_warm = time_sync(content, work, args.runs)
        t_cards = wall_times(study_cmd("cards", "--json"), args.runs, env)

        print(report("python -c pass", t_pass))
        print(report("python -c 'import click'", t_click))
        print(report("study --version (vs import click, target <= 3x)", t_version, t_click))
        print(
            f"{'sync ' + str(cards) + ' cards, cold (target < 1000 ms)':<45} median {cold * 1000:8.1f} ms  (n={args.runs})"
        )
        print(
            f"{'sync ' + str(cards) + ' cards, warm (unchanged)':<45} median {warm * 1000:8.1f} ms  (n={args.runs}; files parsed again: {parsed_warm})"
        )
        print(report(f"study cards --json ({count} cards)", t_cards))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
