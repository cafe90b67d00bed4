"""The active drill, kept in <state_dir>/drill/active.json so it survives the CLI exiting.

Written atomically (temp file + rename) so a crash never leaves half a file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from studycli import paths
from studycli.errors import StudyError


def drill_dir() -> Path:
    path = paths.state_dir() / "drill"
    path.mkdir(parents=True, exist_ok=True)
    return path


def workspace(drill_id: str) -> Path:
    """Files a drill gives the learner (config files, logs, pid files)."""
    path = drill_dir() / "work" / drill_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def _active_path() -> Path:
    return drill_dir() / "active.json"


def load() -> dict | None:
    path = _active_path()
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise StudyError(
            f"the active drill file {path} is unreadable: {err}",
            hint="delete it to forget the active drill (`study drill stop` then works again)",
        ) from None


def save(state: dict) -> None:
    path = _active_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def clear() -> None:
    _active_path().unlink(missing_ok=True)
