"""The I/O side of content: find the Markdown files under the content roots and read them.
Parsing itself is pure and lives in `studycli.content.parser`.

Public API:

- `content_files(roots) -> list[ContentFile]`: every `.md` file under the roots, in content order
  (roots in the given order, then paths sorted); files named README.md and hidden folders are skipped.
  A root may also be a single `.md` file. A root that does not exist raises StudyError.
- `read_file(file) -> bytes | Problem`: the bytes, or a `file:1` problem if it cannot be read.
- `load_content(roots) -> LoadResult(cards, problems)`: parse everything, no database involved;
  duplicate ids across files are reported (the first one wins).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from studycli.content.model import Card, Problem
from studycli.errors import StudyError

SKIPPED_NAMES = {"readme.md"}


@dataclass(frozen=True)
class ContentFile:
    root: Path  # the content root it was found under
    path: Path  # absolute path
    relative: str  # "/"-separated path relative to the root; the cards' source_file

    @property
    def key(self) -> str:
        """Unique across roots: the resolved path."""
        return str(self.path)


@dataclass
class LoadResult:
    cards: list[Card] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def content_files(roots: list[Path]) -> list[ContentFile]:
    found: list[ContentFile] = []
    seen: set[Path] = set()
    for root in roots:
        root = Path(root).expanduser()
        if not root.exists():
            raise StudyError(
                f"content path {root} does not exist",
                hint="check --content / STUDY_CONTENT (paths are separated by os.pathsep)",
            )
        root = root.resolve()
        candidates = [(root.parent, root)] if root.is_file() else [(root, p) for p in _walk(root)]
        for base, path in candidates:
            if path in seen or path.name.lower() in SKIPPED_NAMES:
                continue
            seen.add(path)
            found.append(ContentFile(base, path, path.relative_to(base).as_posix()))
    return found


def _walk(root: Path) -> list[Path]:
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        out.extend(Path(dirpath, f) for f in filenames if f.lower().endswith(".md") and not f.startswith("."))
    # Case-insensitive, so the level folders come before the upper-case guides: a new learner starts at Level 1.
    return sorted(out, key=lambda p: p.relative_to(root).as_posix().lower())


def read_file(file: ContentFile) -> bytes | Problem:
    try:
        return file.path.read_bytes()
    except OSError as err:
        return Problem(file.relative, 1, f"cannot read the file: {err.strerror}")


def load_content(roots: list[Path]) -> LoadResult:
    from studycli.content.parser import deduplicate, parse_document_bytes

    result = LoadResult()
    cards: list[Card] = []
    for file in content_files(roots):
        data = read_file(file)
        if isinstance(data, Problem):
            result.problems.append(data)
            continue
        parsed = parse_document_bytes(file.relative, data)
        cards.extend(parsed.cards)
        result.problems.extend(parsed.problems)
    result.cards, duplicates = deduplicate(cards)
    result.problems.extend(duplicates)
    return result
