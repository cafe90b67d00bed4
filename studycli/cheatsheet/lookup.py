"""What `study cheatsheet` does, apart from printing: rank, decide 'no match', fill placeholders."""

from __future__ import annotations

import os
import re

from studycli.cheatsheet.rank import Hit, nearest, search

# placeholder -> environment variable exported by `study env shell`
ENV_PLACEHOLDERS = {
    "bootstrap": "BOOTSTRAP_SERVERS",
    "registry-url": "SCHEMA_REGISTRY_URL",
    "connect-url": "CONNECT_URL",
}
_PLACEHOLDER = re.compile(r"<([a-z][a-z0-9_-]*)>")


def find(index: dict, query: str, limit: int = 5) -> list[Hit]:
    """Ranked hits; empty when no entry matches at least half of the query's words."""
    hits = search(index, query, limit=limit)
    if not hits:
        return []
    words = max(h.matched for h in hits)
    needed = len(set(re.findall(r"\S+", query))) / 2
    return hits if words >= needed else []


def suggestions(index: dict, query: str) -> list[dict]:
    return nearest(index, query)


def known_values() -> dict[str, str]:
    """Placeholder values the running environment knows: the env shell's variables first, then
    the state of a running `study env`."""
    values = {name: os.environ[var] for name, var in ENV_PLACEHOLDERS.items() if os.environ.get(var)}
    if len(values) < len(ENV_PLACEHOLDERS):
        try:
            from studycli.runtime.environment import current

            env = current()
        except Exception:  # no runtime state, or it cannot be read: nothing to fill from
            env = None
        if env is not None:
            for name, attr in (
                ("bootstrap", "bootstrap_servers"),
                ("registry-url", "registry_url"),
                ("connect-url", "connect_url"),
            ):
                value = getattr(env, attr, None)
                if value and name not in values:
                    values[name] = value
    return values


def fill(command: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), command)
