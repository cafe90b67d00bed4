import pytest

from studycli.scores.answers import answer_matches, commands_match

RESET = (
    "kafka-consumer-groups.sh --bootstrap-server <bootstrap> --group <group> --topic <topic> "
    "--reset-offsets --to-datetime <timestamp> --execute"
)


@pytest.mark.parametrize(
    "typed",
    [
        # flags in another order, tool without .sh, placeholders filled with anything
        "kafka-consumer-groups --reset-offsets --execute --group g1 --topic orders "
        "--to-datetime 2026-01-01T00:00:00.000 --bootstrap-server 127.0.0.1:9092",
        # --flag=value form and quoting
        "kafka-consumer-groups.sh '--bootstrap-server=localhost:9092' --group \"g 1\" --topic=orders "
        "--reset-offsets --to-datetime 2026-01-01T00:00:00.000 --execute",
        # a line continuation as copied from a shell
        "kafka-consumer-groups.sh --bootstrap-server b:9092 --group g --topic t \\\n --reset-offsets "
        "--to-datetime x --execute",
    ],
)
def test_equivalent_commands_match(typed):
    assert commands_match(RESET, typed)


@pytest.mark.parametrize(
    "typed",
    [
        # missing --execute: a dry run, not the asked command
        "kafka-consumer-groups.sh --bootstrap-server b --group g --topic t --reset-offsets --to-datetime x",
        # another reset mode
        "kafka-consumer-groups.sh --bootstrap-server b --group g --topic t --reset-offsets --to-earliest --execute",
        # another tool
        "kafka-topics.sh --bootstrap-server b --group g --topic t --reset-offsets --to-datetime x --execute",
        # a flag left without its value
        "kafka-consumer-groups.sh --bootstrap-server b --group --topic t --reset-offsets --to-datetime x --execute",
        # an extra flag
        "kafka-consumer-groups.sh --bootstrap-server b --group g --topic t --reset-offsets --to-datetime x "
        "--execute --dry-run",
        # unbalanced quote
        "kafka-consumer-groups.sh --group 'g",
        "",
    ],
)
def test_different_commands_do_not_match(typed):
    assert not commands_match(RESET, typed)


def test_literal_values_must_match_exactly():
    expected = "kafka-configs.sh --bootstrap-server <bootstrap> --alter --entity-type topics --entity-name <topic> --add-config min.insync.replicas=2"
    assert commands_match(expected, expected.replace("<bootstrap>", "h:1").replace("<topic>", "t"))
    assert not commands_match(expected, expected.replace("min.insync.replicas=2", "min.insync.replicas=1"))


def test_partial_placeholder_in_a_url():
    expected = "curl -s <registry-url>/subjects/<subject>/versions"
    assert commands_match(expected, "curl http://127.0.0.1:8081/subjects/orders-value/versions -s")
    assert not commands_match(expected, "curl -s http://127.0.0.1:8081/subjects/orders-value/config")


def test_short_text_answers():
    assert answer_matches("`min.insync.replicas`", " MIN.INSYNC.REPLICAS ")
    assert answer_matches("KRaft metadata log", "kraft metadata log.")
    assert not answer_matches("`min.insync.replicas`", "min.insync.replica")
    assert not answer_matches("BACKWARD_TRANSITIVE", "BACKWARD")
