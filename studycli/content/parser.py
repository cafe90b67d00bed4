"""Markdown text -> Card records and Problems. Pure: no I/O, no clock, no database.

The format is documented in content/README.md. Public API:

- `parse_bytes(path, data) -> (cards, problems)`: raw file bytes; checks size, NUL bytes and UTF-8.
- `parse_text(path, text) -> (cards, problems)`: decoded text.
- `parse_document(path, text) -> ParsedFile`: the same plus the file's front matter (deck, level,
  kind, title).
- `deduplicate(cards) -> (unique_cards, problems)`: across files; the first card with an id wins and
  every later one is an error that names both places.

`path` is the file's path relative to its content root, "/"-separated; every Problem carries it and
a 1-based line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from studycli.content.model import PARSER_VERSION, Card, Problem  # noqa: F401 (re-exported)

MAX_FILE_BYTES = 2 * 1024 * 1024  # a content file is prose; anything bigger is a mistake

FRONT_MATTER_KEYS = ("deck", "level", "kind", "title")
FILE_KINDS = ("lesson", "cheatsheet")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DECK_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_TRAILING_ID = re.compile(r"\s*\{#([^{}]*)\}\s*$")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# <bootstrap>, <group-id>, <new_name>, or a date pattern such as <YYYY-MM-DDTHH:mm:SS.sss>
PLACEHOLDER = re.compile(r"<([a-z][a-z0-9]*(?:[-_][a-z0-9]+)*|[YMD][YMDHhmsSTZ:.+\-]*)>")
SOURCE_PREFIX = "Source:"
TAGS_PREFIX = "Tags:"


@dataclass(frozen=True)
class FileMeta:
    deck: str
    level: int | None
    kind: str  # "lesson" | "cheatsheet"
    title: str


@dataclass
class ParsedFile:
    path: str
    meta: FileMeta
    cards: list[Card] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def parse_bytes(path: str, data: bytes) -> tuple[list[Card], list[Problem]]:
    parsed = parse_document_bytes(path, data)
    return parsed.cards, parsed.problems


def parse_text(path: str, text: str) -> tuple[list[Card], list[Problem]]:
    parsed = parse_document(path, text)
    return parsed.cards, parsed.problems


def parse_document_bytes(path: str, data: bytes) -> ParsedFile:
    """Decode and parse; a file that is too big, binary or not UTF-8 yields one error and no cards."""
    empty = ParsedFile(path, _default_meta(path))
    if len(data) > MAX_FILE_BYTES:
        empty.problems.append(_too_big(path, len(data)))
        return empty
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        empty.problems.append(Problem(path, line, "binary data (a NUL byte): not a Markdown text file"))
        return empty
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        bad = data[err.start : err.start + 1].hex()
        empty.problems.append(
            Problem(path, line, f"not UTF-8 text: byte 0x{bad} at column {column}; save the file as UTF-8")
        )
        return empty
    return parse_document(path, text)


def parse_document(path: str, text: str) -> ParsedFile:
    result = ParsedFile(path, _default_meta(path))
    if len(text) > MAX_FILE_BYTES:
        result.problems.append(_too_big(path, len(text.encode("utf-8", "replace"))))
        return result
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL_CHARS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        result.problems.append(
            Problem(
                path,
                line,
                f"binary data (control character U+{ord(bad.group()):04X}): not a Markdown text file",
            )
        )
        return result
    lines = text.split("\n")
    meta, body_start, fm_problems = _front_matter(path, lines)
    result.meta = meta
    result.problems.extend(fm_problems)
    # Blank out the front matter so markdown-it's line numbers stay the file's line numbers.
    body = "\n" * body_start + "\n".join(lines[body_start:])
    _Walker(path, lines, meta, _markdown().parse(body), result).run()
    result.cards.sort(key=lambda c: (c.source_line, c.extra.get("index", 0)))
    result.problems.sort(key=lambda p: p.line)
    return result


def deduplicate(cards: list[Card]) -> tuple[list[Card], list[Problem]]:
    """Keep the first card of each id (content order); each later one is an error naming both places."""
    first: dict[str, Card] = {}
    unique: list[Card] = []
    problems: list[Problem] = []
    for card in cards:
        seen = first.get(card.id)
        if seen is None:
            first[card.id] = card
            unique.append(card)
        else:
            problems.append(
                Problem(
                    card.source_file,
                    card.source_line,
                    f"duplicate card id '{card.id}': already used at {seen.source}; this card is skipped",
                )
            )
    return unique, problems


def derived_id(deck: str, kind_letter: str, text: str) -> str:
    """Identity for a card without {#id}: deck + a hash of its whitespace-normalised text."""
    digest = hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:10]
    return f"{deck}-{kind_letter}-{digest}"


# --- internals ---------------------------------------------------------------------------------

_MD: dict[bool, object] = {}
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)", re.MULTILINE)


def _markdown(lists: bool = False):
    """Block structure only: inline content is read raw, so inline parsing is skipped. The list rule
    is most of the remaining parse time and card boundaries do not depend on it (a list still ends
    at a heading, a `---` line or a fence), so it runs only where a cloze sits in a list."""
    md = _MD.get(lists)
    if md is None:
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])
        if not lists:
            md.disable("list")
        _MD[lists] = md
    return md


def _too_big(path: str, size: int) -> Problem:
    return Problem(
        path,
        1,
        f"file is {size / 1_048_576:.1f} MB; content files are limited to "
        f"{MAX_FILE_BYTES // 1_048_576} MB (split it into several files)",
    )


def _default_meta(path: str) -> FileMeta:
    stem = path.rsplit("/", 1)[-1]
    stem = stem[:-3] if stem.lower().endswith(".md") else stem
    return FileMeta(deck=stem, level=None, kind="lesson", title="")


def _front_matter(path: str, lines: list[str]) -> tuple[FileMeta, int, list[Problem]]:
    """Hand-parsed `key: value` block between two `---` lines. Returns (meta, first body line, problems)."""
    default = _default_meta(path)
    if not lines or lines[0].rstrip() != "---":
        return default, 0, []
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return default, 0, [Problem(path, 1, "front matter opened here is never closed with a '---' line")]
    problems: list[Problem] = []
    values: dict[str, str] = {}
    for i in range(1, end):
        raw = lines[i].strip()
        if not raw or raw.startswith("#"):
            continue
        key, sep, value = raw.partition(":")
        key = key.strip()
        if not sep or not key:
            problems.append(
                Problem(path, i + 1, f"malformed front-matter line {raw!r}: expected 'key: value'")
            )
            continue
        if key not in FRONT_MATTER_KEYS:
            problems.append(
                Problem(
                    path, i + 1, f"unknown front-matter key '{key}' (known: {', '.join(FRONT_MATTER_KEYS)})"
                )
            )
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if key in values:
            problems.append(Problem(path, i + 1, f"front-matter key '{key}' is given twice"))
        values[key] = value
        if key == "level" and not (value.isdigit() and 1 <= int(value) <= 6):
            problems.append(Problem(path, i + 1, f"level must be a whole number from 1 to 6, not {value!r}"))
        elif key == "kind" and value not in FILE_KINDS:
            problems.append(
                Problem(path, i + 1, f"kind must be one of {', '.join(FILE_KINDS)}, not {value!r}")
            )
        elif key == "deck" and not DECK_PATTERN.match(value):
            problems.append(
                Problem(
                    path, i + 1, f"deck {value!r} must be letters, digits, '-', '_' or '.', without spaces"
                )
            )
    level = values.get("level", "")
    deck = values.get("deck", "")
    kind = values.get("kind", "")
    meta = FileMeta(
        deck=deck if DECK_PATTERN.match(deck) else default.deck,
        level=int(level) if level.isdigit() and 1 <= int(level) <= 6 else None,
        kind=kind if kind in FILE_KINDS else "lesson",
        title=values.get("title", ""),
    )
    return meta, end + 1, problems


@dataclass
class _Block:
    index: int  # token index of the opener (or the standalone token)
    type: str  # "heading", "paragraph", "fence", "hr", ...
    start: int  # 0-based first line
    end: int  # 0-based line after the block
    content: str = ""  # raw inline content for headings and paragraphs
    tag: str = ""


class _Walker:
    def __init__(self, path: str, lines: list[str], meta: FileMeta, tokens, result: ParsedFile):
        self.path = path
        self.lines = lines
        self.meta = meta
        self.tokens = tokens
        self.result = result
        self.blocks = self._top_level_blocks()

    def problem(self, line0: int, message: str, severity: str = "error") -> None:
        self.result.problems.append(Problem(self.path, line0 + 1, message, severity))

    def run(self) -> None:
        self._check_fences()
        claimed: list[tuple[int, int]] = []  # line ranges of Q and cheatsheet sections
        section = ""
        for pos, block in enumerate(self.blocks):
            if block.type != "heading":
                continue
            text = block.content.strip()
            if not self.meta.title and block.tag == "h1":
                self.meta = FileMeta(self.meta.deck, self.meta.level, self.meta.kind, _strip_id(text)[0])
                self.result.meta = self.meta
            body = self._section_blocks(pos)
            end = body[-1].end if body else block.end
            if text.startswith("Q:"):
                claimed.append((block.start, self._section_end(pos)))
                self._question(block, body)
            elif self.meta.kind == "cheatsheet" and block.tag == "h2":
                section = _strip_id(text)[0]
            elif self.meta.kind == "cheatsheet" and block.tag == "h3":
                claimed.append((block.start, max(end, block.end)))
                self._cheat_entry(block, body, section)
        self._clozes(claimed)

    # -- structure ---------------------------------------------------------------------------

    def _top_level_blocks(self) -> list[_Block]:
        blocks: list[_Block] = []
        tokens = self.tokens
        for i, tok in enumerate(tokens):
            if tok.level != 0 or tok.map is None or tok.nesting == -1:
                continue
            kind = tok.type.removesuffix("_open")
            content = ""
            if kind in ("heading", "paragraph") and i + 1 < len(tokens):
                content = tokens[i + 1].content
            blocks.append(_Block(i, kind, tok.map[0], tok.map[1], content, tok.tag))
        return blocks

    def _section_end(self, pos: int) -> int:
        for block in self.blocks[pos + 1 :]:
            if block.type in ("heading", "hr"):
                return block.start
        return len(self.lines)

    def _section_blocks(self, pos: int) -> list[_Block]:
        out = []
        for block in self.blocks[pos + 1 :]:
            if block.type in ("heading", "hr"):
                break
            out.append(block)
        return out

    def _check_fences(self) -> None:
        for tok in self.tokens:
            if tok.type != "fence" or tok.map is None:
                continue
            start, end = tok.map
            last = self.lines[end - 1] if end - 1 < len(self.lines) else ""
            closing = last.strip().lstrip(">").strip()
            marker = tok.markup
            closed = end - start >= 2 and len(closing) >= len(marker) and set(closing) == {marker[0]}
            if not closed:
                self.problem(start, f"code fence {marker} opened here is never closed")

    def _text(self, start: int, end: int) -> str:
        return "\n".join(self.lines[start:end]).strip("\n").rstrip()

    def _split_source(self, body: list[_Block]) -> tuple[list[_Block], str]:
        """Split off a trailing `Source:` paragraph: (remaining blocks, citation)."""
        if body and body[-1].type == "paragraph" and body[-1].content.lstrip().startswith(SOURCE_PREFIX):
            citation = " ".join(body[-1].content.strip()[len(SOURCE_PREFIX) :].split())
            return body[:-1], citation
        return body, ""

    # -- card kinds --------------------------------------------------------------------------

    def _identity(self, text: str, line0: int, kind_letter: str) -> tuple[str, str] | None:
        """(visible text, id) from text that may end in {#id}; None (with an error) if the id is malformed."""
        visible, explicit = _strip_id(text)
        if explicit is None:
            if "{#" in _mask_code_spans(visible):
                self.problem(line0, "malformed {#id}: it must close with '}' at the end of the line")
                return None
            return visible, derived_id(self.meta.deck, kind_letter, visible)
        if not ID_PATTERN.match(explicit):
            self.problem(
                line0,
                f"malformed id '{{#{explicit}}}': use lowercase letters, digits and single '-' "
                "(for example {#l1-min-isr})",
            )
            return None
        return visible, explicit

    def _question(self, heading: _Block, body: list[_Block]) -> None:
        ident = self._identity(heading.content.strip()[2:].strip(), heading.start, "q")
        if ident is None:
            return
        front, card_id = ident
        if not front:
            self.problem(heading.start, "Q: heading without a question")
            return
        answer_blocks, citation = self._split_source(body)
        back = self._text(heading.end, answer_blocks[-1].end) if answer_blocks else ""
        if not back.strip():
            self.problem(
                heading.start, f"card '{card_id}' has an empty answer (nothing below its Q: heading)"
            )
            return
        if not citation:
            self.problem(heading.start, f"card '{card_id}' has no 'Source:' line", "warning")
        for block in answer_blocks:
            if block.type == "paragraph" and "{{" in _mask_code_spans(block.content):
                self.problem(
                    block.start,
                    "'{{' inside a Q: answer is not a cloze; end the answer with a heading or a '---' "
                    "line before a cloze note, or put the braces in `code`",
                    "warning",
                )
        self._add(
            Card(
                card_id,
                "qa",
                self.meta.deck,
                self.meta.level,
                self.path,
                heading.start + 1,
                front,
                back,
                citation,
            )
        )

    def _cheat_entry(self, heading: _Block, body: list[_Block], section: str) -> None:
        ident = self._identity(heading.content.strip(), heading.start, "x")
        if ident is None:
            return
        task, card_id = ident
        fence_pos = next((i for i, b in enumerate(body) if b.type == "fence"), None)
        if fence_pos is None:
            self.problem(
                heading.start, f"cheatsheet entry '{task}' has no command (a fenced code block below it)"
            )
            return
        fence = self.tokens[body[fence_pos].index]
        command = fence.content.rstrip("\n")
        if not command.strip():
            self.problem(body[fence_pos].start, f"cheatsheet entry '{task}' has an empty command")
            return
        tags: list[str] = []
        intro: list[str] = []
        for block in body[:fence_pos]:
            if block.type == "paragraph" and block.content.lstrip().startswith(TAGS_PREFIX):
                raw = block.content.strip()[len(TAGS_PREFIX) :]
                tags.extend(t.strip() for t in raw.replace("\n", ",").split(",") if t.strip())
            else:
                intro.append(self._text(block.start, block.end))
        after, citation = self._split_source(body[fence_pos + 1 :])
        note_parts = intro + ([self._text(after[0].start, after[-1].end)] if after else [])
        placeholders = list(dict.fromkeys(PLACEHOLDER.findall(command)))
        if not citation:
            self.problem(heading.start, f"cheatsheet entry '{card_id}' has no 'Source:' line", "warning")
        extra = {
            "section": section,
            "tags": tags,
            "placeholders": placeholders,
            "note": "\n\n".join(p for p in note_parts if p),
            "task": task,
            "lang": fence.info.strip().split(" ")[0] if fence.info else "",
        }
        self._add(
            Card(
                card_id,
                "cheat",
                self.meta.deck,
                self.meta.level,
                self.path,
                heading.start + 1,
                task,
                command,
                citation,
                extra,
            )
        )

    def _clozes(self, claimed: list[tuple[int, int]]) -> None:
        inside = bytearray(len(self.lines) + 1)  # 1 for lines that belong to a Q or cheatsheet section
        for start, end in claimed:
            inside[start:end] = b"\x01" * (end - start)
        self._cloze_notes(self.tokens, 0, inside)

    def _cloze_notes(self, tokens, offset: int, inside: bytearray | None) -> None:
        for i, tok in enumerate(tokens):
            if tok.type != "paragraph_open" or tok.map is None:
                continue
            line0 = offset + tok.map[0]
            if inside is not None and inside[line0]:
                continue
            content = tokens[i + 1].content
            if "{{" not in content:
                continue
            if inside is not None and _LIST_ITEM.search(content):
                # a list (parsed as a paragraph): one cloze note per list item
                self._cloze_notes(_markdown(lists=True).parse(content), line0, None)
                continue
            citation = ""
            nxt = i + 3
            if (
                nxt + 1 < len(tokens)
                and tokens[nxt].type == "paragraph_open"
                and tokens[nxt].level == tok.level
                and tokens[nxt + 1].content.lstrip().startswith(SOURCE_PREFIX)
            ):
                citation = " ".join(tokens[nxt + 1].content.strip()[len(SOURCE_PREFIX) :].split())
            self._cloze_note(content, line0, citation)

    def _cloze_note(self, content: str, line0: int, citation: str) -> None:
        masked = _mask_code_spans(content)
        spans: list[tuple[int, int]] = []  # (start of "{{", end after "}}")
        pos = 0
        while True:
            start = masked.find("{{", pos)
            if start < 0:
                break
            end = masked.find("}}", start + 2)
            if end < 0:
                line = line0 + content.count("\n", 0, start)
                self.problem(line, "unclosed cloze deletion: '{{' without a matching '}}'")
                return
            spans.append((start, end + 2))
            pos = end + 2
        id_match = _TRAILING_ID.search(masked)
        body_end = id_match.start() if id_match else len(content)
        explicit = content[id_match.start(1) : id_match.end(1)] if id_match else None
        if explicit is not None and not ID_PATTERN.match(explicit):
            self.problem(
                line0, f"malformed id '{{#{explicit}}}': use lowercase letters, digits and single '-'"
            )
            return
        if explicit is None and "{#" in _blank_spans(masked, spans):
            self.problem(line0, "malformed {#id}: it must close with '}' at the end of the paragraph")
            return
        deletions = []
        for start, end in spans:
            answer = content[start + 2 : end - 2].strip()
            if not answer:
                line = line0 + content.count("\n", 0, start)
                self.problem(line, "empty cloze deletion '{{}}' is ignored", "warning")
                continue
            deletions.append((start, end, answer))
        if not deletions:
            return

        def render(hidden: int | None) -> str:
            out, last = [], 0
            for n, (start, end, answer) in enumerate(deletions):
                out.append(content[last:start])
                out.append("[...]" if n == hidden else answer)
                last = end
            out.append(content[last:body_end])
            return "".join(out).strip()

        full = render(None)
        base = explicit
        if base is None:
            # identity ignores what is deleted: blank every deletion
            blanked, last = [], 0
            for start, end, _ in deletions:
                blanked.append(content[last:start] + "___")
                last = end
            blanked.append(content[last:body_end])
            base = derived_id(self.meta.deck, "c", "".join(blanked))
        if not citation:
            self.problem(line0, f"cloze note '{base}' has no 'Source:' line", "warning")
        for n, (_start, _end, answer) in enumerate(deletions):
            self._add(
                Card(
                    f"{base}-{n + 1}",
                    "cloze",
                    self.meta.deck,
                    self.meta.level,
                    self.path,
                    line0 + 1,
                    render(n),
                    answer,
                    citation,
                    {"index": n + 1, "text": full},
                )
            )

    def _add(self, card: Card) -> None:
        self.result.cards.append(card)


def _strip_id(text: str) -> tuple[str, str | None]:
    match = _TRAILING_ID.search(text)
    if not match:
        return text.strip(), None
    return text[: match.start()].strip(), match.group(1).strip()


def _mask_code_spans(text: str) -> str:
    """Same-length copy of `text` with code-span contents blanked, so `{{` in code is not a deletion."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            if i + 1 < n and text[i + 1] in "{}`":
                out[i + 1] = "_"
            i += 2
            continue
        if ch != "`":
            i += 1
            continue
        j = i
        while j < n and text[j] == "`":
            j += 1
        run = j - i
        k, close = j, -1
        while k < n:
            if text[k] == "`":
                m = k
                while m < n and text[m] == "`":
                    m += 1
                if m - k == run:
                    close = k
                    break
                k = m
            else:
                k += 1
        if close < 0:
            i = j
            continue
        for t in range(j, close):
            if out[t] != "\n":
                out[t] = "_"
        i = close + run
    return "".join(out)


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    out = list(text)
    for start, end in spans:
        for t in range(start, end):
            out[t] = "_"
    return "".join(out)
