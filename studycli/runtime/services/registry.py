"""The Schema Registry: Apicurio Registry 3.x serving the Confluent Schema Registry REST API.

Apicurio is a maintained registry whose `/apis/ccompat/v7` endpoint speaks Confluent's API (subjects,
versions, `/config`, `/compatibility`); curl and confluent-kafka's SchemaRegistryClient use it as is.
Its runnable assembly comes from Maven Central through the same download, verify and cache path as the
Kafka jars (lockfile: `registry.lock.json` beside this file), and is unpacked once into the cache.

Configured like Confluent's defaults (each checked by tests/test_registry_live.py):
- a global BACKWARD compatibility rule, enforced when a version is registered;
- subjects and versions can be deleted (Confluent allows it; Apicurio forbids it unless enabled);
- HTTP and management listeners bound to 127.0.0.1.
Storage is an H2 database file in the service directory, so schemas survive a registry restart (as
Confluent's do, in its `_schemas` topic) and `clean()` deletes them with the rest of the environment.
Where Apicurio's answers differ from Confluent's is written down in compose/REGISTRY.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from studycli import paths
from studycli.errors import StudyError
from studycli.runtime import artifacts
from studycli.runtime.services.base import Service

LOCKFILE = Path(__file__).resolve().parent / "registry.lock.json"
CCOMPAT_PATH = "/apis/ccompat/v7"
DEFAULT_COMPATIBILITY = "BACKWARD"  # Confluent's default

# Each flag measured with start-to-ready CPU seconds and RSS (medians of 3, 2 cores, figures in
# compose/REGISTRY.md): JVM defaults (G1, C2) 6.7 CPU-s / 255 MiB; C1 only (TieredStopAtLevel=1)
# with SerialGC 3.8 CPU-s / 197 MiB. The heap cap keeps it from growing toward a quarter of the RAM.
JVM_FLAGS = ["-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true"]


def _lock() -> dict:
    return json.loads(LOCKFILE.read_text())


def registry_version() -> str:
    return _lock()["version"]


def _artifact() -> artifacts.Artifact:
    return artifacts.Artifact(**_lock()["artifacts"][0])


def install_dir() -> Path:
    return paths.cache_dir() / "apicurio" / registry_version()


def ensure_distribution(show_progress: bool = True) -> Path:
    """The unpacked Apicurio assembly, downloading (resumable, sha256-verified) and unpacking it once.

    `STUDY_REGISTRY_HOME` points at an already unpacked assembly instead.
    """
    home = os.environ.get("STUDY_REGISTRY_HOME")
    if home:
        root = Path(home).expanduser()
        if not (root / "quarkus-run.jar").is_file():
            raise StudyError(
                f"STUDY_REGISTRY_HOME={home} has no quarkus-run.jar",
                hint="point it at an unpacked apicurio-registry-app -all.tar.gz, or unset it to download one",
            )
        return root
    root = install_dir()
    if (root / "quarkus-run.jar").is_file() and (root / ".complete").is_file():
        return root
    artifact = _artifact()
    _ok, missing = artifacts.check_cache([artifact])
    artifacts.download(
        missing, show_progress=show_progress, label=f"Schema Registry (Apicurio {registry_version()})"
    )
    archive = artifacts.cached_path(artifact)
    partial = root.with_name(root.name + ".unpacking")
    import shutil

    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = [m for m in tar.getmembers() if _safe_member(m)]
            tar.extractall(partial, members=members)  # noqa: S202 (members filtered above)
    except (tarfile.TarError, OSError) as err:
        shutil.rmtree(partial, ignore_errors=True)
        raise StudyError(
            f"could not unpack {archive.name}: {err}",
            hint="delete it from the cache and run `study env install`",
        ) from None
    (partial / ".complete").write_text(artifact.sha256 + "\n")
    shutil.rmtree(root, ignore_errors=True)
    os.replace(partial, root)
    return root


def _safe_member(member: tarfile.TarInfo) -> bool:
    name = member.name
    return not (name.startswith("/") or ".." in Path(name).parts) and (member.isfile() or member.isdir())


def find_java(minimum: int | None = None):
    """A Java new enough for the registry (Apicurio 3.3 needs 21): JAVA_HOME/PATH first, then
    STUDY_REGISTRY_JAVA_HOME, then JDKs installed side by side in the usual places."""
    from studycli.runtime import java as kafka_java

    minimum = minimum or _lock()["minimum_java"]
    default = kafka_java.find_java()
    if default.major >= minimum:
        return default
    candidates = []
    explicit = os.environ.get("STUDY_REGISTRY_JAVA_HOME")
    if explicit:
        candidates.append(Path(explicit).expanduser() / "bin" / "java")
    for pattern in ("/usr/lib/jvm/*/bin/java", "/Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java"):
        candidates += sorted(Path("/").glob(pattern.lstrip("/")), reverse=True)
    best = None
    for candidate in candidates:
        if not candidate.is_file():
            continue
        try:
            out = subprocess.run([str(candidate), "-version"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        parsed = kafka_java._parse_version(out.stderr + out.stdout)
        if parsed and parsed[0] >= minimum and (best is None or parsed[0] > best.major):
            best = kafka_java.Java(str(candidate), parsed[0], parsed[1])
    if best is None:
        raise StudyError(
            f"the Schema Registry (Apicurio {registry_version()}) needs Java {minimum} or newer; "
            f"found Java {default.version} only",
            hint=f"install a Java {minimum}+ runtime and set STUDY_REGISTRY_JAVA_HOME to it "
            "(Kafka keeps using JAVA_HOME / PATH)",
        )
    return best


# The docker compose equivalent runs Confluent's own registry (its Kafka store in the cluster).
COMPOSE_IMAGE = "confluentinc/cp-schema-registry:8.0.0"
COMPOSE_PORT = 8081


class SchemaRegistry(Service):
    """One Apicurio Registry process; `url` is the Confluent-compatible base URL."""

    kind = "schema-registry"
    port_names = ("http", "management")
    needs_kafka = False  # H2 storage: it starts alongside the Kafka nodes, not after them

    @classmethod
    def from_spec(cls, spec, context) -> SchemaRegistry:
        """Built from an environment's state; the assembly and a Java 21+ are resolved at start."""
        return cls(
            spec.name,
            Path(context.env_dir) / "services" / spec.name,
            context.ports,
            compatibility=spec.options.get("compatibility", DEFAULT_COMPATIBILITY),
        )

    @classmethod
    def compose_service(cls, spec, topology, kafka_bootstrap: str | None = None) -> dict:
        """docker compose definition: Confluent's cp-schema-registry, storing schemas in `_schemas`."""
        bootstrap = kafka_bootstrap or ",".join(f"{node.name}:9092" for node in topology.kafka_nodes)
        return {
            "image": COMPOSE_IMAGE,
            "hostname": spec.name,
            "depends_on": [node.name for node in topology.kafka_nodes],
            "ports": [f"127.0.0.1:{COMPOSE_PORT}:{COMPOSE_PORT}"],
            "environment": {
                "SCHEMA_REGISTRY_HOST_NAME": spec.name,
                "SCHEMA_REGISTRY_LISTENERS": f"http://0.0.0.0:{COMPOSE_PORT}",
                "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS": bootstrap,
                "SCHEMA_REGISTRY_KAFKASTORE_TOPIC": "_schemas",
                "SCHEMA_REGISTRY_SCHEMA_COMPATIBILITY_LEVEL": spec.options.get(
                    "compatibility", DEFAULT_COMPATIBILITY
                ).lower(),
            },
            "healthcheck": {
                "test": ["CMD", "curl", "-fsS", f"http://localhost:{COMPOSE_PORT}/subjects"],
                "interval": "2s",
                "retries": 60,
            },
        }

    @staticmethod
    def compose_url() -> str:
        """Confluent's registry serves its API at the root, not under /apis/ccompat/v7."""
        return f"http://127.0.0.1:{COMPOSE_PORT}"

    def __init__(
        self,
        name: str,
        directory: Path,
        ports: dict[str, int],
        home: Path | None = None,
        java: str | None = None,
        compatibility: str = DEFAULT_COMPATIBILITY,
    ):
        super().__init__(name, directory, ports)
        self.home = Path(home) if home else None
        self.java = java
        self.compatibility = compatibility

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports['http']}{CCOMPAT_PATH}"

    @property
    def health_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['management']}/health/ready"

    def properties(self) -> dict[str, str]:
        data = self.directory / "data"
        return {
            "quarkus.http.host": "127.0.0.1",
            "quarkus.http.port": str(self.ports["http"]),
            "quarkus.management.host": "127.0.0.1",
            "quarkus.management.port": str(self.ports["management"]),
            # Confluent enforces BACKWARD on every subject without its own setting.
            "apicurio.rules.global.compatibility": self.compatibility,
            # Confluent lets clients delete subjects and versions (soft, then ?permanent=true).
            "apicurio.rest.deletion.artifact.enabled": "true",
            "apicurio.rest.deletion.artifact-version.enabled": "true",
            "apicurio.rest.deletion.group.enabled": "true",
            # Durable like Confluent's `_schemas` topic: an H2 file inside the service directory.
            "apicurio.datasource.url": f"jdbc:h2:file:{data / 'registry'};DB_CLOSE_ON_EXIT=FALSE",
            "apicurio.storage.snapshot.location": str(data),
            "apicurio.import.work-dir": str(data),
            "quarkus.log.console.color": "false",
        }

    def command(self) -> list[str]:
        if self.home is None or self.java is None:
            raise StudyError("internal: SchemaRegistry needs `home` and `java` before start()")
        flags = [f"-D{key}={value}" for key, value in self.properties().items()]
        flags += self.class_archive_flags()
        extra = os.environ.get("STUDY_REGISTRY_JVM_OPTS", "").split()
        return [
            self.java,
            self.marker,
            *JVM_FLAGS,
            *flags,
            *extra,
            "-jar",
            str(self.home / "quarkus-run.jar"),
        ]

    def class_archive_flags(self) -> list[str]:
        """A dynamic class-data-sharing archive in the cache, written when the first registry exits and
        mapped by every later start: 3.8 -> 2.75 CPU-seconds to ready (measured). The JVM checks the
        archive and rebuilds it when it does not match (another JDK, a new assembly). STUDY_REGISTRY_CDS=0
        turns it off."""
        if os.environ.get("STUDY_REGISTRY_CDS", "1") == "0":
            return []
        import hashlib

        java = Path(self.java).resolve()
        key = hashlib.sha256(f"{java}:{java.stat().st_mtime_ns}:{self.home}".encode()).hexdigest()[:12]
        archive = paths.cache_dir() / "apicurio" / f"registry-{registry_version()}-{key}.jsa"
        flags = ["-XX:+AutoCreateSharedArchive", f"-XX:SharedArchiveFile={archive}"]
        claim = archive.with_name(archive.name + ".creating")
        if archive.exists():
            claim.unlink(missing_ok=True)
            return flags
        # Only one JVM writes a missing archive (two dumping into one file could tear it): the first
        # to claim it; a claim left by a killed JVM (no archive after 10 minutes) is taken over.
        with contextlib.suppress(FileNotFoundError):
            if time.time() - claim.stat().st_mtime > 600:
                claim.unlink()
        try:
            os.close(os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return []
        except OSError:
            return []
        return flags

    def prepare(self) -> None:
        """Resolve the assembly (downloading it the first time) and a Java new enough to run it."""
        (self.directory / "data").mkdir(parents=True, exist_ok=True)
        if self.home is None:
            self.home = ensure_distribution()
        if self.java is None:
            self.java = find_java().executable

    def start(self) -> int:
        self.prepare()
        pid = super().start()
        # Until the child has exec'd java, its command line lacks our marker and is_running() says no;
        # wait for that (or for its exit) so callers polling is_running() never see a false death.
        from studycli.runtime.services.base import pid_alive

        deadline = time.monotonic() + 10
        while not self.is_running() and pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        return pid

    def is_ready(self) -> bool:
        """The Confluent API answers (a real request, not a port probe)."""
        try:
            with urllib.request.urlopen(f"{self.url}/subjects", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def startup_error(self) -> str | None:
        """A known fatal line from the log (port taken, Java too old), to turn into a clear message."""
        text = self.logs(tail=200)
        for pattern in (
            r"Port \d+ seems to be in use.*",
            r"UnsupportedClassVersionError.*",
            r"Address already in use.*",
        ):
            match = re.search(pattern, text)
            if match:
                return match.group(0)
        return None

    def clean(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            super().clean()


def _register_topology() -> None:
    from studycli.runtime import topologies

    kafka = topologies.TOPOLOGIES["kafka"]
    topologies.register(
        topologies.Topology(
            name="kafka+registry",
            description=f"{kafka.description}, plus a Schema Registry (Confluent API, global BACKWARD)",
            kafka_nodes=kafka.kafka_nodes,
            kafka_settings=kafka.kafka_settings,
            services=(topologies.ServiceSpec("schema-registry", "registry"),),
        )
    )


_register_topology()
