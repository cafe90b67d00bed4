#!/usr/bin/env python3
"""Time `study env up` to ready (warm jar cache), RSS per node, and `study env down`; medians.

    .venv/bin/python benchmarks/bench_env.py [--runs 5] [--profile tuned|kafka-default|jvm-default]
                                             [--java /path/to/jdk] [--opts "-XX:..."]

Each run is a real `study env up` / `study env down` as a learner types them (a new Python process each
time), in a private environment directory. Other JVMs on the machine skew the figures: run it alone.
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


def study(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "studycli", *args], capture_output=True, text=True, env=env, timeout=600
    )


def cpu_seconds(pid: int | None) -> float:
    """user+sys CPU time a process has used (Linux /proc): start-up work, less skewed by other load."""
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_group_seconds(bootstrap: str) -> float:
    """Seconds until a brand-new consumer group reads its first message: includes creating the internal
    __consumer_offsets topic (its partition count is one of the tuned settings)."""
    from confluent_kafka import Consumer, Producer

    producer = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
    producer.produce("bench-first-group", value=b"x")
    producer.flush(60)
    began = time.perf_counter()
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": "bench", "auto.offset.reset": "earliest"}
    )
    consumer.subscribe(["bench-first-group"])
    try:
        while True:
            message = consumer.poll(1.0)
            if message is not None and message.error() is None:
                return time.perf_counter() - began
            if time.perf_counter() - began > 120:
                raise SystemExit("no message within 120 s")
    finally:
        consumer.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--warmup",
        type=int,
        default=1,
        help="unmeasured up/down cycles first (they also train the class archive)",
    )
    parser.add_argument("--profile", default="tuned", help="STUDY_JVM_PROFILE for the nodes")
    parser.add_argument("--java", default=None, help="JAVA_HOME to run the nodes with (default: as found)")
    parser.add_argument(
        "--first-group",
        action="store_true",
        help="also time a new consumer group's first message (creates __consumer_offsets)",
    )
    parser.add_argument("--opts", default="", help="extra node JVM flags (STUDY_KAFKA_JVM_OPTS)")
    parser.add_argument(
        "--settle",
        type=float,
        default=0.0,
        help="also sample RSS this many seconds after ready (0: only at ready)",
    )
    args = parser.parse_args()

    env = {**os.environ, "STUDY_JVM_PROFILE": args.profile, "STUDY_KAFKA_JVM_OPTS": args.opts}
    if args.java:
        env["JAVA_HOME"] = args.java
    install = study(["env", "install"], env)  # warm the jar cache; not timed
    if install.returncode != 0:
        sys.exit(install.stderr)

    ups, downs, totals, settled_totals, cpus, groups = [], [], [], [], [], []
    phases: dict[str, list[float]] = {}
    per_node: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-env-") as tmp:
        env["STUDY_ENV_DIR"] = os.path.join(tmp, "env")
        env["STUDY_HOME"] = os.path.join(tmp, "home")
        for _ in range(args.warmup):
            if study(["env", "up"], env).returncode != 0 or study(["env", "down"], env).returncode != 0:
                sys.exit("warm-up up/down failed")
        for run in range(args.runs):
            began = time.perf_counter()
            up = study(["env", "up"], env)
            ups.append(time.perf_counter() - began)
            if up.returncode != 0:
                study(["env", "down"], env)
                sys.exit(f"run {run}: up failed:\n{up.stderr}")
            status = json.loads(study(["env", "status", "--json"], env).stdout)
            for name, value in status.get("timings_s", {}).items():
                phases.setdefault(name, []).append(value)
            total = 0.0
            for node in status["nodes"]:
                mib = (node["rss_kib"] or 0) / 1024
                per_node.setdefault(node["name"], []).append(mib)
                total += mib
            totals.append(total)
            cpus.append(sum(cpu_seconds(n["pid"]) for n in status["nodes"]))
            if args.first_group:
                groups.append(first_group_seconds(status["bootstrap_servers"]))
            if args.settle:
                time.sleep(args.settle)
                settled = json.loads(study(["env", "status", "--json"], env).stdout)
                settled_totals.append(sum((n["rss_kib"] or 0) / 1024 for n in settled["nodes"]))
            began = time.perf_counter()
            down = study(["env", "down"], env)
            downs.append(time.perf_counter() - began)
            if down.returncode != 0:
                sys.exit(f"run {run}: down failed:\n{down.stderr}")
            print(
                f"run {run + 1}/{args.runs}: up {ups[-1]:.2f} s, node CPU {cpus[-1]:.1f} s, RSS {total:.0f} MiB, "
                f"down {downs[-1]:.2f} s",
                file=sys.stderr,
            )

    med = statistics.median
    java = status.get("java_version", "?")
    print(f"profile={args.profile} java={java} opts={args.opts!r} runs={args.runs}")
    print(
        f"  study env up -> ready (warm cache): median {med(ups):.2f} s  (min {min(ups):.2f}, max {max(ups):.2f})"
    )
    for name, values in phases.items():
        print(f"    {name:<24} median {med(values):.2f} s")
    for name, values in per_node.items():
        print(f"  RSS {name} at ready: median {med(values):.0f} MiB")
    print(f"  RSS total at ready: median {med(totals):.0f} MiB")
    print(f"  CPU used by the 3 nodes up to ready: median {med(cpus):.1f} s")
    if settled_totals:
        print(f"  RSS total {args.settle:.0f} s after ready: median {med(settled_totals):.0f} MiB")
    if groups:
        print(f"  first message of a new consumer group: median {med(groups):.2f} s")
    print(f"  study env down: median {med(downs):.2f} s")


if __name__ == "__main__":
    main()
