"""Records the parser produces. Plain data; no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

# Bump when parsing changes, so cached parses (sync cache, cheatsheet index) are redone. It lives here,
# not in the parser, so a cache check does not pay for importing the parser.
PARSER_VERSION = 2


@dataclass(frozen=True)
class Card:
    id: str
    kind: str  # "qa" | "cloze" | "cheat"
    deck: str
    level: int | None
    source_file: str  # path relative to its content root, "/"-separated
    source_line: int  # 1-based line of the heading or paragraph
    front: str  # Markdown
    back: str  # Markdown (for "cheat": the command text)
    citation: str = ""  # the "Source:" line, without the prefix
    # cloze: {"index": n, "text": full paragraph}; cheat: {"section", "tags", "placeholders", "note", "task"}
    extra: dict = field(default_factory=dict)

    @property
    def source(self) -> str:
        return f"{self.source_file}:{self.source_line}"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message}"
