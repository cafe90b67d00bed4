"""Background client processes a drill starts (a stuck consumer, a failing producer).

Each is a real OS process in its own session, with a pid file and a log in the drill's
workspace. A process is only signalled if its pid still belongs to the command we started,
(same pid, same start time), so a recycled pid is never killed by mistake.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from studycli.errors import StudyError
from studycli.runtime.services.base import cmdline, start_ticks


def start(name: str, script: Path, config: Path, workspace: Path, extra_env: dict | None = None) -> dict:
    """Start `python script --config config`; returns the record kept in the drill state."""
    log_path = workspace / f"{name}.log"
    pid_path = workspace / f"{name}.pid"
    env = dict(os.environ, **(extra_env or {}), PYTHONUNBUFFERED="1", DRILL_PID_FILE=str(pid_path))
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, str(script), "--config", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=str(workspace),
            start_new_session=True,
        )
    pid_path.write_text(str(proc.pid), encoding="utf-8")
    return {
        "name": name,
        "pid": proc.pid,
        "script": str(script),
        "config": str(config),
        "log": str(log_path),
        "pid_file": str(pid_path),
        "start_ticks": start_ticks(proc.pid),
    }


def is_running(record: dict) -> bool:
    pid = record["pid"]
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False
    # A zombie child of this process counts as gone.
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        if "\nState:\tZ" in status:
            return False
    except OSError:
        pass
    started = record.get("start_ticks")
    if started is not None:
        return start_ticks(pid) in (started, None)
    return record["script"] in cmdline(pid) or not Path("/proc").is_dir()


def wait_exit(record: dict, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_running(record):
            _reap(record["pid"])
            return True
        _reap(record["pid"])
        time.sleep(0.1)
    return not is_running(record)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def stop(record: dict, timeout: float = 10.0) -> None:
    """SIGTERM the process group, then SIGKILL if it lingers; removes the pid file."""
    if is_running(record):
        for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(record["pid"], sig)
            except ProcessLookupError:
                break
            except PermissionError as err:
                raise StudyError(
                    f"cannot stop drill process {record['name']} ({record['pid']}): {err}"
                ) from None
            if wait_exit(record, wait):
                break
    Path(record["pid_file"]).unlink(missing_ok=True)


def log_tail(record: dict, lines: int = 20) -> str:
    try:
        text = Path(record["log"]).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
