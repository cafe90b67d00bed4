"""`study selfcheck [LEVEL]`: a short quiz over one level, outside the SM-2 schedule."""

from __future__ import annotations

import json
import sys

import click


@click.command()
@click.argument("level", type=click.IntRange(1, 6), required=False)
@click.option("--count", "-n", default=10, show_default=True, type=click.IntRange(min=1), help="Questions.")
@click.option("--seed", type=int, help="Fix the random choice of cards (for repeatable quizzes).")
@click.pass_context
def selfcheck(ctx, level, count, seed):
    """Quiz yourself on one level (default: your least ready level). Short exact answers (a config
    name, a command) are typed; flag order and quoting do not matter, and placeholders accept any
    value. Other cards are self-graded. The score is recorded; the review schedule is not touched.

    When stdin is not a terminal: one JSON line per question on stdout (`mode` is `typed` or `self`),
    then one line on stdin (the answer, or y/n); a `result` line follows each answer.
    """
    from studycli import clock
    from studycli.cli.content import open_synced
    from studycli.cli.scores import current_scores
    from studycli.scores import selfcheck as quiz

    db, report = open_synced(ctx)
    if level is None:
        levels, _ = current_scores(db)
        level = min(levels, key=lambda s: (s.readiness, s.level)).level
    pool = [c for c in report.cards if c.level == level and c.kind in ("qa", "cloze")]
    if not pool:
        click.echo(f"Level {level} has no cards in the content.", err=True)
        ctx.exit(1)
    questions = quiz.pick(pool, count, seed)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    answers = _interactive(questions) if interactive else _json_lines(questions)
    if not answers:
        click.echo("No answers given; nothing recorded.", err=True)
        return
    value = quiz.record(db, level, answers, clock.now())
    click.echo(
        f"Level {level} self-check: {sum(a.correct for a in answers)}/{len(answers)} = {value}/100",
        err=not interactive,
    )


def _json_lines(questions):
    from studycli.scores.selfcheck import judge, typed_answer

    answers = []
    for card in questions:
        expected = typed_answer(card)
        question = {"id": card.id, "front": card.front, "mode": "typed" if expected is not None else "self"}
        if expected is None:
            question["back"] = card.back
        print(json.dumps(question), flush=True)
        line = sys.stdin.readline()
        if not line:
            break
        answer = judge(card, line.rstrip("\n"))
        answers.append(answer)
        result = {
            "type": "result",
            "id": card.id,
            "correct": answer.correct,
            "expected": expected or card.back,
        }
        print(json.dumps(result), flush=True)
    return answers


def _interactive(questions):
    from rich.console import Console
    from rich.markdown import Markdown
    from rich.prompt import Confirm, Prompt

    from studycli.scores.selfcheck import judge, typed_answer

    console = Console()
    answers = []
    for number, card in enumerate(questions, 1):
        console.rule(f"[bold]{number}/{len(questions)}[/]  [dim]{card.source}[/]")
        console.print(Markdown(card.front))
        expected = typed_answer(card)
        try:
            if expected is not None:
                answer = judge(card, Prompt.ask("[bold]Your answer[/]"))
                mark = "[green]correct[/]" if answer.correct else "[red]not quite[/]"
                console.print(f"{mark}: [cyan]{expected}[/]")
            else:
                Prompt.ask("[dim]Enter shows the answer[/]", default="", show_default=False)
                console.print(Markdown(card.back))
                answer = judge(card, "y" if Confirm.ask("Did you know it?") else "n")
        except (EOFError, KeyboardInterrupt):
            console.print("\n[dim]stopped; scoring the answers given so far[/]")
            break
        answers.append(answer)
    return answers
