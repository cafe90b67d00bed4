#!/usr/bin/env python3
"""Schema Registry figures: medians of

- `study schema check` latency (two files; three files transitive; an incompatible pair), against
  `python -c pass` and `study --version`;
- the registry alone, start to ready, and its RSS at ready and after registering the compat cases;
- `study env up kafka+registry` to ready, against `study env up kafka` (ratio);
- `study schema check NEW --against SUBJECT` latency on the live registry.

    .venv/bin/python benchmarks/bench_schema.py [--runs 5] [--check-runs 20]

Every environment is private (tmp STUDY_HOME / STUDY_ENV_DIR) and torn down. Other JVMs on the machine
skew the figures: run it alone.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from schema_cases import CASES  # noqa: E402
from timing import report, study_cmd, wall_times  # noqa: E402


def times_any_exit(cmd: list[str], runs: int, env: dict | None = None) -> list[float]:
    """Like wall_times, for a command whose exit 1 is an answer (an incompatible verdict)."""
    full_env = dict(os.environ, **(env or {}))
    subprocess.run(cmd, env=full_env, capture_output=True)  # warm-up
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, env=full_env, capture_output=True)
        out.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-400:]}")
    return out


def study(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(study_cmd(*args), capture_output=True, text=True, env=env, timeout=600)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_check(tmp: Path, runs: int) -> None:
    trap = next(c for c in CASES if c.name == "backward transitive trap")
    files = []
    for i, text in enumerate(trap.history):
        path = tmp / f"v{i + 1}.avsc"
        path.write_text(text)
        files.append(str(path))
    breaking = next(c for c in CASES if c.name == "add field without default")
    (tmp / "old.avsc").write_text(breaking.history[0])
    (tmp / "new.avsc").write_text(breaking.history[1])
    baseline = wall_times([sys.executable, "-c", "pass"], runs)
    print(report("python -c pass", baseline))
    print(report("study --version", wall_times(study_cmd("--version"), runs), baseline))
    print(
        report(
            "study schema check v2 v3 (BACKWARD)",
            wall_times(study_cmd("schema", "check", *files[1:]), runs),
            baseline,
        )
    )
    transitive = times_any_exit(study_cmd("schema", "check", *files, "--level", "FULL_TRANSITIVE"), runs)
    print(report("study schema check v1 v2 v3 FULL_TRANSITIVE", transitive, baseline))
    incompatible = times_any_exit(
        study_cmd("schema", "check", str(tmp / "old.avsc"), str(tmp / "new.avsc"), "--json"), runs
    )
    print(report("study schema check (incompatible, --json)", incompatible, baseline))


def bench_registry_alone(tmp: Path, runs: int) -> None:
    from studycli.runtime.services import registry

    home = registry.ensure_distribution(show_progress=False)
    java = registry.find_java()
    ready, rss_ready, rss_loaded = [], [], []
    for run in range(runs):
        service = registry.SchemaRegistry(
            "registry",
            tmp / f"registry-{run}",
            {"http": free_port(), "management": free_port()},
            home=home,
            java=java.executable,
        )
        start = time.perf_counter()
        service.start()
        try:
            while not service.is_ready():
                if not service.is_running():
                    raise SystemExit(service.logs(40))
                time.sleep(0.05)
            ready.append(time.perf_counter() - start)
            rss_ready.append(service.rss_kib() / 1024)
            from studycli.schema.live import Registry

            client = Registry(service.url)
            for index, case in enumerate(CASES):
                for text in case.history:
                    client.try_register(f"bench-{index}-value", text)
            rss_loaded.append(service.rss_kib() / 1024)
        finally:
            service.stop()
            service.clean()
    print(report(f"registry alone: start to ready (Java {java.major})", ready))
    print(f"{'registry RSS at ready':<45} median {statistics.median(rss_ready):8.1f} MiB (n={runs})")
    print(
        f"{'registry RSS after registering the cases':<45} median {statistics.median(rss_loaded):8.1f} MiB (n={runs})"
    )


def bench_env(tmp: Path, runs: int, check_runs: int) -> None:
    base = dict(os.environ)
    base.pop("SCHEMA_REGISTRY_URL", None)
    results: dict[str, list[float]] = {"kafka": [], "kafka+registry": []}
    rss: list[float] = []
    for run in range(runs):
        for topology in ("kafka", "kafka+registry"):
            env = dict(
                base,
                STUDY_HOME=str(tmp / f"home-{topology}-{run}"),
                STUDY_ENV_DIR=str(tmp / f"env-{topology}-{run}"),
            )
            start = time.perf_counter()
            up = study(["env", "up", topology], env)
            elapsed = time.perf_counter() - start
            try:
                if up.returncode != 0:
                    raise SystemExit(up.stderr)
                results[topology].append(elapsed)
                if topology == "kafka+registry":
                    status = json.loads(study(["env", "status", "--json"], env).stdout)
                    service = next(s for s in status["services"] if s["kind"] == "schema-registry")
                    rss.append(service["rss_kib"] / 1024)
                    if run == runs - 1:
                        bench_against(tmp, status["registry_url"], env, check_runs)
            finally:
                study(["env", "down"], env)
    print(report("study env up kafka", results["kafka"]))
    print(report("study env up kafka+registry", results["kafka+registry"], results["kafka"]))
    print(
        f"{'registry RSS in kafka+registry, at ready':<45} median {statistics.median(rss):8.1f} MiB (n={runs})"
    )


def bench_against(tmp: Path, url: str, env: dict, runs: int) -> None:
    from studycli.schema.live import Registry

    case = next(c for c in CASES if c.name == "add field with default")
    registry = Registry(url)
    registry.register("bench-orders-value", case.history[0])
    new = tmp / "against-new.avsc"
    new.write_text(case.history[1])
    times = wall_times(
        study_cmd("schema", "check", str(new), "--against", "bench-orders-value"), runs, env=env
    )
    print(report("study schema check NEW --against SUBJECT", times))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="environment and registry runs")
    parser.add_argument("--check-runs", type=int, default=20, help="`study schema check` runs")
    parser.add_argument("--skip-env", action="store_true", help="only the check and registry-alone figures")
    args = parser.parse_args()
    install = subprocess.run(study_cmd("env", "install"), capture_output=True, text=True)
    if install.returncode != 0:
        sys.exit(install.stderr)
    with tempfile.TemporaryDirectory(prefix="bench-schema-") as tmp:
        tmp_path = Path(tmp)
        bench_check(tmp_path, args.check_runs)
        bench_registry_alone(tmp_path, args.runs)
        if not args.skip_env:
            bench_env(tmp_path, args.runs, args.check_runs)


if __name__ == "__main__":
    main()
