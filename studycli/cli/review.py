"""`study review`: today's due cards, then new ones. Interactive (rich) on a terminal; one JSON line
per card on stdout and one grade line on stdin otherwise. Every grade is committed as it is given."""

from __future__ import annotations

import contextlib
import json
import os
import sys

import click

from studycli.cli.content import content_option

GRADE_HELP = "0 blank · 1 wrong · 2 almost · 3 hard · 4 good · 5 easy   (a/h/g/e = again/hard/good/easy)"
KEY_WORDS = {"a": "again", "h": "hard", "g": "good", "e": "easy"}


@click.command()
@click.option("--level", type=click.IntRange(1, 6), help="Only cards of this level.")
@click.option("--deck", help="Only cards of this deck.")
@click.option("--new", "new_per_day", type=click.IntRange(min=0), help="New cards per day (default 20).")
@click.option("--limit", "reviews_per_day", type=click.IntRange(min=0), help="Reviews per day (default 200).")
@content_option
@click.pass_context
def review(ctx: click.Context, level, deck, new_per_day, reviews_per_day):
    """Review today's cards. Keys: space reveals, 0-5 grade, u undoes, q quits.

    When stdin is not a terminal: prints one JSON object per card on stdout and reads one line per
    card: a grade 0-5, again/hard/good/easy, `u` (undo) or `q` (quit). EOF ends the session. A line
    that is not understood is reported on stderr and the same card is sent again.
    """
    from studycli.store.guard import database_errors

    with database_errors():
        _review(ctx, level, deck, new_per_day, reviews_per_day)


def _review(ctx, level, deck, new_per_day, reviews_per_day):
    from dataclasses import replace

    from studycli.cli.content import open_synced
    from studycli.srs.session import ReviewSession
    from studycli.store.config import review_limits

    db, report = open_synced(ctx)
    cards = [
        c for c in report.cards if (level is None or c.level == level) and (deck is None or c.deck == deck)
    ]
    limits = review_limits()
    if new_per_day is not None:
        limits = replace(limits, new_per_day=new_per_day)
    if reviews_per_day is not None:
        limits = replace(limits, reviews_per_day=reviews_per_day)
    session = ReviewSession.start(db, cards, limits)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if not session.remaining:
        _say(nothing_due_message(session, report.cards, cards, deck, level), interactive)
        return
    if interactive:
        _interactive(session)
    else:
        _json_lines(session)
    _say(_summary(session), interactive)


def _say(message: str, interactive: bool) -> None:
    click.echo(message, err=not interactive)


def _when(session) -> str:
    nxt = session.next_due()
    if nxt is None:
        return "No card is scheduled yet."
    days = (nxt - session.day).days
    return f"Next card due {nxt.isoformat()} (in {days} day{'s' * (days != 1)})."


def nothing_due_message(session, all_cards, cards, deck, level) -> str:
    if not all_cards:
        return "No cards in the content. Check --content / STUDY_CONTENT, or run `study content check`."
    if not cards:
        what = " and ".join(x for x in (deck and f"deck {deck!r}", level and f"level {level}") if x)
        return f"No cards match {what}."
    parts = ["Nothing due today."]
    if session.new_total and not session.new_left:
        parts.append(f"The new-card limit for today is reached; {session.new_total} new cards wait.")
    if session.due_total and not session.reviews_left:
        parts.append(f"The review limit for today is reached; {session.due_total} reviews wait.")
    parts.append(_when(session))
    return " ".join(parts)


def _summary(session) -> str:
    s = session.stats
    text = f"Graded {s.graded} card{'s' * (s.graded != 1)} ({s.new} new, {s.repeats} same-day repeats)"
    if s.undone:
        text += f", {s.undone} undone"
    left = session.remaining
    text += f". {left} left in the queue." if left else ". All done for today."
    return f"{text} {_when(session)}"


def card_json(item, remaining: int) -> dict:
    card = item.card
    return {
        "id": card.id,
        "kind": card.kind,
        "deck": card.deck,
        "level": card.level,
        "source": card.source,
        "front": card.front,
        "back": card.back,
        "citation": card.citation,
        "extra": card.extra,
        "new": item.is_new,
        "repeat": item.repeat,
        "remaining": remaining,
    }


def _json_lines(session) -> None:
    from studycli.srs.sm2 import parse_grade

    out, err = sys.stdout, sys.stderr
    item = session.next_item()
    while item is not None:
        out.write(json.dumps(card_json(item, session.remaining)) + "\n")
        out.flush()
        while True:
            line = sys.stdin.readline()
            if not line:  # EOF: every grade so far is already committed
                session.put_back(item)
                return
            answer = line.strip().lower()
            if answer in ("q", "quit"):
                session.put_back(item)
                return
            if answer in ("u", "undo"):
                if session.can_undo():
                    session.put_back(item)
                    session.undo()
                    break
                err.write("nothing to undo\n")
            else:
                grade = parse_grade(answer)
                if grade is not None:
                    session.grade(item, grade)
                    break
                err.write(f"not a grade: {line.strip()!r} (0-5, again/hard/good/easy, u, q)\n")
            # every answer line gets exactly one card line back: a rejected one re-sends this card
            out.write(json.dumps(card_json(item, session.remaining)) + "\n")
            out.flush()
        item = session.next_item()


def _interactive(session) -> None:
    with _keys_one_by_one():
        _interactive_loop(session)


def _interactive_loop(session) -> None:
    from rich.console import Console, Group
    from rich.markdown import Markdown
    from rich.panel import Panel
    from rich.text import Text

    from studycli.srs.sm2 import GRADE_WORDS

    console = Console(highlight=False)
    item = session.next_item()
    while item is not None:
        card = item.card
        tag = "repeat" if item.repeat else ("new" if item.is_new else "review")
        title = f"{card.deck}" + (f" · level {card.level}" if card.level else "") + f" · {tag}"
        console.rule(f"[dim]{session.remaining + 1} left[/]")
        console.print(Panel(Markdown(card.front), title=title, subtitle=card.source, title_align="left"))
        console.print("[dim]space/enter: show answer · u: undo · q: quit[/]")
        key = _key({" ", "\r", "\n", "u", "q"})
        if key == "q":
            session.put_back(item)
            return
        if key == "u":
            if _undo(session, item, console):
                item = session.next_item()
            continue
        if card.kind == "cheat":  # a command: shown verbatim, so <placeholders> survive
            fence = "````" if "```" in card.back else "```"
            back: list = [Markdown(f"{fence}{card.extra.get('lang') or 'sh'}\n{card.back}\n{fence}")]
        else:
            back = [Markdown(card.back)]
        if card.kind == "cheat" and card.extra.get("note"):
            back.append(Markdown(card.extra["note"]))
        if card.citation:
            back.append(Text(f"Source: {card.citation}", style="dim"))
        console.print(Panel(Group(*back), title="answer", title_align="left", border_style="green"))
        console.print(f"[bold]{GRADE_HELP}[/] · u: undo · q: quit")
        key = _key(set("012345") | set(KEY_WORDS) | {"u", "q"})
        if key == "q":
            session.put_back(item)
            return
        if key == "u":
            if _undo(session, item, console):
                item = session.next_item()
            continue
        grade = int(key) if key.isdigit() else GRADE_WORDS[KEY_WORDS[key]]
        record = session.grade(item, grade)
        after = record.after
        note = "again later today" if after.repeat_pending else f"next {after.due.isoformat()}"
        console.print(f"[dim]graded {grade}: {note}[/]")
        item = session.next_item()


def _undo(session, item, console) -> bool:
    if not session.can_undo():
        console.print("[yellow]nothing to undo[/]")
        return False
    session.put_back(item)
    undone = session.undo()
    console.print(f"[yellow]undid the last grade of {undone.card.id}[/]")
    return True


@contextlib.contextmanager
def _keys_one_by_one():
    """cbreak mode for the whole session: keys arrive one by one without echo and a key typed ahead
    is kept (switching modes per key would flush it). Ctrl-C still interrupts; grades are kept."""
    try:
        import termios
        import tty
    except ImportError:  # not POSIX: click.getchar per key
        yield
        return
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _read_key() -> str:
    try:
        import termios  # noqa: F401
    except ImportError:
        return click.getchar()
    import select

    fd = sys.stdin.fileno()
    data = os.read(fd, 1)  # one byte: keys typed ahead stay queued for the next read
    if not data:
        return "q"  # the terminal went away: stop, every grade is already kept
    if data == b"\x1b":
        # an escape sequence (arrow keys...): swallow it, or ESC [ A would read as "a" (again)
        while select.select([fd], [], [], 0.05)[0]:
            tail = os.read(fd, 1)
            if not tail or (tail.isalpha() and tail != b"[") or tail == b"~":
                break
        return ""
    return data.decode("latin-1")


def _key(allowed: set[str]) -> str:
    while True:
        key = _read_key().lower()
        if key in allowed:
            return key
        if key in ("\x03", "\x04"):
            raise KeyboardInterrupt
