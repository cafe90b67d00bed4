"""The embedded default backend: real Kafka JVM processes on 127.0.0.1, supervised by the CLI."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import time
import uuid
from pathlib import Path

from studycli import clock
from studycli.errors import StudyError
from studycli.runtime import artifacts, jvm, state, tools
from studycli.runtime.java import find_java
from studycli.runtime.services import service_class
from studycli.runtime.services.base import Service, ServiceContext
from studycli.runtime.services.kafka import HOST, KafkaNode, new_kafka_uuid
from studycli.runtime.topologies import Topology

BASE_PORT_ENV = "STUDY_ENV_BASE_PORT"


# --- ports -------------------------------------------------------------------------------------
def port_free(port: int) -> bool:
    """Could a server bind 127.0.0.1:port now? (SO_REUSEADDR like the JVM, so TIME_WAIT does not count.)"""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def allocate_ports(count: int, base_port: int | None = None) -> list[int]:
    """`count` ports: base_port, base_port+1... when given (each must be free), else free ones from the OS."""
    if base_port is not None:
        ports = list(range(base_port, base_port + count))
        for port in ports:
            if not 0 < port < 65536:
                raise StudyError(
                    f"port {port} is out of range", hint="choose a base port between 1024 and 65000"
                )
            if not port_free(port):
                raise StudyError(
                    f"port {port} on {HOST} is already in use (the environment needs ports "
                    f"{ports[0]}-{ports[-1]})",
                    hint=f"free that port, choose another --base-port / {BASE_PORT_ENV}, or leave it unset "
                    "to let study pick free ports",
                )
        return ports
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((HOST, 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


# --- services from state -----------------------------------------------------------------------
def kafka_nodes(st: dict) -> list[KafkaNode]:
    return [kafka_node(st, n) for n in st["nodes"]]


def kafka_node(st: dict, node: dict) -> KafkaNode:
    return KafkaNode(
        node["name"],
        Path(node["dir"]),
        node["ports"],
        node_id=node["node_id"],
        java=st["java"],
        classpath_file=Path(st["classpath_file"]),
        cluster_id=st["cluster_id"],
        directory_id=node["directory_id"],
        quorum_bootstrap=st["quorum_bootstrap"],
        initial_controllers=st["initial_controllers"],
        settings=st["kafka_settings"],
        roles=node["roles"],
        jvm_flags=[*st["server_flags"], *node.get("archive_flags", [])] if "server_flags" in st else None,
    )


def extra_service(st: dict, entry: dict) -> Service:
    from studycli.runtime.topologies import ServiceSpec

    cls = service_class(entry["kind"])
    context = ServiceContext(
        env_dir=Path(st["env_dir"]),
        java=st["java"],
        classpath_file=Path(st["classpath_file"]),
        bootstrap_servers=st["bootstrap_servers"],
        ports=entry["ports"],
        kafka_version=st["kafka_version"],
    )
    return cls.from_spec(ServiceSpec(entry["kind"], entry["name"], entry.get("options", {})), context)


def all_services(st: dict) -> list[Service]:
    return [*kafka_nodes(st), *(extra_service(st, e) for e in st.get("services", []))]


def any_alive(st: dict) -> bool:
    return any(s.is_running() for s in all_services(st))


# --- up / down ---------------------------------------------------------------------------------
def build_state(topology: Topology, base_port: int | None, show_progress: bool) -> dict:
    """Resolve Java and the jars, choose ports, write configs and tool wrappers. Starts nothing."""
    java = find_java()
    extra_classes = [(spec, service_class(spec.kind)) for spec in topology.services]
    port_count = 2 * len(topology.kafka_nodes) + sum(len(cls.port_names) for _, cls in extra_classes)
    ports = iter(allocate_ports(port_count, base_port))
    dist = artifacts.ensure_distribution(show_progress=show_progress)
    env_dir = state.env_dir()

    nodes = []
    for spec in topology.kafka_nodes:
        nodes.append(
            {
                "node_id": spec.node_id,
                "name": spec.name,
                "roles": spec.roles,
                "dir": str(env_dir / "nodes" / spec.name),
                "ports": {"broker": next(ports), "controller": next(ports)},
                "directory_id": new_kafka_uuid(),
                "wanted": "running",
            }
        )
    controllers = [n for n in nodes if "controller" in n["roles"]]
    st = {
        "version": 1,
        "backend": "local",
        "topology": topology.name,
        "status": "starting",
        "started_at": clock.now().isoformat(timespec="seconds"),
        "owner_pid": os.getpid(),
        "env_dir": str(env_dir),
        "kafka_version": dist.kafka_version,
        "jars_from": dist.source,
        "java": java.executable,
        "java_version": java.version,
        "jvm_profile": jvm.profile_name(),
        "server_flags": jvm.server_flags(),
        "cluster_id": new_kafka_uuid(),
        "classpath_file": str(jvm.write_classpath_file(env_dir / "classpath.args", dist.classpath)),
        "bin_dir": str(env_dir / "bin"),
        "kafka_settings": dict(topology.kafka_settings),
        "quorum_bootstrap": ",".join(f"{HOST}:{n['ports']['controller']}" for n in controllers),
        "initial_controllers": ",".join(
            f"{n['node_id']}@{HOST}:{n['ports']['controller']}:{n['directory_id']}" for n in controllers
        ),
        "nodes": nodes,
        "bootstrap_servers": ",".join(f"{HOST}:{n['ports']['broker']}" for n in nodes),
        "registry_url": None,
        "services": [],
    }
    for spec, cls in extra_classes:
        entry = {
            "kind": spec.kind,
            "name": spec.name,
            "options": dict(spec.options),
            "dir": str(env_dir / "services" / spec.name),
            "ports": {name: next(ports) for name in cls.port_names},
            "wanted": "running",
        }
        st["services"].append(entry)
        url = getattr(extra_service(st, entry), "url", None)
        if spec.kind == "schema-registry":
            st["registry_url"] = url
    plan_class_archive(st, java.major, dist.classpath)
    st["tools"] = tools.write_wrappers(
        Path(st["bin_dir"]), java.executable, Path(st["classpath_file"]), dist, archive_use_flags(st)
    )
    return st


def archive_use_flags(st: dict) -> list[str]:
    """Flags that load the class archive (for the storage format and the tools too), once it exists."""
    plan = st.get("archive") or {}
    return plan.get("use_flags", []) if plan.get("mode") == "use" else []


def plan_class_archive(st: dict, java_major: int, classpath: str) -> None:
    """Use the class archive if one exists for this JDK + jars + flags; otherwise let node 1 train it
    (written when node 1 exits cleanly: `stop-node 1` or `down`)."""
    st["archive"] = None
    if not jvm.archive_enabled():
        return
    archive = jvm.archive_path(st["java"], st["java_version"], classpath)
    if archive.is_file() and archive.stat().st_size > 0:
        flags = jvm.archive_use_flags(java_major, archive)
        for node in st["nodes"]:
            node["archive_flags"] = flags
        st["archive"] = {"path": str(archive), "mode": "use", "use_flags": flags}
        return
    archive.parent.mkdir(parents=True, exist_ok=True)
    training = archive.with_name(f"{archive.stem}.training-{uuid.uuid4().hex[:12]}{archive.suffix}")
    st["nodes"][0]["archive_flags"] = jvm.archive_create_flags(java_major, training)
    st["archive"] = {
        "path": str(archive),
        "mode": "create",
        "training": str(training),
        "java_major": java_major,
        "node": st["nodes"][0]["name"],
    }


def finish_class_archive(st: dict) -> bool:
    """After the training node exited cleanly: move its archive into place, switch every node to it.
    Returns True when the state changed."""
    plan = st.get("archive")
    if not plan or plan["mode"] != "create":
        return False
    training = Path(plan["training"])
    if not training.is_file() or training.stat().st_size == 0:
        return False
    os.replace(training, plan["path"])
    flags = jvm.archive_use_flags(plan["java_major"], Path(plan["path"]))
    for node in st["nodes"]:
        node["archive_flags"] = flags
    st["archive"] = {"path": plan["path"], "mode": "use", "use_flags": flags}
    return True


def format_and_start(st: dict) -> None:
    """Write configs, format every node's storage (in parallel), start the nodes."""
    nodes = kafka_nodes(st)
    for node in nodes:
        node.prepare()
    formats = [(node, node.start_format(archive_use_flags(st))) for node in nodes]
    try:
        for node, proc in formats:
            node.check_formatted(proc)
    finally:
        for _node, proc in formats:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, 9)
                proc.wait()
    for node in nodes:
        node.start()


def start_extra_services(st: dict, early: bool | None = None) -> None:
    """Start the extra services: early=True only those that do not need Kafka (they start alongside
    the nodes), early=False the others, None all."""
    for entry in st.get("services", []):
        service = extra_service(st, entry)
        if early is not None and early == getattr(service, "needs_kafka", True):
            continue
        service.prepare()
        service.start()


def stop_all(st: dict, graceful: bool, keep_archive: bool = True) -> None:
    """Stop every service of the environment: extras first, then the Kafka nodes (all at once).

    A node training the class archive is stopped cleanly first (the JVM writes the archive on exit)."""
    plan = st.get("archive") or {}
    if plan.get("mode") == "create":
        trainer = next((n for n in kafka_nodes(st) if n.name == plan["node"]), None)
        if keep_archive and trainer is not None and trainer.is_running():
            trainer.stop(timeout=60)
            finish_class_archive(st)
        else:
            Path(plan["training"]).unlink(missing_ok=True)
    services = all_services(st)
    extras, nodes = services[len(st["nodes"]) :], services[: len(st["nodes"])]
    for service in extras:
        service.stop() if graceful else service.kill()
    if graceful:
        import signal

        for node in nodes:  # signal all first: the quorum goes down together instead of one by one
            pid = node.pid()
            if pid:
                node._signal_group(pid, signal.SIGTERM)
    for node in nodes:
        node.stop(timeout=20) if graceful else node.kill()


def remove_files(st: dict) -> None:
    env_dir = Path(st.get("env_dir", state.env_dir()))
    for sub in ("nodes", "services", "bin"):
        shutil.rmtree(env_dir / sub, ignore_errors=True)
    (env_dir / "classpath.args").unlink(missing_ok=True)


def wait_stopped_ports(st: dict, timeout: float = 10.0) -> list[int]:
    """Ports of ours still accepting connections after stop (should be none)."""
    ports = [p for n in st["nodes"] for p in n["ports"].values()]
    ports += [p for e in st.get("services", []) for p in e["ports"].values()]
    deadline = time.monotonic() + timeout
    while True:
        busy = [p for p in ports if not port_free(p)]
        if not busy or time.monotonic() > deadline:
            return busy
        time.sleep(0.05)
