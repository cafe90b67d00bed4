"""Typed-answer comparison for self-checks. Pure.

Commands compare as a tool plus a multiset of flag/value pairs and positional arguments, so the
order of flags and the quoting do not matter. A `<placeholder>` in the expected command accepts
any value, and so does a value that only partly is a placeholder (`http://<host>:8081`).
"""

from __future__ import annotations

import re
import shlex
from collections import Counter

_PLACEHOLDER = re.compile(r"<[A-Za-z][A-Za-z0-9_.:-]*>")
_TOOL_SUFFIX = re.compile(r"\.(sh|bat)$")


def _split(command: str) -> list[str] | None:
    command = command.replace("\\\n", " ").strip()
    command = re.sub(r"^\$\s+", "", command)
    try:
        return shlex.split(command)
    except ValueError:  # unbalanced quotes in what was typed
        return None


def _is_flag(token: str) -> bool:
    return token.startswith("-") and len(token) > 1 and not token[1:].replace(".", "").isdigit()


def _parse(tokens: list[str], takes_value: set[str]) -> tuple[str, Counter, Counter]:
    tool = _TOOL_SUFFIX.sub("", tokens[0].rsplit("/", 1)[-1])
    flags: Counter = Counter()
    positional: Counter = Counter()
    i = 1
    while i < len(tokens):
        token = tokens[i]
        if _is_flag(token):
            if "=" in token and token.startswith("--"):
                name, value = token.split("=", 1)
                flags[(name, value)] += 1
            elif token in takes_value and i + 1 < len(tokens):
                flags[(token, tokens[i + 1])] += 1
                i += 1
            else:
                flags[(token, None)] += 1
        else:
            positional[token] += 1
        i += 1
    return tool, flags, positional


def _value_matches(expected: str | None, given: str | None) -> bool:
    if expected is None or given is None:
        return expected == given
    if not _PLACEHOLDER.search(expected):
        return expected == given
    parts = re.split(f"({_PLACEHOLDER.pattern})", expected)
    pattern = "".join(".+" if _PLACEHOLDER.fullmatch(part) else re.escape(part) for part in parts)
    return re.fullmatch(pattern, given, flags=re.S) is not None


def _value_flags(tokens: list[str]) -> set[str]:
    """Flags that take a value in the expected command: followed by a non-flag token."""
    return {
        tok
        for tok, nxt in zip(tokens[1:], tokens[2:], strict=False)
        if _is_flag(tok) and "=" not in tok and not _is_flag(nxt)
    }


def _match_multiset(expected: Counter, given: Counter, matches) -> bool:
    """Pair every expected item with a distinct given item (greedy, exact values first)."""
    pool = list(given.elements())
    for item in sorted(expected.elements(), key=lambda e: _PLACEHOLDER.search(str(e)) is not None):
        for k, candidate in enumerate(pool):
            if matches(item, candidate):
                del pool[k]
                break
        else:
            return False
    return not pool


def commands_match(expected: str, typed: str) -> bool:
    expected_tokens, typed_tokens = _split(expected), _split(typed)
    if not expected_tokens or not typed_tokens:
        return False
    # A flag the learner wrote with no value after it (`curl <url> -s`) is boolean for both sides.
    bare_in_typed = {
        tok
        for tok, nxt in zip(typed_tokens[1:], typed_tokens[2:] + ["--"], strict=True)
        if _is_flag(tok) and _is_flag(nxt)
    }
    takes_value = _value_flags(expected_tokens) - bare_in_typed
    tool_e, flags_e, pos_e = _parse(expected_tokens, takes_value)
    tool_t, flags_t, pos_t = _parse(typed_tokens, takes_value)
    if tool_e != tool_t:
        return False

    def flag_matches(e, t):
        return e[0] == t[0] and _value_matches(e[1], t[1])

    return _match_multiset(flags_e, flags_t, flag_matches) and _match_multiset(pos_e, pos_t, _value_matches)


def _normalize_text(text: str) -> str:
    text = text.strip().strip("`").lower()
    text = re.sub(r"[`*_\"']", "", text)
    return re.sub(r"\s+", " ", text).strip(" .")


def text_answer_matches(expected: str, typed: str) -> bool:
    """Short exact answers (a config name, a value): case, backticks and spacing are ignored."""
    return _normalize_text(expected) == _normalize_text(typed) or _value_matches(
        expected.strip("`"), typed.strip()
    )


def looks_like_command(text: str) -> bool:
    first = text.strip().split(" ", 1)[0]
    return bool(re.match(r"^[a-z][\w.-]*(\.sh)?$", first)) and (" -" in text or first.endswith(".sh"))


def answer_matches(expected: str, typed: str) -> bool:
    if looks_like_command(expected):
        return commands_match(expected, typed)
    return text_answer_matches(expected, typed)
