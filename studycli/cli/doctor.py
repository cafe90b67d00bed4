"""`study doctor [--rebuild]`: check the database and rebuild card states from the review log."""

from __future__ import annotations

import click


@click.command()
@click.option("--rebuild", is_flag=True, help="Recompute every card state from the review log.")
def doctor(rebuild: bool):
    """Check the study database: SQLite integrity, the review log, and card states against the log."""
    from studycli.store.guard import database_errors

    with database_errors():
        _doctor(rebuild)


def _doctor(rebuild: bool):
    from studycli import paths
    from studycli.errors import StudyError
    from studycli.store import open_db
    from studycli.store.reviews import rebuild_states, replay_log, stored_states

    path = paths.database_path()
    click.echo(f"database: {path}")
    if not path.exists():
        click.echo("ok: no database yet; it is created by the first `study review`")
        return
    try:
        db = open_db(path)
    except StudyError as err:
        click.echo(f"problem: {err.message}")
        for line in _raw_integrity(path):
            click.echo(f"  {line}")
        raise StudyError(
            "the database cannot be used; it was left untouched",
            hint="restore a backup, or move the file away to start fresh (its review history stays in it)",
        ) from None

    problems = 0
    integrity = [row[0] for row in db.conn.execute("PRAGMA integrity_check")]
    if integrity == ["ok"]:
        click.echo("ok: SQLite integrity check")
    else:
        problems += 1
        click.echo("problem: SQLite integrity check failed:")
        for line in integrity[:20]:
            click.echo(f"  {line}")
        if rebuild:
            raise StudyError(
                "not rebuilding on a damaged file",
                hint="copy the file away first; `sqlite3 study.db .recover` may salvage the review log",
            )

    replay = replay_log(db)
    click.echo(f"ok: review log has {replay.reviews} grades and {replay.undos} undos")
    for issue in replay.issues[:20]:
        click.echo(f"problem: {issue}")
    problems += len(replay.issues)

    unknown = db.conn.execute(
        "SELECT COUNT(DISTINCT r.card_id) FROM reviews r LEFT JOIN cards c ON c.id = r.card_id WHERE c.id IS NULL"
    ).fetchone()[0]
    if unknown:
        click.echo(
            f"note: {unknown} reviewed card ids are not in the cards table (content never synced here?)"
        )

    stored = stored_states(db)
    differing = sorted(
        card_id
        for card_id in set(stored) | set(replay.states)
        if stored.get(card_id) != replay.states.get(card_id)
    )
    if rebuild:
        written = rebuild_states(db)
        click.echo(f"fixed: rebuilt {written} card states from the review log ({len(differing)} differed)")
    elif differing:
        problems += 1
        shown = ", ".join(differing[:5]) + (" ..." if len(differing) > 5 else "")
        click.echo(f"problem: {len(differing)} card states differ from the review log: {shown}")
        click.echo("hint: run `study doctor --rebuild` to recompute them from the log")
    else:
        click.echo(f"ok: {len(stored)} card states match the review log")
    if problems:
        raise click.exceptions.Exit(1)


def _raw_integrity(path) -> list[str]:
    """What SQLite itself says about the file, opened read-only so nothing is written."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return [f"integrity_check: {row[0]}" for row in conn.execute("PRAGMA integrity_check")][:10]
        finally:
            conn.close()
    except sqlite3.DatabaseError as err:
        return [f"SQLite: {err}"]
