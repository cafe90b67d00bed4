"""Where things live: state, cache and the shipped data folders.

`STUDY_HOME` overrides the state directory; `STUDY_CONTENT` (os.pathsep-separated) or
`--content` overrides the content roots.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
APP_NAME = "streaming-mastery"


def state_dir() -> Path:
    """The learner's state: database, config, environment and drill state."""
    override = os.environ.get("STUDY_HOME")
    if override:
        path = Path(override).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Downloaded artifacts (jars, archives). Shared by every STUDY_HOME unless STUDY_CACHE is set."""
    override = os.environ.get("STUDY_CACHE")
    if override:
        path = Path(override).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def shipped(name: str) -> Path:
    """A shipped data folder (`content`, `drills`, `compose`): the checkout's, else the wheel's copy."""
    checkout = _PACKAGE.parent / name
    if checkout.is_dir():
        return checkout
    return _PACKAGE / "_data" / name


def content_roots(cli_paths: tuple[str, ...] | list[str] = ()) -> list[Path]:
    """Content roots: --content paths, else STUDY_CONTENT, else the shipped content."""
    if cli_paths:
        return [Path(p).expanduser() for p in cli_paths]
    env = os.environ.get("STUDY_CONTENT")
    if env:
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    return [shipped("content")]


def database_path() -> Path:
    return state_dir() / "study.db"
