"""The fixed query set for cheatsheet lookup quality: (what a user types, the entry they want).

Shared by tests/test_lookup_quality.py and benchmarks/bench_lookup.py.
"""

from __future__ import annotations

from functools import lru_cache

QUERIES = [
    ("reset offsets to datetime", "cs-group-reset-datetime"),
    ("--to-datetime", "cs-group-reset-datetime"),
    ("reasign partitions", "cs-reassign-execute"),
    ("under replicted", "cs-topic-under-replicated"),
    ("consumer lag", "cs-group-describe-lag"),
    ("lag all groups", "cs-group-describe-all"),
    ("replay from beginning", "cs-group-reset-earliest"),
    ("create topic", "cs-topic-create"),
    ("list topics", "cs-topic-list"),
    ("describe topic isr", "cs-topic-describe"),
    ("delete topic", "cs-topic-delete"),
    ("add partitions", "cs-topic-add-partitions"),
    ("preferred leader election", "cs-elect-preferred-all"),
    ("unclean election", "cs-elect-unclean"),
    ("increase replication factor", "cs-reassign-increase-rf"),
    ("change retention", "cs-config-topic-retention"),
    ("min isr partitions", "cs-topic-under-min-isr"),
    ("quorum status", "cs-quorum-status"),
    ("format storage controller", "cs-storage-format-initial-controllers"),
    ("cluster id", "cs-cluster-id"),
    ("dump log segment", "cs-dump-log-records"),
    ("disk usage log dirs", "cs-log-dirs-describe"),
    ("acl producer", "cs-acl-add-producer"),
    ("list subjects", "cs-sr-list-subjects"),
    ("register schema", "cs-sr-register"),
    ("compatibility check schema", "cs-sr-check-compat"),
    ("set compatibility subject", "cs-sr-set-subject-compat"),
    ("restart failed tasks", "cs-connect-restart-failed"),
    ("connector status", "cs-connect-status"),
    ("savepoint stop job", "cs-flink-stop"),
    ("mirrormaker dedicated", "cs-mm2-run"),
    ("offset for timestamp", "cs-get-offsets-by-time"),
    ("hanging transactions", "cs-transactions-find-hanging"),
    ("produce with keys", "cs-console-produce-keys"),
    ("rewind by duration", "cs-group-reset-duration"),
]


@lru_cache(maxsize=1)
def shipped_index() -> dict:
    import tempfile
    from pathlib import Path

    from studycli import paths
    from studycli.cheatsheet.index import load_index

    with tempfile.TemporaryDirectory() as tmp:
        index, _, _ = load_index([paths.shipped("content")], cache=Path(tmp) / "index.json")
    return index


def rank_of(query: str, expected: str, limit: int = 10) -> int | None:
    from studycli.cheatsheet.lookup import find

    ids = [hit.entry["id"] for hit in find(shipped_index(), query, limit=limit)]
    return ids.index(expected) + 1 if expected in ids else None
