"""`study cheatsheet` through the real CLI, on a small content tree of its own."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

SHEET = textwrap.dedent(
    """\
    ---
    deck: cheatsheet
    kind: cheatsheet
    ---
    ## Consumer groups and offsets

    ### Rewind a group to a point in time {#cs-a}

    Tags: replay

    ```sh
    kafka-consumer-groups.sh --bootstrap-server <bootstrap> --group <group> --reset-offsets --to-datetime <ts> --execute
    ```

    Source: Kafka docs, Operations

    ## Schema Registry REST

    ### List subjects {#cs-b}

    ```sh
    curl -s <registry-url>/subjects
    ```

    Source: Confluent docs, Schema Registry API
    """
)


@pytest.fixture
def run(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "sheet.md").write_text(SHEET)
    base = dict(os.environ, STUDY_HOME=str(tmp_path / "home"), STUDY_CONTENT=str(content))
    for var in ("BOOTSTRAP_SERVERS", "SCHEMA_REGISTRY_URL", "CONNECT_URL"):
        base.pop(var, None)

    def go(*args, env=None):
        proc = subprocess.run(
            [sys.executable, "-m", "studycli", "cheatsheet", *args],
            env=dict(base, **(env or {})),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "Traceback" not in proc.stderr
        return proc

    go.content = content
    go.home = tmp_path / "home"
    return go


def test_json_hits_and_placeholders_kept(run):
    proc = run("rewnd", "grop", "--json")  # two typos
    hits = json.loads(proc.stdout)
    assert proc.returncode == 0 and hits[0]["id"] == "cs-a"
    assert "<bootstrap>" in hits[0]["command"] and hits[0]["placeholders"] == ["bootstrap", "group", "ts"]


def test_fill_from_the_environment_shell_variables(run):
    proc = run("list subjects", "--fill", "--json", env={"SCHEMA_REGISTRY_URL": "http://127.0.0.1:18081"})
    assert json.loads(proc.stdout)[0]["command"] == "curl -s http://127.0.0.1:18081/subjects"
    proc = run("--to-datetime", "--fill", env={"BOOTSTRAP_SERVERS": "127.0.0.1:19092"})
    assert "--bootstrap-server 127.0.0.1:19092 --group <group>" in proc.stdout


def test_no_match_exits_non_zero_with_nearest(run):
    proc = run("zookeeper", "chroot")
    assert proc.returncode == 1
    assert "no cheatsheet entry matches" in proc.stderr and "nearest:" in proc.stderr


def test_all_lists_by_section(run):
    out = run("--all").stdout
    assert (
        out.index("## Consumer groups and offsets")
        < out.index("# Rewind")
        < out.index("## Schema Registry REST")
    )


def test_index_rebuilt_only_when_content_changes(run):
    run("subjects")
    index_file = run.home / "cheatsheet-index.json"
    first = index_file.stat().st_mtime_ns
    run("subjects")
    assert index_file.stat().st_mtime_ns == first  # unchanged content: index only read
    sheet = run.content / "sheet.md"
    sheet.write_text(sheet.read_text().replace("List subjects", "List every subject"))
    proc = run("every subject", "--json")
    assert index_file.stat().st_mtime_ns != first
    assert json.loads(proc.stdout)[0]["task"] == "List every subject"


def test_empty_query_is_a_usage_error(run):
    proc = run()
    assert proc.returncode == 2 and "give a query" in proc.stderr
