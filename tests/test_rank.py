from studycli.cheatsheet.rank import build_index, edit_distance, nearest, search, terms

ENTRIES = [
    {
        "id": "reassign",
        "task": "Move partitions to other brokers",
        "section": "Partition reassignment",
        "command": "kafka-reassign-partitions.sh --bootstrap-server <bootstrap> --reassignment-json-file <file> --execute",
        "tags": ["reassign", "move"],
        "note": "",
    },
    {
        "id": "urp",
        "task": "List under-replicated partitions",
        "section": "Topics",
        "command": "kafka-topics.sh --bootstrap-server <bootstrap> --describe --under-replicated-partitions",
        "tags": ["isr", "health"],
        "note": "",
    },
    {
        "id": "reset-dt",
        "task": "Reset a group's offsets to a point in time",
        "section": "Consumer groups and offsets",
        "command": "kafka-consumer-groups.sh --bootstrap-server <bootstrap> --group <group> --reset-offsets --to-datetime <ts> --execute",
        "tags": ["replay"],
        "note": "",
    },
    {
        "id": "lag",
        "task": "Describe a consumer group",
        "section": "Consumer groups and offsets",
        "command": "kafka-consumer-groups.sh --bootstrap-server <bootstrap> --describe --group <group>",
        "tags": [],
        "note": "",
    },
]
INDEX = build_index(ENTRIES)


def top(query):
    return [h.entry["id"] for h in search(INDEX, query)]


def test_words_in_any_order_and_prefixes():
    assert top("offsets reset")[0] == "reset-dt"
    assert top("reset offs")[0] == "reset-dt"


def test_typos():
    assert top("reasign partitions")[0] == "reassign"
    assert top("under replicted")[0] == "urp"


def test_synonyms():
    assert top("rewind group")[0] == "reset-dt"
    # lag ~ offset: both entries of the "consumer groups and offsets" section, nothing else
    assert sorted(top("lag")) == ["lag", "reset-dt"]


def test_exact_flag():
    assert top("--to-datetime")[0] == "reset-dt"
    assert "reset-dt" not in top("--to-earliest")


def test_no_match_and_nearest():
    assert top("zzqx") == []
    assert nearest(INDEX, "move partition")[0]["id"] == "reassign"


def test_edit_distance():
    assert edit_distance("reasign", "reassign", 1) == 1
    assert edit_distance("replciated", "replicated", 1) == 1  # transposition
    assert edit_distance("topic", "group", 2) > 2


def test_terms_keep_flags_and_tool_names():
    found = terms("kafka-topics.sh --describe --topic=orders")
    assert "kafka-topics.sh" in found and "--describe" in found and "--topic" in found and "topic" in found
