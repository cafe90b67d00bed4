"""`study cheatsheet` latency against `python -c pass`, and lookup quality on the query set.

Run: .venv/bin/python benchmarks/bench_lookup.py [--runs 30]
"""

from __future__ import annotations

import argparse
import sys
import tempfile

from timing import REPO, report, study_cmd, wall_times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {"STUDY_HOME": home}
        baseline = wall_times([sys.executable, "-c", "pass"], args.runs)
        print(report("python -c pass", baseline))
        print(
            report(
                "python -c 'import click'",
                wall_times([sys.executable, "-c", "import click"], args.runs),
                baseline,
            )
        )
        lookup = study_cmd("cheatsheet", "reset", "offsets")
        print(report("study cheatsheet reset offsets (piped)", wall_times(lookup, args.runs, env), baseline))
        print(
            report(
                "study cheatsheet reset offsets --json",
                wall_times(lookup + ["--json"], args.runs, env),
                baseline,
            )
        )
        print(report("study --version", wall_times(study_cmd("--version"), args.runs, env), baseline))

    sys.path.insert(0, str(REPO / "tests"))
    from lookup_queries import QUERIES, rank_of

    ranks = [rank_of(query, expected) for query, expected in QUERIES]
    top1 = sum(r == 1 for r in ranks) / len(ranks)
    top3 = sum(r is not None and r <= 3 for r in ranks) / len(ranks)
    print(f"lookup quality on {len(QUERIES)} queries: top-1 {top1:.0%}, top-3 {top3:.0%}")


if __name__ == "__main__":
    main()
