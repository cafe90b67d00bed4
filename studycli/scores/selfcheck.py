"""Self-check quizzes: a sample of one level's cards, due or not, that never touches the SM-2
schedule. Cards with a short exact answer take a typed answer; the rest are self-graded."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from dataclasses import dataclass

from studycli.content.model import Card
from studycli.scores.answers import answer_matches

SHORT_ANSWER_CHARS = 80
_ONLY_CODE_SPAN = re.compile(r"^`([^`\n]+)`\.?$")
_ONE_LINE_FENCE = re.compile(r"^```[\w-]*\n([^\n]+)\n```$")


def typed_answer(card: Card) -> str | None:
    """The exact answer a learner can type for this card, or None when it is self-graded.

    - a cloze deletion of a few words;
    - a cheatsheet command on one line;
    - a Q/A card whose answer opens with a paragraph that is only a code span (`min.insync.replicas`)
      or a one-line code block.
    """
    if card.kind == "cloze":
        answer = card.back.strip()
        return answer if len(answer) <= SHORT_ANSWER_CHARS and "\n" not in answer else None
    if card.kind == "cheat":
        command = card.back.strip()
        return command if "\n" not in command else None
    first = card.back.strip().split("\n\n", 1)[0].strip()
    for pattern in (_ONLY_CODE_SPAN, _ONE_LINE_FENCE):
        match = pattern.match(first)
        if match:
            return match.group(1).strip()
    return None


def pick(cards: list[Card], count: int, seed: int | None = None) -> list[Card]:
    """A random sample, shown in content order so related cards stay together."""
    rng = random.Random(seed)
    chosen = rng.sample(range(len(cards)), min(count, len(cards)))
    return [cards[i] for i in sorted(chosen)]


@dataclass
class Answer:
    card_id: str
    typed: bool
    correct: bool
    given: str


def judge(card: Card, response: str) -> Answer:
    """Typed cards compare the response to the exact answer; self-graded cards take y/n."""
    expected = typed_answer(card)
    if expected is not None:
        return Answer(card.id, True, answer_matches(expected, response), response)
    return Answer(card.id, False, response.strip().lower() in {"y", "yes", "1", "true"}, response)


def score(answers: list[Answer]) -> int:
    return round(100 * sum(a.correct for a in answers) / len(answers)) if answers else 0


def record(db, level: int, answers: list[Answer], taken_at: dt.datetime) -> int:
    """Store the result (one committed row) and return the score."""
    value = score(answers)
    db["selfchecks"].insert(
        {
            "level": level,
            "taken_at": taken_at.isoformat(),
            "score": value,
            "correct": sum(a.correct for a in answers),
            "total": len(answers),
            "detail": json.dumps([a.__dict__ for a in answers]),
        }
    )
    return value
