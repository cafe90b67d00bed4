"""The cheatsheet index, rebuilt only when the content changes.

The index is a small JSON file in the state directory, keyed by the content files' paths, sizes
and modification times. A lookup with unchanged content reads that file and nothing else: no
Markdown parsing and no database, which keeps `study cheatsheet` quick to start.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from studycli import paths
from studycli.cheatsheet.rank import build_index
from studycli.content.loader import content_files, read_file
from studycli.content.model import PARSER_VERSION, Problem

# A parser change rebuilds the index even when the content did not change.
INDEX_VERSION = f"1.{PARSER_VERSION}"
INDEX_FILE = "cheatsheet-index.json"


def _fingerprint(files) -> list:
    out = []
    for file in files:
        try:
            st = file.path.stat()
        except OSError:
            continue
        out.append([file.key, st.st_mtime_ns, st.st_size])
    return out


def entry_from_card(card) -> dict:
    return {
        "id": card.id,
        "task": card.extra.get("task", card.front),
        "command": card.back,
        "section": card.extra.get("section", ""),
        "tags": card.extra.get("tags", []),
        "placeholders": card.extra.get("placeholders", []),
        "note": card.extra.get("note", ""),
        "lang": card.extra.get("lang", ""),
        "source": card.source,
        "citation": card.citation,
    }


def _build(files) -> tuple[dict, list[Problem]]:
    from studycli.content.parser import deduplicate, parse_document_bytes

    cards, problems = [], []
    for file in files:
        data = read_file(file)
        if isinstance(data, Problem):
            problems.append(data)
            continue
        parsed = parse_document_bytes(file.relative, data)
        cards.extend(parsed.cards)
        problems.extend(parsed.problems)
    cards, duplicates = deduplicate(cards)
    entries = [entry_from_card(c) for c in cards if c.kind == "cheat"]
    return build_index(entries), problems + duplicates


def load_index(roots: list[Path], cache: Path | None = None) -> tuple[dict, list[Problem], bool]:
    """Returns (index, problems found while rebuilding, rebuilt?)."""
    files = content_files(roots)
    fingerprint = _fingerprint(files)
    cache = cache or paths.state_dir() / INDEX_FILE
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if stored.get("version") == INDEX_VERSION and stored.get("fingerprint") == fingerprint:
            return stored["index"], [], False
    except (OSError, ValueError, AttributeError):
        pass  # missing or unreadable: rebuild it
    index, problems = _build(files)
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"version": INDEX_VERSION, "fingerprint": fingerprint, "index": index}))
    os.replace(tmp, cache)  # atomic: a concurrent lookup sees the old or the new index, never half
    return index, problems, True
