"""The Kafka jars: the committed lockfile, download from a Maven repository, verify, cache.

The lockfile (`artifacts.lock.json`, written by `scripts/resolve-lockfile.sh`) lists every jar with its
repository path and sha256. Downloads run in parallel threads, resume from a `.part` file with an HTTP
Range request, and are verified before they are moved into place. `KAFKA_HOME` replaces all of this with
an existing distribution's `libs/`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from studycli import paths
from studycli.errors import StudyError

DEFAULT_REPOSITORY = "https://repo1.maven.org/maven2"
LOCKFILE = Path(__file__).resolve().parent / "artifacts.lock.json"
DOWNLOAD_THREADS = 6
CHUNK = 1 << 16
HTTP_TIMEOUT_S = 30


@dataclass(frozen=True)
class Artifact:
    coordinate: str  # group:artifact:version
    path: str  # path inside a Maven repository
    size: int
    sha256: str


def repository_url() -> str:
    return os.environ.get("STUDY_MAVEN_REPO", DEFAULT_REPOSITORY).rstrip("/")


def load_lockfile(lockfile: Path = LOCKFILE) -> tuple[str, list[Artifact]]:
    """(kafka version, artifacts) from the lockfile."""
    doc = json.loads(lockfile.read_text())
    return doc["kafka_version"], [Artifact(**a) for a in doc["artifacts"]]


def maven_dir() -> Path:
    return paths.cache_dir() / "maven"


def cached_path(artifact: Artifact) -> Path:
    return maven_dir() / artifact.path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class _VerifiedIndex:
    """Remembers (size, mtime) of jars whose sha256 was checked, so a warm `up` does not hash 56 MB.

    Any change to a jar (a corrupt rewrite, a truncation) changes its mtime, so it is hashed again.
    """

    def __init__(self) -> None:
        self.file = maven_dir() / "verified.json"
        try:
            self.entries: dict[str, list] = json.loads(self.file.read_text())
        except (OSError, ValueError):
            self.entries = {}
        self.lock = threading.Lock()

    @staticmethod
    def _stamp(path: Path) -> list:
        st = path.stat()
        return [st.st_size, st.st_mtime_ns]

    def is_verified(self, artifact: Artifact, path: Path) -> bool:
        entry = self.entries.get(artifact.path)
        return entry is not None and entry[:2] == self._stamp(path) and entry[2] == artifact.sha256

    def mark(self, artifact: Artifact, path: Path) -> None:
        with self.lock:
            self.entries[artifact.path] = [*self._stamp(path), artifact.sha256]

    def save(self) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.file.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.entries))
        os.replace(tmp, self.file)


def check_cache(artifacts: list[Artifact]) -> tuple[list[Artifact], list[Artifact]]:
    """Split into (verified, to_download). A cached jar with a wrong checksum is deleted and re-fetched."""
    index = _VerifiedIndex()
    ok, missing = [], []
    for artifact in artifacts:
        path = cached_path(artifact)
        if not path.is_file():
            missing.append(artifact)
        elif index.is_verified(artifact, path):
            ok.append(artifact)
        elif path.stat().st_size == artifact.size and sha256_of(path) == artifact.sha256:
            index.mark(artifact, path)
            ok.append(artifact)
        else:
            corrupt_jars.append(artifact.coordinate)
            path.unlink()
            missing.append(artifact)
    index.save()
    return ok, missing


# Coordinates found corrupt in the cache during this process (reported to the user, read by tests).
corrupt_jars: list[str] = []


def _fetch(artifact: Artifact, advance) -> None:
    """Download one jar into place, resuming a previous `.part`; raise StudyError on failure."""
    target = cached_path(artifact)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    url = f"{repository_url()}/{artifact.path}"
    have = part.stat().st_size if part.exists() else 0
    if have > artifact.size:
        part.unlink()
        have = 0
    request = urllib.request.Request(url, headers={"User-Agent": "streaming-mastery"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
            if have and response.status != 206:  # server ignored the Range header: start over
                have = 0
            advance(have)
            with part.open("ab" if have else "wb") as out:
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    advance(len(chunk))
    except urllib.error.HTTPError as err:
        if err.code == 416 and have == artifact.size:
            advance(have)  # the .part is already complete
        else:
            raise StudyError(
                f"downloading {artifact.coordinate} failed: HTTP {err.code} from {url}",
                hint="check STUDY_MAVEN_REPO (or unset it to use Maven Central), then run `study env install` again",
            ) from None
    except (urllib.error.URLError, OSError, TimeoutError) as err:
        reason = getattr(err, "reason", err)
        raise StudyError(
            f"downloading {artifact.coordinate} failed: {reason}",
            hint="check your network connection (or STUDY_MAVEN_REPO) and run `study env install` again; "
            "finished files are kept and partial ones resume",
        ) from None
    digest = sha256_of(part)
    if digest != artifact.sha256:
        part.unlink()
        raise StudyError(
            f"{artifact.coordinate} from {url} has sha256 {digest[:16]}..., the lockfile expects "
            f"{artifact.sha256[:16]}...",
            hint="the repository served a different file; run `study env install` again, or check STUDY_MAVEN_REPO",
        )
    os.replace(part, target)


def download(artifacts: list[Artifact], show_progress: bool = True, label: str = "Kafka jars") -> None:
    """Fetch the given artifacts in parallel threads with a rich progress bar."""
    if not artifacts:
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    total = sum(a.size for a in artifacts)
    console = Console(stderr=True)
    progress = Progress(
        TextColumn(f"downloading {label}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not show_progress,
        transient=False,
    )
    lock = threading.Lock()
    index = _VerifiedIndex()
    with progress:
        task = progress.add_task("jars", total=total)

        def advance(n: int) -> None:
            with lock:
                progress.advance(task, n)

        def one(artifact: Artifact) -> None:
            _fetch(artifact, advance)
            index.mark(artifact, cached_path(artifact))

        with ThreadPoolExecutor(max_workers=DOWNLOAD_THREADS) as pool:
            futures = [pool.submit(one, a) for a in artifacts]
            errors = []
            for future in futures:
                try:
                    future.result()
                except StudyError as err:
                    errors.append(err)
        index.save()
    if errors:
        raise errors[0]


@dataclass(frozen=True)
class Distribution:
    """Where the Kafka classes come from: the jar cache, or an existing install (`KAFKA_HOME`)."""

    kafka_version: str
    jars: tuple[Path, ...]
    source: str  # "maven" or "KAFKA_HOME"

    @property
    def classpath(self) -> str:
        return os.pathsep.join(str(j) for j in self.jars)


def _from_kafka_home(home: str) -> Distribution:
    libs = Path(home).expanduser() / "libs"
    jars = sorted(libs.glob("*.jar"))
    if not jars:
        raise StudyError(
            f"KAFKA_HOME={home} has no libs/*.jar",
            hint="point KAFKA_HOME at an unpacked Apache Kafka distribution, or unset it to download the jars",
        )
    version = "unknown"
    for jar in jars:
        if jar.name.startswith("kafka-clients-"):
            version = jar.name[len("kafka-clients-") : -len(".jar")]
    return Distribution(version, tuple(jars), "KAFKA_HOME")


def ensure_distribution(show_progress: bool = True) -> Distribution:
    """The jars to run: `KAFKA_HOME`'s, else the lockfile's, downloading whatever is missing or corrupt."""
    home = os.environ.get("KAFKA_HOME")
    if home:
        return _from_kafka_home(home)
    version, artifacts = load_lockfile()
    _ok, missing = check_cache(artifacts)
    download(missing, show_progress=show_progress)
    return Distribution(version, tuple(cached_path(a) for a in artifacts), "maven")


def class_index(dist: Distribution) -> set[str]:
    """Every class name (dotted) in the distribution's jars; used to find tool main classes."""
    import zipfile

    names: set[str] = set()
    for jar in dist.jars:
        with contextlib.suppress(OSError, zipfile.BadZipFile), zipfile.ZipFile(jar) as zf:
            for entry in zf.namelist():
                if entry.endswith(".class") and "$" not in entry:
                    names.add(entry[: -len(".class")].replace("/", "."))
    return names
