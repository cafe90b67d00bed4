#!/usr/bin/env python3
"""Write compose/<topology>.yml for every topology, from studycli/runtime/topologies.py.

Run after changing a topology: `python compose/generate.py`. tests/test_compose.py fails when the
committed files differ from what this produces.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studycli.runtime import topologies  # noqa: E402
from studycli.runtime.backends import docker  # noqa: E402


def main() -> None:
    here = Path(__file__).resolve().parent
    for topology in topologies.all_topologies().values():
        target = here / docker.compose_file_name(topology)
        target.write_text(docker.render(topology))
        print(f"wrote {target.relative_to(here.parent)}")


if __name__ == "__main__":
    main()
