"""The shipped content: minimum card counts per file, no problems at all, a source on every card,
and a path that starts a new learner at Level 1."""

import subprocess
import sys
from collections import Counter

import pytest

from studycli import paths
from studycli.content.loader import load_content

MINIMUM_CARDS = {
    "levels/01-broker-tuning.md": 25,
    "levels/02-consumer-lag.md": 25,
    "levels/03-schema-registry.md": 25,
    "levels/04-kafka-connect.md": 25,
    "levels/05-disaster-recovery.md": 25,
    "levels/06-flink.md": 25,
    "SENIOR_STREAMING_INTERVIEW_GUIDE.md": 60,
    "STREAMING_CLI_CHEATSHEET.md": 90,
}
LEVEL_OF = {f"levels/0{n}": n for n in range(1, 7)}


@pytest.fixture(scope="module")
def shipped():
    return load_content([paths.shipped("content")])


def test_no_errors_and_no_warnings(shipped):
    assert [str(p) for p in shipped.problems] == []


def test_content_check_command_is_clean():
    proc = subprocess.run(
        [sys.executable, "-m", "studycli", "content", "check", str(paths.shipped("content"))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 errors, 0 warnings" in proc.stdout + proc.stderr


@pytest.mark.parametrize(("source_file", "minimum"), MINIMUM_CARDS.items())
def test_minimum_cards_per_file(shipped, source_file, minimum):
    counts = Counter(c.source_file for c in shipped.cards)
    assert counts[source_file] >= minimum


def test_every_card_cites_a_source_and_knows_its_level(shipped):
    for card in shipped.cards:
        assert card.citation.strip(), card.source
        expected = LEVEL_OF.get(card.source_file[:9])
        assert card.level == expected, card.source


def test_cheatsheet_entries_are_cheat_cards(shipped):
    kinds = Counter(c.kind for c in shipped.cards if c.source_file == "STREAMING_CLI_CHEATSHEET.md")
    assert set(kinds) == {"cheat"}


def test_a_new_learner_starts_at_level_one(shipped):
    cards = shipped.cards
    assert cards[0].level == 1 and cards[0].source_file.startswith("levels/01-")
    levels = [c.level for c in cards if c.level is not None]
    assert levels == sorted(levels)
