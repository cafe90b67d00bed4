"""Cheatsheet ranking. Pure: an index built from entries, and a query ranked against it.

A query term matches an index term exactly, as a prefix, through a declared synonym, or within a
small edit distance (typos). Each entry's score sums, per query term, its best match over the
fields (task, tags, command, section), weighted by field and by inverse document frequency, then
is scaled by the share of query terms it matched, so entries matching every word come first.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

FIELD_WEIGHTS = {"task": 3.0, "tags": 2.5, "command": 1.5, "section": 1.0, "note": 0.5}
MATCH_WEIGHTS = {"exact": 1.0, "prefix": 0.8, "synonym": 0.75, "typo": 0.6}

# Words our users type for the same thing. Each group is symmetric.
SYNONYM_GROUPS = [
    {"lag", "offset", "behind", "backlog"},
    {"replay", "rewind", "reset", "reprocess"},
    {"delete", "remove", "drop", "purge"},
    {"list", "show", "ls"},
    {"describe", "inspect", "detail", "info", "show"},
    {"config", "configuration", "setting", "property", "param"},
    {"create", "make", "add", "new"},
    {"modify", "alter", "change", "update", "set"},
    {"urp", "underreplicated", "under-replicated"},
    {"isr", "insync", "in-sync"},
    {"leader", "election", "preferred"},
    {"reassign", "move", "migrate", "rebalance"},
    {"produce", "send", "write", "publish"},
    {"consume", "read", "tail", "subscribe"},
    {"group", "consumer-group", "cg"},
    {"schema", "registry", "subject", "avro"},
    {"connector", "connect", "worker"},
    {"mirror", "replicate", "mm2", "mirrormaker"},
    {"quorum", "controller", "raft", "kraft"},
    {"acl", "permission", "authorize", "authorization"},
    {"segment", "log", "dump"},
    {"compatibility", "compat", "evolve", "evolution"},
    {"savepoint", "checkpoint", "snapshot"},
    {"time", "timestamp", "datetime", "date"},
]

_WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = {
    "a",
    "an",
    "the",
    "to",
    "of",
    "in",
    "on",
    "for",
    "with",
    "and",
    "or",
    "from",
    "by",
    "is",
    "it",
    "its",
    "how",
    "i",
}


def stem(word: str) -> str:
    """A light suffix stripper: enough to join 'partitions' with 'partition'."""
    for suffix in ("ing", "ies", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def terms(text: str) -> list[str]:
    """Index terms: whole flags and tool names as written, plus their stemmed word parts."""
    out: list[str] = []
    for chunk in text.lower().split():
        chunk = chunk.strip("`'\"(),;:\\")
        if chunk.startswith("-") and len(chunk) > 2:
            out.append(chunk.split("=", 1)[0])  # an exact flag such as --to-datetime
        elif "-" in chunk or "." in chunk:
            out.append(chunk)  # a tool name such as kafka-topics.sh
        out.extend(stem(w) for w in _WORD.findall(chunk) if w not in STOPWORDS)
    return out


@dataclass(frozen=True)
class Hit:
    entry: dict
    score: float
    matched: int  # how many query terms matched


def build_index(entries: list[dict]) -> dict:
    """entries: dicts with id, task, command, section, tags (list), note. Returns a JSON-able index."""
    docs = []
    doc_freq: dict[str, int] = {}
    for entry in entries:
        fields = {
            "task": sorted(set(terms(entry.get("task", "")))),
            "tags": sorted(set(terms(" ".join(entry.get("tags", []))))),
            "command": sorted(set(terms(entry.get("command", "")))),
            "section": sorted(set(terms(entry.get("section", "")))),
            "note": sorted(set(terms(entry.get("note", "")))),
        }
        for term in set().union(*fields.values()):
            doc_freq[term] = doc_freq.get(term, 0) + 1
        docs.append({"entry": entry, "fields": fields})
    return {"docs": docs, "doc_freq": doc_freq, "count": len(docs)}


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (adjacent transpositions), giving up once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _synonyms(term: str) -> set[str]:
    found: set[str] = set()
    for group in SYNONYM_GROUPS:
        stemmed = {stem(w) for w in group} | group
        if term in stemmed:
            found |= stemmed
    found.discard(term)
    return found


def expand(term: str, vocabulary) -> dict[str, float]:
    """Index terms a query term stands for, with how strongly."""
    matches: dict[str, float] = {}

    def offer(candidate: str, kind: str) -> None:
        weight = MATCH_WEIGHTS[kind]
        if weight > matches.get(candidate, 0):
            matches[candidate] = weight

    if term in vocabulary:
        offer(term, "exact")
    synonyms = _synonyms(term)
    # A word the index knows is not a typo; skipping the edit-distance scan keeps lookups quick.
    typo_limit = 0 if term in vocabulary or len(term) < 4 else 1 if len(term) < 8 else 2
    for candidate in vocabulary:
        if candidate == term:
            continue
        if len(term) >= 2 and candidate.startswith(term) and not term.startswith("-"):
            offer(candidate, "prefix")
        elif candidate in synonyms:
            offer(candidate, "synonym")
        elif typo_limit and edit_distance(term, candidate, typo_limit) <= typo_limit:
            offer(candidate, "typo")
    return matches


def search(index: dict, query: str, limit: int = 5) -> list[Hit]:
    """Rank entries for a query; entries matching no query term are left out."""
    query_terms = list(dict.fromkeys(terms(query)))
    if not query_terms:
        return []
    doc_freq = index["doc_freq"]
    total = max(index["count"], 1)
    expansions = [expand(term, doc_freq) for term in query_terms]
    # One weight per query term: its own rarity when the index has it, so that a rare synonym
    # never outweighs the word the user actually typed.
    weights = [
        math.log(1 + total / doc_freq[term])
        if term in doc_freq
        else max((math.log(1 + total / doc_freq[c]) for c in exp), default=0)
        for term, exp in zip(query_terms, expansions, strict=True)
    ]
    hits = []
    for position, doc in enumerate(index["docs"]):
        score = 0.0
        matched = 0
        for expansion, idf in zip(expansions, weights, strict=True):
            best = 0.0
            for candidate, strength in expansion.items():
                for field, weight in FIELD_WEIGHTS.items():
                    if candidate in doc["fields"][field]:
                        best = max(best, weight * strength * idf)
            if best:
                matched += 1
                score += best
        if matched:
            coverage = matched / len(expansions)
            hits.append((Hit(doc["entry"], score * coverage * coverage, matched), position))
    # Ties go to content order: authors put the plain, common form of a task first.
    hits.sort(key=lambda pair: (-round(pair[0].score, 6), pair[1]))
    return [hit for hit, _ in hits[:limit]]


def nearest(index: dict, query: str, limit: int = 3) -> list[dict]:
    """Entries whose task reads most like the query, for a 'did you mean' after no match."""
    import difflib

    tasks = {doc["entry"]["task"].lower(): doc["entry"] for doc in index["docs"]}
    close = difflib.get_close_matches(query.lower(), list(tasks), n=limit, cutoff=0.0)
    return [tasks[t] for t in close]
