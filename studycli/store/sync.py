"""Content -> the `cards` table.

Public API:

- `sync_content(db, roots, now=None) -> SyncReport`: parse the content under `roots` into the
  `cards` table and return the current cards (content order, duplicates removed) and every problem.
  Files whose mtime and size (or, failing that, sha256) are unchanged since the last sync are not
  parsed again: their cached parse is reused. A file modified in the last 2 s is always hashed
  (timestamps are coarse, so a same-size edit could otherwise go unseen). Cards that left the content keep their row with
  `present = 0` (orphans, history kept); nothing is ever deleted from `cards`.
- `SyncReport.cards`, `.problems`, `.errors`, `.parsed_files`, `.reused_files`, `.files`.

Card queries (by deck/level/kind, with their review state) live in `studycli.store.cards`.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from studycli import clock
from studycli.content.loader import ContentFile, content_files, read_file
from studycli.content.model import Card, Problem
from studycli.content.parser import PARSER_VERSION, ParsedFile, deduplicate, parse_document_bytes
from studycli.store.transaction import write_transaction


@dataclass
class SyncReport:
    cards: list[Card] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    parsed_files: int = 0  # parsed this time
    reused_files: int = 0  # unchanged since the last sync, not parsed
    wrote: bool = False  # False when nothing changed and the database was only read

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


@dataclass
class _FileResult:
    file: ContentFile
    cards: list[Card]
    problems: list[Problem]


def sync_content(db: Database, roots: list[Path], now=None) -> SyncReport:
    files = content_files(roots)
    stats = {f.key: _stat(f) for f in files}
    cached = _cached_rows(db)
    if set(cached) == set(stats) and all(_unchanged(stats[key], cached[key]) for key in stats):
        # Fast path: nothing moved, so the cards table is already right; read only.
        results = [_from_cache(f, cached[f.key]["parsed"]) for f in files]
        return _report(results, parsed=0, wrote=False)

    stamp = (now or clock.now()).isoformat(timespec="seconds")
    with write_transaction(db) as conn:
        cached = _cached_rows(db)  # another process may have synced while we waited for the lock
        results: list[_FileResult] = []
        parsed = 0
        for f in files:
            st = stats[f.key]
            row = cached.get(f.key)
            if row is not None and _unchanged(st, row):
                results.append(_from_cache(f, row["parsed"]))
                continue
            data = read_file(f)
            if isinstance(data, Problem):
                results.append(_FileResult(f, [], [data]))
                continue
            sha = hashlib.sha256(data).hexdigest()
            if row is not None and row["sha256"] == sha and row["parser_version"] == PARSER_VERSION:
                results.append(_from_cache(f, row["parsed"]))  # touched, not changed
            else:
                doc = parse_document_bytes(f.relative, data)
                parsed += 1
                results.append(_FileResult(f, doc.cards, doc.problems))
                row = {"parsed": _to_cache(doc)}
            conn.execute(
                "INSERT INTO content_files (path, root, mtime_ns, size, sha256, synced_at, parser_version, parsed)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET root=excluded.root,"
                " mtime_ns=excluded.mtime_ns, size=excluded.size, sha256=excluded.sha256,"
                " synced_at=excluded.synced_at, parser_version=excluded.parser_version, parsed=excluded.parsed",
                (f.key, str(f.root), st[0], st[1], sha, stamp, PARSER_VERSION, row["parsed"]),
            )
        gone = [key for key in cached if key not in stats]
        conn.executemany("DELETE FROM content_files WHERE path = ?", [(k,) for k in gone])
        report = _report(results, parsed=parsed, wrote=True)
        _write_cards(conn, report.cards, stamp)
    return report


def _stat(f: ContentFile) -> tuple[int, int]:
    try:
        st = os.stat(f.path)
    except OSError:
        return (-1, -1)
    return (st.st_mtime_ns, st.st_size)


RACY_NS = 2_000_000_000  # file timestamps are coarse: a file this fresh is checked by its hash


def _unchanged(st: tuple[int, int], row: dict) -> bool:
    return (
        st[0] < time.time_ns() - RACY_NS
        and row["mtime_ns"] == st[0]
        and row["size"] == st[1]
        and row["parser_version"] == PARSER_VERSION
        and row["parsed"] is not None
    )


def _cached_rows(db: Database) -> dict[str, dict]:
    cursor = db.conn.execute("SELECT path, mtime_ns, size, sha256, parser_version, parsed FROM content_files")
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row, strict=False)) for row in cursor}


def _to_cache(doc: ParsedFile) -> str:
    return json.dumps(
        {
            "meta": vars(doc.meta),
            "cards": [vars(c) for c in doc.cards],  # flat records: vars() is asdict() without the deep copy
            "problems": [vars(p) for p in doc.problems],
        },
        separators=(",", ":"),
    )


def _from_cache(f: ContentFile, parsed: str) -> _FileResult:
    data = json.loads(parsed)
    cards = [Card(**c) for c in data["cards"]]
    problems = [Problem(**p) for p in data["problems"]]
    return _FileResult(f, cards, problems)


def _report(results: list[_FileResult], parsed: int, wrote: bool) -> SyncReport:
    everything: list[Card] = []
    problems: list[Problem] = []
    for r in results:
        everything.extend(r.cards)
        problems.extend(r.problems)
    cards, duplicates = deduplicate(everything)
    problems.extend(duplicates)
    return SyncReport(
        cards=cards,
        problems=problems,
        files=len(results),
        parsed_files=parsed,
        reused_files=len(results) - parsed,
        wrote=wrote,
    )


def _write_cards(conn, cards: list[Card], stamp: str) -> None:
    conn.executemany(
        "INSERT INTO cards (id, kind, deck, level, source_file, source_line, front, back, citation, extra,"
        " ordinal, present, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, deck=excluded.deck, level=excluded.level,"
        " source_file=excluded.source_file, source_line=excluded.source_line, front=excluded.front,"
        " back=excluded.back, citation=excluded.citation, extra=excluded.extra, ordinal=excluded.ordinal,"
        " present=1, last_seen=excluded.last_seen",
        [
            (
                c.id,
                c.kind,
                c.deck,
                c.level,
                c.source_file,
                c.source_line,
                c.front,
                c.back,
                c.citation,
                json.dumps(c.extra, separators=(",", ":")),
                ordinal,
                stamp,
                stamp,
            )
            for ordinal, c in enumerate(cards)
        ],
    )
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS current_cards (id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM current_cards")
    conn.executemany("INSERT INTO current_cards (id) VALUES (?)", [(c.id,) for c in cards])
    conn.execute(
        "UPDATE cards SET present = 0 WHERE present = 1 AND id NOT IN (SELECT id FROM current_cards)"
    )
