"""The environment's state file (ports, pids, URLs) and the lock that serialises env commands."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path

from studycli import paths
from studycli.errors import StudyError


def env_dir() -> Path:
    """paths.state_dir()/env, or STUDY_ENV_DIR: lets tests keep one cluster while changing STUDY_HOME."""
    override = os.environ.get("STUDY_ENV_DIR")
    if override:
        path = Path(override).expanduser()
        path.mkdir(parents=True, exist_ok=True)
        return path
    return paths.state_dir() / "env"


def state_file() -> Path:
    return env_dir() / "state.json"


def read(directory: Path | None = None) -> dict | None:
    path = Path(directory) / "state.json" if directory else state_file()
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise StudyError(
            f"the environment state file {path} is unreadable ({err})",
            hint="run `study env down` to clean up whatever it described",
        ) from None


def write(state: dict) -> None:
    path = Path(state["env_dir"]) / "state.json" if state.get("env_dir") else state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1) + "\n")
    os.replace(tmp, path)


def remove(directory: Path | None = None) -> None:
    (Path(directory) / "state.json" if directory else state_file()).unlink(missing_ok=True)


@contextlib.contextmanager
def locked(directory: Path | None = None):
    """Exclusive lock for commands that change the environment (up, down, start/stop/kill-node)."""
    directory = Path(directory) if directory else env_dir()
    directory.mkdir(parents=True, exist_ok=True)
    lock_path = directory / "lock"
    with lock_path.open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StudyError(
                "another `study env` command is changing the environment right now",
                hint="wait for it to finish, then try again",
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
