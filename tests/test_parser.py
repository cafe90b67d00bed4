"""Parser: the three card kinds, front matter, and malformed input giving file:line problems."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studycli.content.loader import load_content
from studycli.content.parser import (
    MAX_FILE_BYTES,
    deduplicate,
    parse_bytes,
    parse_document,
    parse_text,
)

FIXTURES = Path(__file__).parent / "fixtures" / "content"


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def by_id(cards):
    return {c.id: c for c in cards}


def test_fixture_lesson_cards():
    doc = parse_document("levels/01-sample.md", (FIXTURES / "levels/01-sample.md").read_text())
    assert doc.meta.deck == "sample" and doc.meta.level == 1 and doc.meta.title == "Sample lesson"
    cards = by_id(doc.cards)
    qa = cards["fx-min-isr"]
    assert qa.kind == "qa" and qa.source == "levels/01-sample.md:11"
    assert qa.front == "What does `min.insync.replicas` guarantee with `acks=all`?"
    assert qa.back.startswith("A write is acknowledged") and "NotEnoughReplicas" in qa.back
    assert "Source:" not in qa.back and qa.citation == "Kafka docs, Topic configs"
    # a code block in the answer stays in the back
    port = next(c for c in doc.cards if c.front.startswith("Which port"))
    assert "```sh" in port.back and port.back.rstrip().endswith("```")
    assert port.id.startswith("sample-q-")
    # cloze: one card per deletion, explicit id -> id-1, id-2
    c1, c2 = cards["fx-kraft-1"], cards["fx-kraft-2"]
    assert c1.front.count("[...]") == 1 and "controllers" in c1.front and c1.back == "KRaft metadata log"
    assert "KRaft metadata log" in c2.front and c2.back == "controllers"
    assert c1.citation == "KIP-500" and c1.extra["index"] == 1 and "{{" not in c1.extra["text"]
    # {{ inside inline code is literal
    literal = next(c for c in doc.cards if c.back == "fetch.min.bytes")
    assert "`{{not a deletion}}`" in literal.front
    assert [p.line for p in doc.problems] == [37]  # that cloze has no Source:


def test_cheatsheet_entries():
    doc = parse_document("cheats.md", (FIXTURES / "cheats.md").read_text())
    assert errors(doc.problems) == []
    entry = by_id(doc.cards)["fx-reset-datetime"]
    assert entry.kind == "cheat" and entry.front == entry.extra["task"]
    assert entry.back.startswith("kafka-consumer-groups.sh --bootstrap-server <bootstrap>")
    assert entry.extra["section"] == "Consumer groups and offsets"
    assert entry.extra["tags"] == ["replay", "rewind", "offsets"]
    assert entry.extra["placeholders"] == ["bootstrap", "group", "topic", "YYYY-MM-DDTHH:mm:SS.sss"]
    assert entry.extra["note"] == "The group must have no active members."
    assert entry.citation == "Kafka docs, Managing consumer groups"


def test_cheatsheet_heading_without_command_is_an_error():
    text = "---\nkind: cheatsheet\n---\n\n## S\n\n### Do a thing\n\nNo command here.\n"
    cards, problems = parse_text("cs.md", text)
    assert cards == []
    assert [(p.line, p.severity) for p in problems] == [(7, "error")]
    assert "no command" in problems[0].message


def test_prose_is_not_a_card_and_readme_example_has_no_cards():
    text = "# Title\n\nPlain prose.\n\n```markdown\n### Q: inside a fence {#x}\n\nno\n```\n"
    assert parse_text("a.md", text) == ([], [])


def test_unclosed_fence():
    text = "### Q: one {#a}\n\nanswer\n\nSource: s\n\n```sh\nnever closed\nstill open\n"
    _, problems = parse_text("f.md", text)
    assert [(p.file, p.line) for p in errors(problems)] == [("f.md", 7)]
    assert "never closed" in problems[-1].message


def test_empty_answer():
    text = "### Q: Nothing below {#empty}\n\n### Q: fine {#fine}\n\nyes\n\nSource: s\n"
    cards, problems = parse_text("e.md", text)
    assert [c.id for c in cards] == ["fine"]
    assert [(p.line, p.severity) for p in problems] == [(1, "error")]
    assert "empty answer" in problems[0].message


def test_answer_only_a_source_line_is_empty():
    cards, problems = parse_text("e.md", "## Q: what? {#w}\n\nSource: docs\n")
    assert cards == [] and "empty answer" in errors(problems)[0].message


def test_duplicate_ids_name_both_places():
    a, pa = parse_text("a.md", "## Q: one {#same}\n\nx\n\nSource: s\n")
    b, pb = parse_text("dir/b.md", "intro\n\n## Q: two {#same}\n\ny\n\nSource: s\n")
    unique, problems = deduplicate(a + b)
    assert [c.source for c in unique] == ["a.md:1"]
    assert len(problems) == 1
    assert problems[0].file == "dir/b.md" and problems[0].line == 3
    assert "a.md:1" in problems[0].message
    assert str(problems[0]).startswith("dir/b.md:3: error:")


def test_binary_garbage():
    data = b"# ok\n\nline two\n" + bytes(range(256)) * 8
    cards, problems = parse_bytes("garbage.md", data)
    assert cards == []
    assert [(p.file, p.line, p.severity) for p in problems] == [("garbage.md", 4, "error")]


def test_random_bytes_never_crash():
    rng = __import__("random").Random(7)
    for _ in range(50):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        _, problems = parse_bytes("r.md", data)
        for p in problems:
            assert p.file == "r.md" and p.line >= 1


def test_not_utf8_names_the_line():
    cards, problems = parse_bytes("latin.md", "# t\n\nfirst\ncaf\xe9\n".encode("latin-1"))
    assert cards == [] and [(p.line, p.severity) for p in problems] == [(4, "error")]
    assert "UTF-8" in problems[0].message


def test_five_megabyte_file():
    block = "### Q: q {#big}\n\nanswer\n\nSource: s\n\n"
    data = (block * (5 * 1024 * 1024 // len(block) + 1)).encode()
    assert len(data) > 5 * 1024 * 1024 > MAX_FILE_BYTES
    cards, problems = parse_bytes("huge.md", data)
    assert cards == [] and [(p.file, p.line) for p in problems] == [("huge.md", 1)]
    assert "MB" in problems[0].message


def test_malformed_ids():
    text = "## Q: bad {#Has_Caps}\n\nx\n\nSource: s\n\n## Q: open {#oops\n\nx\n\nSource: s\n"
    cards, problems = parse_text("i.md", text)
    assert cards == []
    assert [p.line for p in errors(problems)] == [1, 7]


def test_unclosed_and_empty_cloze():
    text = "Para with {{one}} and {{unclosed here.\n\nOther {{}} and {{two}}.\n\nSource: s\n"
    cards, problems = parse_text("c.md", text)
    assert [c.back for c in cards] == ["two"]
    assert [(p.line, p.severity) for p in problems] == [(1, "error"), (3, "warning")]


def test_cloze_line_number_in_multiline_paragraph():
    text = "intro\n\nfirst line\nsecond {{broken\n"
    _, problems = parse_text("m.md", text)
    assert [(p.line, p.severity) for p in problems] == [(4, "error")]


def test_front_matter_problems():
    text = "---\ndeck: ok-deck\nlevel: seven\ncolour: red\nnot a pair\nkind: zine\n---\n\n## Q: x {#fm}\n\ny\n\nSource: s\n"
    doc = parse_document("fm.md", text)
    assert [p.line for p in errors(doc.problems)] == [3, 4, 5, 6]
    assert doc.meta.deck == "ok-deck" and doc.meta.level is None
    # the card still parses, with its line number counted from the top of the file
    assert [c.source for c in doc.cards] == ["fm.md:9"]


def test_unclosed_front_matter():
    doc = parse_document("u.md", "---\ndeck: x\n\n## Q: q {#u}\n\na\n\nSource: s\n")
    assert [(p.line, p.severity) for p in doc.problems] == [(1, "error")]


def test_default_deck_is_file_stem_and_level_none():
    cards, _ = parse_text("levels/02-lag.md", "## Q: q {#d}\n\na\n\nSource: s\n")
    assert cards[0].deck == "02-lag" and cards[0].level is None


def test_q_section_ends_at_next_heading_or_rule():
    text = "## Q: one {#one}\n\nanswer one\n\nSource: s\n\n---\n\nLesson prose.\n\n## Other\n\ntext\n"
    cards, _ = parse_text("s.md", text)
    assert len(cards) == 1 and cards[0].back == "answer one"


def test_crlf_and_bom():
    text = "\ufeff---\r\ndeck: crlf\r\n---\r\n\r\n## Q: q {#crlf}\r\n\r\nanswer\r\n\r\nSource: s\r\n"
    cards, problems = parse_text("w.md", text)
    assert problems == [] and cards[0].deck == "crlf" and cards[0].back == "answer"


def test_load_content_skips_readme_and_reports_cross_file_duplicates(tmp_path):
    (tmp_path / "README.md").write_text("## Q: not a card {#readme}\n\nx\n")
    (tmp_path / "a.md").write_text("## Q: one {#dup}\n\nx\n\nSource: s\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "b.md").write_text("## Q: two {#dup}\n\ny\n\nSource: s\n")
    (sub / "bin.md").write_bytes(os.urandom(64) + b"\x00")
    result = load_content([tmp_path])
    assert [c.id for c in result.cards] == ["dup"]
    messages = sorted(str(p) for p in result.errors)
    assert messages[0].startswith("sub/b.md:1: error: duplicate card id 'dup': already used at a.md:1")
    assert messages[1].startswith("sub/bin.md:")


def test_load_content_missing_root(tmp_path):
    from studycli.errors import StudyError

    with pytest.raises(StudyError, match="does not exist"):
        load_content([tmp_path / "nope"])


def test_cloze_in_list_items_one_note_per_item():
    text = (
        "Intro paragraph.\n"
        "\n"
        "- The controller quorum uses {{Raft}}.\n"
        "- Brokers fetch metadata from the {{active controller}}.\n"
        "  - nested {{deep}} item\n"
        "- plain item\n"
        "\n"
        "Source: KIP-500\n"
    )
    cards, problems = parse_text("l.md", text)
    assert [(c.back, c.source_line) for c in cards] == [
        ("Raft", 3),
        ("active controller", 4),
        ("deep", 5),
    ]
    assert cards[0].front == "The controller quorum uses [...]."
    assert len({c.id for c in cards}) == 3
    assert all(p.severity == "warning" for p in problems)


def test_lists_do_not_change_card_boundaries():
    text = (
        "## Q: Steps? {#steps}\n\n1. first\n2. second\n\n   ```sh\n   # a shell comment, not a heading\n   ```\n\n"
        "- a list\n\nSource: docs\n\n## Q: Next? {#next}\n\nyes\n\nSource: s\n"
    )
    cards, problems = parse_text("b.md", text)
    assert problems == []
    steps = cards[0]
    assert steps.id == "steps" and "# a shell comment" in steps.back and steps.citation == "docs"
    assert steps.back.endswith("- a list")
    assert cards[1].id == "next"


def test_braces_in_code_are_not_ids_or_deletions():
    text = "## Q: What does `{#x}` mean in `{{ .Values }}`?\n\nNothing special.\n\nSource: s\n"
    cards, problems = parse_text("code.md", text)
    assert problems == [] and cards[0].front == "What does `{#x}` mean in `{{ .Values }}`?"
