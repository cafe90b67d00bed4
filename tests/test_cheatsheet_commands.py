"""The shipped Streaming CLI Cheatsheet: parsed with the project's parser, checked for coverage and for
flags that Kafka 4.x removed or deprecated. No cluster needed; tests/live/test_cheatsheet_live.py runs
the commands against the real tools."""

from __future__ import annotations

import re

import pytest

from studycli import paths
from studycli.content import parser
from studycli.runtime import tools

CHEATSHEET = "STREAMING_CLI_CHEATSHEET.md"

SECTIONS = (
    "Topics",
    "Configs",
    "Consumer groups and offsets",
    "Partition reassignment and leader election",
    "KRaft storage and quorum",
    "Producing and consuming",
    "Log inspection",
    "ACLs",
    "Schema Registry REST (curl)",
    "Connect REST (curl)",
    "MirrorMaker 2",
    "Flink CLI and SQL client",
    "Confluent CLI (Confluent-specific)",
)
MIN_ENTRIES = 100
MIN_PER_SECTION = 5

KAFKA_TOOL = re.compile(r"(?<![\w./-])((?:kafka|connect)-[a-z-]+\.sh)\b")

# Flags that are gone in Kafka 4.x, or deprecated there in favour of a new name (checked against the
# 4.4 tools' --help). The cheatsheet must teach the current spelling.
RETIRED_FLAGS = {
    "--zookeeper": "ZooKeeper mode was removed in Kafka 4.0",
    "--whitelist": "removed from the console consumer; use --include",
    "--property": "deprecated for the console tools; use --reader-property / --formatter-property",
    "--producer-property": "deprecated; use --command-property",
    "--consumer-property": "deprecated; use --command-property",
    "--producer.config": "deprecated; use --command-config",
    "--consumer.config": "deprecated; use --command-config",
    "--producer-props": "deprecated in kafka-producer-perf-test.sh; use --command-property",
    "--messages": "deprecated in kafka-consumer-perf-test.sh; use --num-records",
    "--admin.config": "deprecated in kafka-leader-election.sh; use --command-config",
    "--metadata": "deprecated in kafka-features.sh; use --release-version or --feature",
    "--delete-config": None,  # fine for kafka-configs.sh, dead for kafka-topics.sh: checked below
}


def load():
    text = (paths.shipped("content") / CHEATSHEET).read_text(encoding="utf-8")
    return parser.parse_document(CHEATSHEET, text)


@pytest.fixture(scope="module")
def parsed():
    return load()


@pytest.fixture(scope="module")
def entries(parsed):
    return [c for c in parsed.cards if c.kind == "cheat"]


def command_line(card) -> str:
    """The command with shell line continuations joined."""
    return card.back.replace("\\\n", " ")


def test_parses_without_problems_as_a_cheatsheet(parsed):
    assert parsed.problems == []
    assert parsed.meta.kind == "cheatsheet"
    assert parsed.meta.deck == "cheatsheet"


def test_entry_and_section_counts(entries):
    assert len(entries) >= MIN_ENTRIES
    per_section = {}
    for card in entries:
        per_section[card.extra["section"]] = per_section.get(card.extra["section"], 0) + 1
    assert set(per_section) == set(SECTIONS)
    thin = {name: n for name, n in per_section.items() if n < MIN_PER_SECTION}
    assert not thin, f"sections below {MIN_PER_SECTION} entries: {thin}"


def test_every_entry_has_an_explicit_id_tags_a_source_and_one_sh_block(entries):
    for card in entries:
        assert card.id.startswith("cs-"), card.source
        assert card.extra["tags"], f"{card.source}: no Tags"
        assert card.citation, f"{card.source}: no Source"
        assert card.extra.get("lang") == "sh", f"{card.source}: command block is not ```sh"
        assert card.back.strip(), card.source


def test_placeholders_use_the_documented_syntax(entries):
    for card in entries:
        bracketed = re.findall(r"(?<!<)<([^<>\s']+)>", card.back)
        for name in bracketed:
            assert parser.PLACEHOLDER.fullmatch(f"<{name}>"), f"{card.source}: <{name}>"
        assert set(bracketed) <= set(card.extra["placeholders"]), card.source


def test_cluster_tools_connect_with_bootstrap_flags(entries):
    offline = {"kafka-storage.sh", "kafka-dump-log.sh", "connect-mirror-maker.sh"}
    for card in entries:
        for tool in KAFKA_TOOL.findall(card.back):
            if tool in offline:
                continue
            assert re.search(r"--bootstrap-(server|controller)\b", card.back), f"{card.source}: {tool}"


def test_every_kafka_tool_named_is_one_the_runtime_wraps(entries):
    named = {tool for card in entries for tool in KAFKA_TOOL.findall(card.back)}
    assert named, "no Kafka tools found: the pattern is broken"
    assert named <= set(tools.TOOLS), sorted(named - set(tools.TOOLS))


def test_no_retired_or_deprecated_flags(entries):
    for card in entries:
        words = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9.-]*", command_line(card)))
        for flag, why in RETIRED_FLAGS.items():
            if why and flag in words:
                pytest.fail(f"{card.source}: {flag}: {why}")
        if "kafka-topics.sh" in card.back:
            assert "--delete-config" not in words, (
                f"{card.source}: kafka-topics.sh --delete-config is dead in 4.x"
            )


def test_confluent_specific_commands_are_labelled(entries):
    for card in entries:
        if re.match(r"\s*confluent\s", card.back):
            assert "(Confluent CLI)" in card.extra["task"], card.source
            assert card.extra["section"] == "Confluent CLI (Confluent-specific)", card.source


def test_rest_sections_use_the_environment_placeholders(entries):
    wanted = {"Schema Registry REST (curl)": "registry-url", "Connect REST (curl)": "connect-url"}
    for card in entries:
        name = wanted.get(card.extra["section"])
        if name:
            assert card.back.lstrip().startswith("curl "), card.source
            assert name in card.extra["placeholders"], card.source
