"""The interactive (rich) review, driven through a pseudo-terminal: reveal, grade, undo, quit."""

from __future__ import annotations

import os
import re
import select
import sqlite3
import subprocess
import sys
import time

import pytest
from fixtures.studyrun import cards_json, study_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x1b]*\x1b\\")
REVEAL_PROMPT = b"show answer"
GRADE_PROMPT = b"0 blank"


class Terminal:
    def __init__(self, env: dict, *args: str):
        self.master, slave = os.openpty()
        env = dict(env, TERM="xterm", COLUMNS="100", LINES="40")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "studycli", "review", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
        )
        os.close(slave)
        self.seen = b""

    def expect(self, marker: bytes, limit: float = 60) -> bytes:
        """Read until `marker` appears in output not yet consumed; returns that output."""
        deadline = time.monotonic() + limit
        while marker not in self.seen:
            if time.monotonic() > deadline:
                raise AssertionError(f"{marker!r} never appeared; output: {self.seen[-2000:]!r}")
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:
                    break
        head, _, tail = self.seen.partition(marker)
        self.seen = tail
        return ANSI.sub(b"", head + marker)

    def press(self, key: str) -> None:
        os.write(self.master, key.encode())

    def close(self) -> int:
        try:
            code = self.proc.wait(timeout=60)
        finally:
            os.close(self.master)
        return code


def test_interactive_reveal_grade_undo_quit(tmp_path):
    home = tmp_path / "home"
    env = study_env(home)
    term = Terminal(env)
    first = term.expect(REVEAL_PROMPT)
    assert b"Reset a stopped group" in first
    term.press(" ")
    answer = term.expect(GRADE_PROMPT)
    assert b"<bootstrap>" in answer  # the command is shown verbatim
    term.press("4")
    assert b"Describe a group" in term.expect(REVEAL_PROMPT)
    term.press(" ")
    term.expect(GRADE_PROMPT)
    term.press("u")  # undo the 4: the first card comes back
    assert b"undid the last grade of fx-reset-datetime" in term.expect(REVEAL_PROMPT)
    term.press("\r")
    term.expect(GRADE_PROMPT)
    term.press("e")  # easy = 5
    assert b"Describe a group" in term.expect(REVEAL_PROMPT)
    term.press("\x1b[A")  # an arrow key is ignored, not read as "a" (again)
    term.press(" 5q")  # typed ahead in one go: reveal, grade 5, quit
    assert term.close() == 0
    state = cards_json(env)
    assert (state["fx-reset-datetime"]["easiness"], state["fx-reset-datetime"]["reviews"]) == (2.6, 1)
    lag = state["cheats-x-caf6490d0b"]
    assert (lag["reviews"], lag["easiness"]) == (1, 2.6)
    rows = (
        sqlite3.connect(home / "study.db").execute("SELECT grade, undoes FROM reviews ORDER BY id").fetchall()
    )
    assert rows == [(4, None), (None, 1), (5, None), (5, None)]
