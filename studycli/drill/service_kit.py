"""What every drill's background service script needs, in one place: its settings file and a
`running()` test that turns false on SIGTERM, when the drill ends (its pid file is removed) or when
the environment is torn down under it (the env state file is gone).

A script is started by `studycli.drill.processes` with `--config FILE` and the environment variables
DRILL_PID_FILE and DRILL_ENV_STATE.
"""

from __future__ import annotations

import argparse
import os
import signal
from pathlib import Path


def read_properties(path: str | Path) -> dict[str, str]:
    """`key=value` lines; blank lines and `#` comments are skipped."""
    settings = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            settings[key.strip()] = value.strip()
    return settings


def config_path() -> Path:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    return Path(parser.parse_args().config)


class Lifetime:
    def __init__(self) -> None:
        self._stopped = False
        self._files = [p for p in (os.environ.get("DRILL_PID_FILE"), os.environ.get("DRILL_ENV_STATE")) if p]
        signal.signal(signal.SIGTERM, self._stop)

    def _stop(self, *_) -> None:
        self._stopped = True

    def running(self) -> bool:
        return not self._stopped and all(os.path.exists(path) for path in self._files)
