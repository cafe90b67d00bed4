"""Drill latencies on a real cluster, as medians.

- `study drill run NAME` until the briefing is printed, on a cold environment (nothing running:
  the three KRaft nodes start first) and on a warm one (the environment is reused);
- `study drill check` on an active, still-broken drill.

Runs in its own STUDY_HOME and environment directory and tears everything down at the end.

    .venv/bin/python benchmarks/bench_drill.py [--cold 3] [--warm 3] [--checks 5] [--drills a,b]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ALL = [
    "under-replicated-partitions",
    "not-enough-replicas",
    "replication-factor-one",
    "leader-skew",
    "poison-pill",
    "rebalance-loop",
    "replay",
]


def study(*args: str) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "studycli", *args], capture_output=True, text=True, timeout=900
    )
    return time.perf_counter() - started, done


def timed_ok(*args: str, expect: int = 0) -> float:
    seconds, done = study(*args)
    if done.returncode != expect:
        raise SystemExit(f"study {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", type=int, default=3, help="cold runs (each starts a cluster)")
    parser.add_argument("--cold-drill", default="replay")
    parser.add_argument("--warm", type=int, default=3, help="warm runs per drill")
    parser.add_argument("--checks", type=int, default=5, help="check calls per drill")
    parser.add_argument("--drills", default=",".join(ALL))
    args = parser.parse_args()
    drills = [d for d in args.drills.split(",") if d]

    work = tempfile.mkdtemp(prefix="bench-drill-")
    os.environ["STUDY_HOME"] = os.path.join(work, "home")
    os.environ["STUDY_ENV_DIR"] = os.path.join(work, "env")
    results: dict = {"cold_run": [], "warm_run": {}, "check": {}}
    try:
        for _ in range(args.cold):
            study("env", "down")
            results["cold_run"].append(timed_ok("drill", "run", args.cold_drill, "--replace"))
            timed_ok("drill", "stop", "--keep-env")
        for drill in drills:
            results["warm_run"][drill] = [
                timed_ok("drill", "run", drill, "--replace") for _ in range(args.warm)
            ]
            results["check"][drill] = [timed_ok("drill", "check", expect=1) for _ in range(args.checks)]
            timed_ok("drill", "stop", "--keep-env")
    finally:
        study("drill", "stop")
        study("env", "down")

    def median(values):
        return round(statistics.median(values), 2) if values else None

    summary = {
        "cpu_count": os.cpu_count(),
        "cold_run_median_s": median(results["cold_run"]),
        "cold_drill": args.cold_drill,
        "warm_run_median_s": {d: median(v) for d, v in results["warm_run"].items()},
        "warm_run_median_all_s": median([x for v in results["warm_run"].values() for x in v]),
        "check_median_s": {d: median(v) for d, v in results["check"].items()},
        "check_median_all_s": median([x for v in results["check"].values() for x in v]),
        "samples": results,
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
