"""Storage: content sync (no re-parse when unchanged, orphans), the card API, migrations, WAL,
doctor, and corrupt or foreign database files."""

from __future__ import annotations

import os
import sqlite3
import time

import pytest
from fixtures.studyrun import FIXTURE_CONTENT, review_session, run_study, study_env, write_cards

from studycli.errors import StudyError
from studycli.store import open_db
from studycli.store.cards import card_views, load_cards
from studycli.store.sync import sync_content


def age(path, seconds=60):
    """Backdate a file so the mtime shortcut applies (fresh files are always hashed)."""
    past = time.time() - seconds
    os.utime(path, (past, past))


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDY_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STUDY_NOW", "2026-01-01T09:00")
    return open_db()


def test_unchanged_content_is_not_parsed_again(db, tmp_path, monkeypatch):
    root = tmp_path / "content"
    write_cards(root, 5, name="a.md")
    write_cards(root, 3, name="b.md", deck="other")
    for f in root.iterdir():
        age(f)
    first = sync_content(db, [root])
    assert (first.files, first.parsed_files, first.wrote, len(first.cards)) == (2, 2, True, 8)

    import studycli.store.sync as sync_module

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed an unchanged file")

    monkeypatch.setattr(sync_module, "parse_document_bytes", no_parse)
    warm = sync_content(db, [root])
    assert (warm.parsed_files, warm.reused_files, warm.wrote) == (0, 2, False)
    assert warm.cards == first.cards
    # touched (new mtime) but identical: hashed, still not parsed
    os.utime(root / "a.md")
    touched = sync_content(db, [root])
    assert touched.parsed_files == 0 and touched.cards == first.cards
    monkeypatch.undo()
    # a real edit is parsed again, only that file
    (root / "b.md").write_text((root / "b.md").read_text().replace("Answer 1.", "Answer one."))
    edited = sync_content(db, [root])
    assert (edited.parsed_files, edited.reused_files) == (1, 1)
    assert next(c for c in edited.cards if c.id == "other-1").back == "Answer one."


def test_cards_leaving_the_content_become_orphans_never_deleted(db, tmp_path):
    root = tmp_path / "content"
    write_cards(root, 3, name="a.md")
    write_cards(root, 2, name="b.md", deck="bee")
    sync_content(db, [root])
    (root / "b.md").unlink()
    report = sync_content(db, [root])
    assert [c.id for c in report.cards] == ["gen-1", "gen-2", "gen-3"]
    assert db.conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 5
    orphans = card_views(db, present=False)
    assert [v.card.id for v in orphans] == ["bee-1", "bee-2"] and not orphans[0].present
    assert [c.id for c in load_cards(db, include_orphans=True)][-2:] == ["bee-1", "bee-2"]


def test_card_api_filters(db):
    sync_content(db, [FIXTURE_CONTENT])
    assert {c.kind for c in load_cards(db)} == {"qa", "cloze", "cheat"}
    cheats = load_cards(db, kind="cheat")
    assert [c.id for c in cheats][0] == "fx-reset-datetime"
    assert cheats[0].extra["placeholders"][0] == "bootstrap" and cheats[0].extra["section"]
    assert {c.deck for c in load_cards(db, level=1)} == {"sample"}
    assert load_cards(db, deck="cheats", level=1) == []
    views = card_views(db, deck="sample")
    assert all(v.state.is_new and v.to_json()["due"] is None for v in views)


def test_sync_report_lists_problems_with_file_and_line(db, tmp_path):
    root = tmp_path / "content"
    write_cards(root, 1)
    (root / "bad.md").write_text("## Q: nothing {#bad}\n")
    report = sync_content(db, [root])
    assert [str(p) for p in report.errors] == [
        "bad.md:1: error: card 'bad' has an empty answer (nothing below its Q: heading)"
    ]
    # cached parses keep their problems
    age(root / "bad.md")
    age(root / "deck.md")
    again = sync_content(db, [root])
    assert again.wrote is False or again.parsed_files == 0
    assert [str(p) for p in again.errors] == [str(p) for p in report.errors]


def test_migrations_applied_once_and_wal(tmp_path, monkeypatch):
    monkeypatch.setenv("STUDY_HOME", str(tmp_path))
    first = open_db()
    names = [r[0] for r in first.conn.execute("SELECT name FROM _migrations ORDER BY rowid")]
    assert names[:2] == ["m001_initial", "m002_content_cache"]
    first.conn.close()
    second = open_db()
    assert [r[0] for r in second.conn.execute("SELECT name FROM _migrations ORDER BY rowid")] == names
    assert second.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _reviewed_home(tmp_path):
    home = tmp_path / "home"
    write_cards(tmp_path / "content", 3)
    env = study_env(home, tmp_path / "content")
    review_session(env, lambda card: "4")
    return home, env


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed-middle"])
def test_corrupt_database_gives_clean_errors_everywhere(tmp_path, damage):
    home, env = _reviewed_home(tmp_path)
    path = home / "study.db"
    # fold the WAL into the main file first so the damage hits real pages
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    if damage == "garbage":
        data = bytearray(os.urandom(len(data)))
    elif damage == "truncated":
        data = data[: len(data) // 3]
    else:
        page = 4096
        data[page : page * 3] = bytes(page * 2)
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    for args in (["review"], ["cards", "--json"], ["cards", "--due"], ["doctor"], ["doctor", "--rebuild"]):
        result = run_study(env, *args)
        text = result.stdout + result.stderr
        assert "Traceback" not in text, (args, text)
        assert result.returncode != 0, (args, damage, text)
        assert "error:" in result.stderr or "problem:" in result.stdout, (args, text)
    assert path.read_bytes() == before  # never overwritten


def test_foreign_sqlite_file_is_refused_and_left_alone(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    path = home / "study.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO photos (name) VALUES ('cat')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    result = run_study(study_env(home), "review")
    assert result.returncode == 1
    assert "not a Streaming Mastery one" in result.stderr and "hint:" in result.stderr
    assert path.read_bytes() == before


def test_open_db_raises_study_error_on_garbage(tmp_path):
    path = tmp_path / "study.db"
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(5000))
    with pytest.raises(StudyError):
        db = open_db(path)
        db.conn.execute("SELECT COUNT(*) FROM cards").fetchone()


def test_doctor_rebuilds_states_from_the_log(tmp_path):
    home, env = _reviewed_home(tmp_path)
    conn = sqlite3.connect(home / "study.db")
    conn.execute("UPDATE card_state SET interval = 40, due = '2027-01-01' WHERE card_id = 'gen-2'")
    conn.execute("DELETE FROM card_state WHERE card_id = 'gen-3'")
    conn.commit()
    conn.close()
    check = run_study(env, "doctor")
    assert check.returncode == 1 and "2 card states differ from the review log: gen-2, gen-3" in check.stdout
    fix = run_study(env, "doctor", "--rebuild")
    assert fix.returncode == 0 and "rebuilt 3 card states" in fix.stdout
    again = run_study(env, "doctor")
    assert again.returncode == 0 and "3 card states match the review log" in again.stdout
    conn = sqlite3.connect(home / "study.db")
    assert conn.execute("SELECT interval, due FROM card_state WHERE card_id = 'gen-2'").fetchone() == (
        1,
        "2026-01-02",
    )


def test_doctor_on_missing_database(tmp_path):
    result = run_study(study_env(tmp_path / "home"), "doctor")
    assert result.returncode == 0 and "no database yet" in result.stdout


def test_damaged_page_mid_command_never_shows_a_traceback(tmp_path):
    """Pages that open_db does not touch fail later, inside any command: main() turns that into an error."""
    home, env = _reviewed_home(tmp_path)
    path = home / "study.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    roots = dict(conn.execute("SELECT name, rootpage FROM sqlite_master WHERE type = 'table'").fetchall())
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    for table in ("reviews", "card_state"):
        offset = (roots[table] - 1) * page_size
        data[offset : offset + page_size] = b"\xff" * page_size
    path.write_bytes(bytes(data))
    for args in ([], ["scores"], ["review"], ["doctor"]):
        result = run_study(env, *args)
        text = result.stdout + result.stderr
        assert "Traceback" not in text, (args, text)
        assert result.returncode != 0 and "error:" in result.stderr, (args, text)


def _open_after(path, barrier, results):
    barrier.wait()
    try:
        open_db(path)
        results.put("ok")
    except StudyError as err:
        results.put(err.message)


def test_first_runs_at_once_all_open_the_new_database(tmp_path):
    """Several processes creating the same new file: none may fail (switching to WAL takes an
    exclusive lock that SQLite does not wait for; open_db retries it)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    failures = []
    for round_ in range(30):
        path = tmp_path / f"r{round_}" / "study.db"
        path.parent.mkdir()
        barrier, results = ctx.Barrier(4), ctx.Queue()
        procs = [ctx.Process(target=_open_after, args=(path, barrier, results)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=60)
        failures += [r for r in (results.get(timeout=10) for _ in procs) if r != "ok"]
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT COUNT(*) FROM _migrations").fetchone()[0] >= 2
        conn.close()
    assert failures == []
