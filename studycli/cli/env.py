"""`study env`: live environments (real Kafka KRaft clusters) for drills."""

from __future__ import annotations

import json
import os
import sys
import time

import click

from studycli.errors import StudyError


def _console():
    from rich.console import Console

    return Console()


def _require_env():
    from studycli.runtime import environment as envs

    env = envs.current()
    if env is None:
        raise StudyError("no environment is running", hint="start one with `study env up`")
    return env


@click.group()
def env():
    """Run a real Kafka 4.x cluster (three KRaft nodes on 127.0.0.1) for drills."""


@env.command()
def install():
    """Download and verify the Kafka jars (Maven Central, or STUDY_MAVEN_REPO) into the cache."""
    from studycli.runtime import artifacts
    from studycli.runtime.java import find_java

    java = find_java()
    started = time.monotonic()
    dist = artifacts.ensure_distribution(show_progress=True)
    if artifacts.corrupt_jars:
        click.echo(
            f"re-downloaded {len(artifacts.corrupt_jars)} corrupt cached jar(s): "
            + ", ".join(artifacts.corrupt_jars),
            err=True,
        )
    where = os.environ.get("KAFKA_HOME") if dist.source == "KAFKA_HOME" else str(artifacts.maven_dir())
    click.echo(
        f"Kafka {dist.kafka_version}: {len(dist.jars)} jars ready in {where} "
        f"({time.monotonic() - started:.1f} s); Java {java.version} at {java.executable}"
    )
    from studycli.runtime.services import registry

    started = time.monotonic()
    home = registry.ensure_distribution(show_progress=True)
    click.echo(
        f"Schema Registry (Apicurio {registry.registry_version()}) ready in {home} "
        f"({time.monotonic() - started:.1f} s)"
    )


@env.command()
@click.argument("topology", default="kafka")
@click.option(
    "--backend",
    type=click.Choice(["local", "docker"]),
    default="local",
    show_default=True,
    help="local JVM processes, or docker compose (needs a Docker engine)",
)
@click.option(
    "--base-port",
    type=int,
    default=None,
    help="use fixed ports from here on (default: free ports chosen at start; env STUDY_ENV_BASE_PORT)",
)
@click.option("--timeout", type=float, default=None, help="readiness limit in seconds (default 120)")
def up(topology, backend, base_port, timeout):
    """Start an environment (default topology: kafka) and wait until it is ready."""
    import signal

    from studycli.runtime import environment as envs

    def interrupted(signum, _frame):  # SIGTERM / SIGHUP: tear down like Ctrl-C does
        raise KeyboardInterrupt(signal.Signals(signum).name)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)
    started = time.monotonic()
    with _console().status(f"starting {topology} ({backend})..."):
        environment = envs.up(
            topology, backend=backend, base_port=base_port, timeout=timeout, show_progress=True
        )
    click.echo(f"{environment.topology} ready in {time.monotonic() - started:.1f} s")
    click.echo(f"BOOTSTRAP_SERVERS={environment.bootstrap_servers}")
    if environment.registry_url:
        click.echo(f"SCHEMA_REGISTRY_URL={environment.registry_url}")
    click.echo("tools: `study env shell`; stop with `study env down`")


@env.command()
def down():
    """Stop everything and delete the environment's data."""
    from studycli.runtime import environment as envs

    started = time.monotonic()
    result = envs.down()
    if result is None:
        click.echo("no environment is running; nothing to stop")
        return
    note = " (stale state from an earlier run that crashed)" if result["stale"] else ""
    click.echo(
        f"stopped {result['topology']}{note} and deleted its data in {time.monotonic() - started:.1f} s"
    )
    if result["busy_ports"]:
        raise StudyError(
            f"ports still in use after stopping: {result['busy_ports']}",
            hint="another process holds them; check with `ss -ltnp`",
        )


@env.command()
@click.option("--json", "as_json", is_flag=True, help="print the state (ports, pids, URLs) as JSON")
def status(as_json):
    """Show the running environment: nodes, ports, pids, memory."""
    from studycli.runtime import environment as envs
    from studycli.runtime import state

    environment = envs.current()
    if environment is None:
        stale = state.read() is not None
        if as_json:
            click.echo(json.dumps({"running": False, "stale": stale}))
        else:
            click.echo(
                "no environment is running"
                + (" (stale state found: `study env down` cleans it)" if stale else "")
            )
        return
    info = environment.status()
    info["running"] = True
    if as_json:
        click.echo(json.dumps(info, indent=1))
        return
    from rich.table import Table

    table = Table(
        title=f"{info['topology']} ({info['backend']}, Kafka {info['kafka_version']}, "
        f"Java {info['java_version']})"
    )
    for column in ("node", "roles", "broker port", "controller port", "pid", "RSS MiB", "state"):
        table.add_column(column)
    for node in info["nodes"]:
        rss = node.get("rss_kib")
        table.add_row(
            node["name"],
            node["roles"],
            str(node["ports"]["broker"]),
            str(node["ports"]["controller"]),
            str(node.get("pid") or "-"),
            f"{rss / 1024:.0f}" if rss else "-",
            "running" if node["running"] else node.get("wanted", "stopped"),
        )
    for entry in info.get("services", []):
        rss = entry.get("rss_kib")
        table.add_row(
            entry["name"],
            entry["kind"],
            ", ".join(str(p) for p in entry["ports"].values()),
            "",
            str(entry.get("pid") or "-"),
            f"{rss / 1024:.0f}" if rss else "-",
            "running" if entry["running"] else "stopped",
        )
    console = _console()
    console.print(table)
    console.print(f"BOOTSTRAP_SERVERS={info['bootstrap_servers']}")
    if info.get("registry_url"):
        console.print(f"SCHEMA_REGISTRY_URL={info['registry_url']}")


@env.command()
@click.argument("node")
@click.option("-f", "--follow", is_flag=True, help="keep printing new lines (Ctrl-C to stop)")
@click.option("-n", "--lines", type=int, default=50, show_default=True, help="how many lines from the end")
def logs(node, follow, lines):
    """Print a node's log (NODE: 1, kafka-1, or a service name)."""
    environment = _require_env()
    click.echo(environment.logs(node, lines))
    if not follow:
        return
    if environment.backend == "docker":
        raise StudyError(
            "-f is for the local backend", hint=f"docker compose -p study-{environment.topology} logs -f"
        )
    path = environment.log_file(node)
    with path.open(errors="replace") as fh:
        fh.seek(0, os.SEEK_END)
        try:
            while True:
                line = fh.readline()
                if line:
                    sys.stdout.write(line)
                    sys.stdout.flush()
                else:
                    time.sleep(0.2)
        except KeyboardInterrupt:
            return


@env.command()
def shell():
    """Open a subshell with the Kafka tools (kafka-topics.sh...) on PATH and BOOTSTRAP_SERVERS set."""
    import subprocess
    import tempfile

    environment = _require_env()
    tool_env = environment.tool_env()
    user_shell = os.environ.get("SHELL", "/bin/bash")
    tag = f"(study:{environment.topology})"
    click.echo(f"{tag} tools: {', '.join(environment.tool_names())}")
    click.echo(f"BOOTSTRAP_SERVERS={environment.bootstrap_servers}; `exit` to leave")
    if os.path.basename(user_shell) == "bash":
        with tempfile.NamedTemporaryFile("w", suffix=".bashrc", delete=False) as rc:
            rc.write("[ -f ~/.bashrc ] && . ~/.bashrc\n")
            rc.write(f'export PATH="{environment.state["bin_dir"]}:$PATH"\n')
            rc.write(f'PS1="{tag} $PS1"\n')
        try:
            code = subprocess.call([user_shell, "--rcfile", rc.name, "-i"], env=tool_env)
        finally:
            os.unlink(rc.name)
    else:
        tool_env["PS1"] = f"{tag} " + tool_env.get("PS1", "$ ")
        tool_env["PROMPT"] = f"{tag} %~ %# "  # zsh
        code = subprocess.call([user_shell, "-i"], env=tool_env)
    sys.exit(code)


def _node_command(action: str):
    @click.argument("node_id", type=int)
    def command(node_id):
        environment = _require_env()
        started = time.monotonic()
        getattr(environment, f"{action}_node")(node_id)
        click.echo(f"node {node_id}: {action} done in {time.monotonic() - started:.1f} s")

    return command


env.command("start-node", help="Start a stopped or killed node and wait until it is registered.")(
    _node_command("start")
)
env.command("stop-node", help="Stop a node cleanly (SIGTERM: controlled shutdown).")(_node_command("stop"))
env.command("kill-node", help="Kill a node with SIGKILL, as a crash would.")(_node_command("kill"))
