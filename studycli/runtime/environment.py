"""The one entry point other code uses for live environments: `up`, `current`, `down`, `Environment`.

    env = up("kafka")          # three KRaft nodes on 127.0.0.1, ready when this returns
    env = current()            # the running environment, or None (also None for stale state)
    down()                     # stop everything, delete the data

The state file (paths.state_dir()/env/state.json) records ports, pids and URLs, so every `study`
process (and every test) sees the same environment.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import time
from pathlib import Path

from studycli.errors import StudyError
from studycli.runtime import state, topologies
from studycli.runtime.backends import local

READY_TIMEOUT_S = float(os.environ.get("STUDY_ENV_READY_TIMEOUT", "120"))
LOG_TAIL_LINES = 40

_quiet = logging.getLogger("studycli.runtime.kafka-client")
_quiet.addHandler(logging.NullHandler())
_quiet.propagate = False


class Environment:
    """A running environment, described by its state file."""

    def __init__(self, st: dict):
        self._state = st
        self._dir = Path(st["env_dir"])

    # --- description -----------------------------------------------------------------------------
    @property
    def topology(self) -> str:
        return self._state["topology"]

    @property
    def backend(self) -> str:
        return self._state["backend"]

    @property
    def bootstrap_servers(self) -> str:
        return self._state["bootstrap_servers"]

    @property
    def registry_url(self) -> str | None:
        return self._state.get("registry_url")

    @property
    def state(self) -> dict:
        """A copy of the state record (what `study env status --json` prints)."""
        import copy

        return copy.deepcopy(self._state)

    def node_ids(self) -> list[int]:
        return [n["node_id"] for n in self._state["nodes"]]

    def _node_entry(self, node_id: int) -> dict:
        for node in self._state["nodes"]:
            if node["node_id"] == node_id:
                return node
        raise StudyError(
            f"there is no node {node_id} in this environment",
            hint=f"nodes: {', '.join(str(i) for i in self.node_ids())}",
        )

    def _service(self, name: str):
        """A Service object by name ('kafka-2', '2', or an extra service such as 'registry')."""
        if name.isdigit():
            return local.kafka_node(self._state, self._node_entry(int(name)))
        for node in self._state["nodes"]:
            if node["name"] == name:
                return local.kafka_node(self._state, node)
        for entry in self._state.get("services", []):
            if entry["name"] == name:
                return local.extra_service(self._state, entry)
        names = [n["name"] for n in self._state["nodes"]] + [
            e["name"] for e in self._state.get("services", [])
        ]
        raise StudyError(
            f"no service named {name!r} in this environment", hint=f"services: {', '.join(names)}"
        )

    def _node(self, node_id: int):
        return local.kafka_node(self._state, self._node_entry(node_id))

    def _backend(self):
        if self.backend == "docker":
            from studycli.runtime.backends import docker

            return docker.DockerOps(self._state)
        return None

    # --- nodes -----------------------------------------------------------------------------------
    def node_running(self, node_id: int) -> bool:
        ops = self._backend()
        if ops:
            return ops.running(self._node_entry(node_id)["name"])
        return self._node(node_id).is_running()

    def _set_wanted(self, node_id: int, wanted: str) -> None:
        self._node_entry(node_id)["wanted"] = wanted
        st = state.read(self._dir)
        if st is not None:
            for node in st["nodes"]:
                if node["node_id"] == node_id:
                    node["wanted"] = wanted
            state.write(st)

    def stop_node(self, node_id: int, timeout: float = 60.0) -> None:
        """SIGTERM (a clean, controlled shutdown) and wait for the process to exit."""
        entry = self._node_entry(node_id)
        with state.locked(self._dir):
            ops = self._backend()
            if ops:
                ops.stop(entry["name"])
            else:
                self._node(node_id).stop(timeout=timeout)
                if local.finish_class_archive(self._state):  # node 1 trained the class archive
                    st = state.read(self._dir)
                    if st is not None:
                        st["archive"], st["nodes"] = self._state["archive"], self._state["nodes"]
                        state.write(st)
            self._set_wanted(node_id, "stopped")

    def kill_node(self, node_id: int) -> None:
        """SIGKILL, as a crash or a power cut would."""
        entry = self._node_entry(node_id)
        with state.locked(self._dir):
            ops = self._backend()
            if ops:
                ops.kill(entry["name"])
            else:
                self._node(node_id).kill()
            self._set_wanted(node_id, "killed")

    def start_node(self, node_id: int, timeout: float | None = None, in_sync: bool = True) -> None:
        """Start a stopped or killed node and wait until it is registered again and (with `in_sync`)
        back in the ISR of every partition it replicates that has a leader."""
        entry = self._node_entry(node_id)
        with state.locked(self._dir):
            ops = self._backend()
            if ops:
                ops.start(entry["name"])
            else:
                node = self._node(node_id)
                if not node.is_running():
                    node.start()
            self._set_wanted(node_id, "running")
        self.wait_ready(timeout=timeout)
        if in_sync:
            self.wait_in_sync(timeout=timeout, node_ids=[node_id])

    def wait_in_sync(self, timeout: float | None = None, node_ids: list[int] | None = None) -> None:
        """Wait until the given nodes (default: every node meant to run) are in the ISR of each partition
        they replicate that has a leader. Nodes stopped on purpose are not waited for."""
        timeout = READY_TIMEOUT_S if timeout is None else timeout
        deadline = time.monotonic() + timeout
        if node_ids is None:
            node_ids = [n["node_id"] for n in self._state["nodes"] if n.get("wanted", "running") == "running"]
        watched = set(node_ids)
        admin = self.admin()
        lagging: list[str] = []
        while True:
            try:
                metadata = admin.list_topics(timeout=5)
                lagging = [
                    f"{t.topic}-{p.id}"
                    for t in metadata.topics.values()
                    for p in t.partitions.values()
                    if p.leader >= 0 and (watched & set(p.replicas)) - set(p.isrs)
                ]
                if not lagging:
                    return
            except Exception:  # KafkaException while a broker restarts: ask again
                pass
            if time.monotonic() > deadline:
                raise StudyError(
                    f"node(s) {sorted(watched)} run, but are not back in the ISR of "
                    f"{', '.join(lagging[:10])} after {timeout:.0f} s",
                    hint="kafka-topics.sh --describe --under-replicated-partitions shows which; "
                    "see `study env logs NODE`",
                )
            time.sleep(0.2)

    # --- readiness -------------------------------------------------------------------------------
    def admin(self, **config):
        """A confluent_kafka AdminClient for this environment (librdkafka's connection noise muted)."""
        from confluent_kafka.admin import AdminClient

        return AdminClient({"bootstrap.servers": self.bootstrap_servers, "logger": _quiet, **config})

    def wait_ready(self, timeout: float | None = None, services: bool = True, nodes: bool = True) -> None:
        """Wait until every running node answers a metadata request itself (on its own port) and the
        cluster's metadata lists all their brokers as registered.

        Asking each node directly matters after a kill: the cluster keeps a killed broker registered
        until its session times out, so the cluster-wide list alone would call it ready too early.
        Fails at once when a node process dies, and after `timeout` seconds otherwise; the error carries
        the tail of the failing node's log. Never a sleep standing in for a probe.
        """
        timeout = READY_TIMEOUT_S if timeout is None else timeout
        deadline = time.monotonic() + timeout
        entries = {
            n["node_id"]: n for n in self._state["nodes"] if nodes and n.get("wanted", "running") == "running"
        }
        expected = set(entries)
        cluster = self.admin(**{"socket.connection.setup.timeout.ms": 1000})
        answered: set[int] = set()
        seen: set[int] = set()
        while expected:
            for node_id in expected:
                if not self.node_running(node_id):
                    raise self._node_failure(node_id, "exited while starting")
            for node_id in sorted(expected - answered):
                # A fresh client knows only the node's own address, so its first answer is the node's.
                port = entries[node_id]["ports"]["broker"]
                probe = self.admin(
                    **{"bootstrap.servers": f"127.0.0.1:{port}", "socket.connection.setup.timeout.ms": 1000}
                )
                try:
                    metadata = probe.list_topics(timeout=2)
                except Exception:  # KafkaException while the node does not answer yet
                    continue
                if (metadata.orig_broker_name or "").startswith(f"127.0.0.1:{port}/"):
                    answered.add(node_id)
                    seen = set(metadata.brokers)
            if answered == expected and expected <= seen:
                break
            if answered == expected:  # every node answers; wait for the registrations to show everywhere
                with contextlib.suppress(Exception):
                    seen = set(cluster.list_topics(timeout=1).brokers)
                if expected <= seen:
                    break
            if time.monotonic() > deadline:
                waiting = sorted((expected - answered) or (expected - seen)) or sorted(expected)
                raise self._node_failure(
                    waiting[0],
                    f"was not ready after {timeout:.0f} s (answering: {sorted(answered) or 'none'}; "
                    f"registered: {sorted(seen) or 'none'})",
                )
            time.sleep(0.1)
        for entry in self._state.get("services", []) if services else []:
            if entry.get("wanted", "running") == "running":
                self._wait_service(entry, deadline)

    def _wait_service(self, entry: dict, deadline: float) -> None:
        service = local.extra_service(self._state, entry)
        while not service.is_ready():
            if not service.is_running():
                raise StudyError(
                    f"{entry['name']} exited while starting; its log ends with:\n"
                    f"{service.logs(LOG_TAIL_LINES)}",
                    hint=f"full log: study env logs {entry['name']}",
                )
            if time.monotonic() > deadline:
                raise StudyError(
                    f"{entry['name']} was not ready in time; its log ends with:\n"
                    f"{service.logs(LOG_TAIL_LINES)}",
                    hint=f"full log: study env logs {entry['name']}",
                )
            time.sleep(0.1)

    def _node_failure(self, node_id: int, what: str) -> StudyError:
        entry = self._node_entry(node_id)
        tail = self.logs(entry["name"], LOG_TAIL_LINES)
        hint = f"full log: study env logs {node_id}"
        if "Address already in use" in tail or "BindException" in tail:
            ports = ", ".join(str(p) for p in entry["ports"].values())
            return StudyError(
                f"{entry['name']} could not bind its ports ({ports}): another process took one of them",
                hint="run `study env up` again (it picks new free ports), or free the port",
            )
        return StudyError(f"{entry['name']} {what}; its log ends with:\n{tail}", hint=hint)

    # --- logs and tools --------------------------------------------------------------------------
    def logs(self, name: str, tail: int | None = 50) -> str:
        ops = self._backend()
        if ops:
            entry = self._node_entry(int(name)) if name.isdigit() else {"name": name}
            return ops.logs(entry["name"], tail)
        return self._service(name).logs(tail)

    def log_file(self, name: str) -> Path:
        return self._service(name).log_file

    def tool_names(self) -> list[str]:
        return sorted(self._state.get("tools", {}))

    def tool_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PATH"] = self._state["bin_dir"] + os.pathsep + env.get("PATH", "")
        env["BOOTSTRAP_SERVERS"] = self.bootstrap_servers
        env["STUDY_ENV"] = self.topology
        if self.registry_url:
            env["SCHEMA_REGISTRY_URL"] = self.registry_url
        for var in ("KAFKA_OPTS", "KAFKA_HEAP_OPTS", "KAFKA_LOG4J_OPTS"):
            env.pop(var, None)
        return env

    def run_tool(
        self,
        tool: str,
        args: list[str] | tuple[str, ...] = (),
        input: str | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess:
        """Run a real Kafka tool (e.g. "kafka-topics.sh") through its wrapper; output captured as text."""
        script = Path(self._state["bin_dir"]) / tool
        if not script.is_file():
            raise StudyError(
                f"no tool named {tool!r} in this environment", hint=f"tools: {', '.join(self.tool_names())}"
            )
        try:
            return subprocess.run(
                [str(script), *args],
                env=self.tool_env(),
                input=input,
                text=True,
                capture_output=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as err:
            raise StudyError(f"{tool} did not finish within {timeout:.0f} s") from err

    # --- status ----------------------------------------------------------------------------------
    def status(self) -> dict:
        """State plus live facts (running, pid, RSS) for every service."""
        st = self.state
        ops = self._backend()
        for node in st["nodes"]:
            if ops:
                node["running"] = ops.running(node["name"])
                continue
            service = local.kafka_node(self._state, node)
            node["pid"] = service.pid()
            node["running"] = node["pid"] is not None
            node["rss_kib"] = service.rss_kib()
        for entry in st.get("services", []):
            service = local.extra_service(self._state, entry)
            entry["pid"] = service.pid()
            entry["running"] = entry["pid"] is not None
            entry["rss_kib"] = service.rss_kib()
        return st


# --- module-level entry points -----------------------------------------------------------------
def current() -> Environment | None:
    """The environment described by the state file, or None when there is none or it is stale
    (nothing of ours alive any more: a crashed run or a reboot; `up` and `down` clean it up)."""
    st = state.read()
    if st is None or is_stale(st):
        return None
    return Environment(st)


def is_stale(st: dict) -> bool:
    if st.get("backend") == "docker":
        return False
    try:
        if local.any_alive(st):
            return False
    except StudyError:
        return False
    wanted = [n.get("wanted", "running") for n in st.get("nodes", [])]
    return "running" in wanted


def up(
    topology: str = "kafka",
    *,
    backend: str = "local",
    base_port: int | None = None,
    timeout: float | None = None,
    show_progress: bool = False,
) -> Environment:
    """Start an environment and return it once ready. Fails (starting nothing) if one already runs.

    If anything fails or is interrupted (Ctrl-C) half-way, everything started is stopped and removed.
    """
    spec = topologies.get(topology)
    if base_port is None and os.environ.get(local.BASE_PORT_ENV):
        try:
            base_port = int(os.environ[local.BASE_PORT_ENV])
        except ValueError:
            raise StudyError(f"{local.BASE_PORT_ENV} must be a port number") from None
    with state.locked():
        existing = state.read()
        if existing is not None:
            if not is_stale(existing):
                raise StudyError(
                    f"an environment is already running (topology {existing['topology']}, "
                    f"started {existing.get('started_at', '?')}, bootstrap {existing['bootstrap_servers']})",
                    hint="use it as it is, or run `study env down` first",
                )
            _teardown(existing)
        if backend == "docker":
            from studycli.runtime.backends import docker

            return Environment(docker.up(spec, timeout=timeout))
        if backend != "local":
            raise StudyError(f"unknown backend {backend!r}", hint="use `local` (default) or `docker`")
        began = time.monotonic()
        st = local.build_state(spec, base_port, show_progress)
        state.write(st)
        try:
            prepared = time.monotonic()
            local.format_and_start(st)
            local.start_extra_services(st, early=True)  # e.g. the registry: it does not need Kafka
            launched = time.monotonic()
            state.write(st)
            env = Environment(st)
            env.wait_ready(timeout=timeout, services=False)  # extras are not started yet
            kafka_ready = time.monotonic()
            local.start_extra_services(st, early=False)
            env.wait_ready(timeout=timeout, nodes=False)  # the nodes were just found ready
            st["timings_s"] = {  # read by benchmarks/bench_env.py
                "prepare": round(prepared - began, 3),
                "format_and_launch": round(launched - prepared, 3),
                "launch_to_kafka_ready": round(kafka_ready - launched, 3),
                "extra_services": round(time.monotonic() - kafka_ready, 3),
            }
            st["status"] = "running"
            st["owner_pid"] = None
            state.write(st)
            return Environment(st)
        except BaseException:
            _teardown(st, keep_archive=False)
            raise


def _teardown(st: dict, keep_archive: bool = True) -> list[int]:
    """Stop whatever the state describes, delete its files and the state. Returns ports still busy."""
    if st.get("backend") == "docker":
        from studycli.runtime.backends import docker

        docker.down(st)
        state.remove(st.get("env_dir"))
        return []
    local.stop_all(st, graceful=False, keep_archive=keep_archive)
    busy = local.wait_stopped_ports(st)
    local.remove_files(st)
    state.remove(st.get("env_dir"))
    return busy


def down() -> dict | None:
    """Stop everything and delete the data. Returns what was torn down ({'topology', 'stale', ...}),
    or None when nothing was there."""
    with state.locked():
        st = state.read()
        if st is None:
            return None
        stale = is_stale(st)
        busy = _teardown(st)
        return {"topology": st["topology"], "stale": stale, "busy_ports": busy}
