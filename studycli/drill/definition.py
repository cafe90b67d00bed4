"""Loading drill definitions: one folder per drill under the shipped `drills/` (or STUDY_DRILLS).

A folder holds `drill.toml` (metadata, faults, hints, solution), `briefing.md`, `check.py`
and optionally `solution.sh` and helper scripts. drills/README.md documents the format.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from studycli import paths

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib
from studycli.errors import StudyError

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DIFFICULTIES = ("easy", "medium", "hard")
REQUIRED_KEYS = ("id", "level", "title", "difficulty", "topology", "time_budget_minutes")


@dataclass(frozen=True)
class Drill:
    id: str
    level: int
    title: str
    difficulty: str
    topology: str
    time_budget_minutes: int
    folder: Path
    related_cards: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    faults: tuple[dict, ...] = ()
    # names the drill owns beyond those its faults create (e.g. a DLQ topic the learner may make)
    cleanup_topics: tuple[str, ...] = ()
    cleanup_groups: tuple[str, ...] = ()
    summary: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def briefing_path(self) -> Path:
        return self.folder / "briefing.md"

    @property
    def check_path(self) -> Path:
        return self.folder / "check.py"

    @property
    def solution_path(self) -> Path:
        return self.folder / "solution.sh"

    def briefing(self, values: dict | None = None) -> str:
        """The page, with `{name}` filled from what the faults recorded (e.g. a release time)."""
        text = self.briefing_path.read_text(encoding="utf-8")
        for name, value in (values or {}).items():
            text = text.replace("{" + name + "}", str(value))
        return text

    def solution(self) -> str:
        return self.solution_path.read_text(encoding="utf-8")

    def topics(self) -> list[str]:
        """Every topic the drill creates or owns, for cleanup."""
        names = [f["topic"] for f in self.faults if f.get("do") == "create_topic"]
        return list(dict.fromkeys([*names, *self.cleanup_topics]))

    def groups(self) -> list[str]:
        names = [f["group"] for f in self.faults if "group" in f]
        return list(dict.fromkeys([*names, *self.cleanup_groups]))


def drills_root() -> Path:
    override = os.environ.get("STUDY_DRILLS")
    return Path(override).expanduser() if override else paths.shipped("drills")


def load_folder(folder: Path) -> Drill:
    """Parse and validate one drill folder; every problem is a StudyError naming the file."""
    toml_path = folder / "drill.toml"
    try:
        raw = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StudyError(f"{folder}: no drill.toml") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise StudyError(f"{toml_path}: not valid TOML: {err}") from None
    missing = [key for key in REQUIRED_KEYS if key not in raw]
    if missing:
        raise StudyError(f"{toml_path}: missing {', '.join(missing)}")
    drill_id = raw["id"]
    if not isinstance(drill_id, str) or not ID_PATTERN.match(drill_id) or drill_id != folder.name:
        raise StudyError(f"{toml_path}: id {drill_id!r} must be lowercase-dashed and equal the folder name")
    if raw["difficulty"] not in DIFFICULTIES:
        raise StudyError(f"{toml_path}: difficulty must be one of {', '.join(DIFFICULTIES)}")
    if not isinstance(raw["level"], int) or not 1 <= raw["level"] <= 6:
        raise StudyError(f"{toml_path}: level must be 1..6")
    if not isinstance(raw["time_budget_minutes"], int) or raw["time_budget_minutes"] <= 0:
        raise StudyError(f"{toml_path}: time_budget_minutes must be a positive integer")
    faults = raw.get("fault", [])
    from studycli.drill.faults import PRIMITIVES

    for index, fault in enumerate(faults, 1):
        kind = fault.get("do")
        if kind not in PRIMITIVES:
            raise StudyError(
                f"{toml_path}: fault #{index} has unknown primitive {kind!r}",
                hint=f"known primitives: {', '.join(sorted(PRIMITIVES))}",
            )
    for needed in ("briefing.md", "check.py"):
        if not (folder / needed).is_file():
            raise StudyError(f"{folder}: missing {needed}")
    if not (folder / "solution.sh").is_file():
        raise StudyError(f"{folder}: missing solution.sh")
    known = set(REQUIRED_KEYS) | {
        "related_cards",
        "hints",
        "fault",
        "cleanup_topics",
        "cleanup_groups",
        "summary",
    }
    return Drill(
        id=drill_id,
        level=raw["level"],
        title=raw["title"],
        difficulty=raw["difficulty"],
        topology=raw["topology"],
        time_budget_minutes=raw["time_budget_minutes"],
        folder=folder,
        related_cards=tuple(raw.get("related_cards", ())),
        hints=tuple(raw.get("hints", ())),
        faults=tuple(faults),
        cleanup_topics=tuple(raw.get("cleanup_topics", ())),
        cleanup_groups=tuple(raw.get("cleanup_groups", ())),
        summary=raw.get("summary", ""),
        extra={k: v for k, v in raw.items() if k not in known},
    )


def all_drills(root: Path | None = None) -> list[Drill]:
    root = root or drills_root()
    if not root.is_dir():
        return []
    drills = [load_folder(p) for p in sorted(root.iterdir()) if (p / "drill.toml").is_file()]
    return sorted(drills, key=lambda d: (d.level, d.extra.get("order", 99), d.id))


def get(drill_id: str, root: Path | None = None) -> Drill:
    root = root or drills_root()
    folder = root / drill_id
    if ID_PATTERN.match(drill_id or "") and (folder / "drill.toml").is_file():
        return load_folder(folder)
    names = [d.id for d in all_drills(root)]
    import difflib

    close = difflib.get_close_matches(drill_id, names, n=3)
    raise StudyError(
        f"no drill named {drill_id!r}",
        hint=(f"did you mean {', '.join(close)}? " if close else "") + "`study drill list` shows every drill",
    )
