"""Shared timing helpers for the benchmark scripts: run a command N times, report the median."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def study_cmd(*args: str) -> list[str]:
    """The installed console script, as a user runs it."""
    return [str(VENV_BIN / "study"), *args]


def wall_times(cmd: list[str], runs: int, env: dict | None = None, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of `runs` executions (after `warmup` untimed ones); fails loudly."""
    full_env = dict(os.environ, **(env or {}))
    times = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.decode()[-500:]}")
        if i >= warmup:
            times.append(elapsed)
    return times


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def report(name: str, times: list[float], baseline: list[float] | None = None) -> str:
    line = f"{name:<45} median {median_ms(times):8.1f} ms  (n={len(times)})"
    if baseline:
        line += f"  ratio {statistics.median(times) / statistics.median(baseline):.2f}x"
    return line
