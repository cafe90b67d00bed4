"""One class per kind of process the learner operates, modelled on ducktape's Service:
`start()`, `stop()`, `kill()`, `is_ready()`, `logs(tail)`, `clean()`.

A service runs as one local process in its own process group (its own session), with a pid file and a
log file in its directory. The pid file holds the pid and the process's start time, which together name
one process, so a pid reused by an unrelated process is never mistaken for ours. (The command line,
which carries a marker `-Dstudy.service=<dir>`, is only a fallback: right after a fork /proc can show it
empty.)
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from studycli.errors import StudyError

STOP_TIMEOUT_S = 60.0

# Popen objects of services started by this Python process, so they can be reaped (no zombies).
_children: dict[int, subprocess.Popen] = {}


def _proc_state(pid: int) -> str | None:
    """The kernel state letter of a pid ('R', 'S', 'Z'...), or None when gone; '?' without /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat[stat.rindex(")") + 2]
    except FileNotFoundError:
        return None
    except OSError:
        return "?"


def _reap(pid: int) -> None:
    child = _children.get(pid)
    if child is not None and child.poll() is not None:
        _children.pop(pid, None)


def pid_alive(pid: int) -> bool:
    _reap(pid)
    state = _proc_state(pid)
    if state is None or state == "Z":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_ticks(pid: int) -> str | None:
    """The process's start time (/proc/PID/stat field 22), or None when unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        out = subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True)
        return out.stdout


def rss_kib(pid: int) -> int | None:
    """Resident set size of a process in KiB (Linux /proc; `ps` elsewhere)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        out = subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True)
        return int(out.stdout.strip()) if out.stdout.strip() else None
    return None


class Service:
    """A supervised local process. Subclasses give `command()`, `is_ready()` and any `prepare()`."""

    kind = "service"

    def __init__(self, name: str, directory: Path, ports: dict[str, int] | None = None):
        self.name = name
        self.directory = Path(directory)
        self.ports = dict(ports or {})

    # --- what subclasses provide -------------------------------------------------------------
    def command(self) -> list[str]:
        raise NotImplementedError

    def prepare(self) -> None:
        """One-time set-up before the first start (config files, storage format)."""

    def is_ready(self) -> bool:
        raise NotImplementedError

    def process_env(self) -> dict[str, str]:
        return dict(os.environ)

    # --- files -------------------------------------------------------------------------------
    @property
    def pid_file(self) -> Path:
        return self.directory / "pid"

    @property
    def log_file(self) -> Path:
        return self.directory / f"{self.name}.log"

    @property
    def marker(self) -> str:
        return f"-Dstudy.service={self.directory}"

    # --- life cycle --------------------------------------------------------------------------
    def pid(self) -> int | None:
        """The pid of our running process, or None (no pid file, dead, or the pid now belongs to another)."""
        try:
            fields = self.pid_file.read_text().split()
            pid = int(fields[0])
        except (OSError, ValueError, IndexError):
            return None
        if not pid_alive(pid):
            return None
        recorded = fields[1] if len(fields) > 1 else None
        current = start_ticks(pid)
        if recorded is not None and current is not None:
            return pid if current == recorded else None
        return pid if self.marker in cmdline(pid) else None

    def is_running(self) -> bool:
        return self.pid() is not None

    def start(self) -> int:
        if self.is_running():
            return self.pid()  # type: ignore[return-value]
        self.directory.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            log.write(
                f"\n===== study: starting {self.name} at {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode()
            )
            log.flush()
            try:
                proc = subprocess.Popen(
                    self.command(),
                    cwd=self.directory,
                    env=self.process_env(),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # own process group: Ctrl-C in the terminal does not reach it
                )
            except OSError as err:
                raise StudyError(f"could not start {self.name}: {err}") from None
        _children[proc.pid] = proc
        self.pid_file.write_text(f"{proc.pid} {start_ticks(proc.pid) or ''}\n")
        return proc.pid

    def _signal_group(self, pid: int, sig: int) -> None:
        try:
            os.killpg(pid, sig)  # the process leads its own group (start_new_session)
        except ProcessLookupError:
            pass
        except PermissionError:
            os.kill(pid, sig)

    def _wait_gone(self, pid: int, timeout: float) -> bool:
        child = _children.get(pid)
        if child is not None:
            try:
                child.wait(timeout)
                _children.pop(pid, None)
                return True
            except subprocess.TimeoutExpired:
                return False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not pid_alive(pid):
                return True
            time.sleep(0.05)
        return not pid_alive(pid)

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """SIGTERM to the process group, wait; SIGKILL when it does not exit in time."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return
        self._signal_group(pid, signal.SIGTERM)
        if not self._wait_gone(pid, timeout):
            self._signal_group(pid, signal.SIGKILL)
            self._wait_gone(pid, 10)
        self.pid_file.unlink(missing_ok=True)

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        pid = self.pid()
        if pid is not None:
            self._signal_group(pid, signal.SIGKILL)
            self._wait_gone(pid, 10)
        self.pid_file.unlink(missing_ok=True)

    def logs(self, tail: int | None = 50) -> str:
        try:
            lines = self.log_file.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-tail:] if tail else lines)

    def clean(self) -> None:
        """Delete the service's directory (data, config, logs). Only when stopped."""
        if self.is_running():
            raise StudyError(f"{self.name} is still running; stop it before deleting its data")
        shutil.rmtree(self.directory, ignore_errors=True)

    def rss_kib(self) -> int | None:
        pid = self.pid()
        return rss_kib(pid) if pid else None


class ServiceContext:
    """What an extra (non-Kafka) service needs to build itself inside an environment."""

    def __init__(
        self,
        env_dir: Path,
        java: str,
        classpath_file: Path,
        bootstrap_servers: str,
        ports: dict[str, int],
        kafka_version: str,
    ):
        self.env_dir = env_dir
        self.java = java
        self.classpath_file = classpath_file
        self.bootstrap_servers = bootstrap_servers
        self.ports = ports
        self.kafka_version = kafka_version
