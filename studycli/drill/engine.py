"""The drill lifecycle: run, status, check, hint, solution, reset, stop.

One drill is active at a time; its state lives in <state_dir>/drill/active.json and its run
in the drill_runs table, so every command works from a fresh process.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from studycli import clock
from studycli.drill import definition, processes, scoring, state
from studycli.drill.checks import CheckContext, run_check
from studycli.drill.cluster import Cluster
from studycli.drill.faults import FaultContext, inject
from studycli.errors import StudyError

APPLY_SETTLE_SECONDS = 120  # how long `solution --apply` waits for the cluster to converge


def _envs():
    try:
        from studycli.runtime import environment as envs
    except ImportError:
        raise StudyError(
            "the live environment runtime is not available in this installation",
            hint="reinstall streaming-mastery; drills need `study env`",
        ) from None
    return envs


def _db():
    from studycli.store import open_db

    return open_db()


def _now_iso() -> str:
    return clock.now().isoformat(timespec="seconds")


def _elapsed_seconds(active: dict) -> float:
    import datetime as dt

    started = dt.datetime.fromisoformat(active["started_at"])
    return max(0.0, (clock.now() - started).total_seconds())


def _cluster(env) -> Cluster:
    # log_level 0: librdkafka would print every refused connection to a stopped node.
    return Cluster(env.bootstrap_servers, env.admin(log_level=0), env=env)


def require_active() -> dict:
    active = state.load()
    if not active or active.get("status") != "active":
        raise StudyError(
            "no drill is active", hint="start one with `study drill run NAME` (`study drill list`)"
        )
    return active


def current_env(required: bool = True):
    env = _envs().current()
    if env is None and required:
        raise StudyError(
            "the drill's environment is not running",
            hint="`study drill reset` brings it back and re-injects the fault; `study drill stop` ends the drill",
        )
    return env


def _ensure_env(topology: str, fresh: bool, notify=lambda _message: None):
    envs = _envs()
    env = envs.current()
    if env is not None and (fresh or env.topology != topology):
        if env.topology != topology and not fresh:
            raise StudyError(
                f"a {env.topology!r} environment is running, but this drill needs {topology!r}",
                hint="run it with --fresh to replace the environment (its data is deleted), or `study env down` first",
            )
        envs.down()
        env = None
    if env is None:
        notify(f"starting the {topology!r} environment (real Kafka nodes; this takes a little while)...")
        env = envs.up(topology)
    for node in env.node_ids():
        if not env.node_running(node):
            env.start_node(node)
    env.wait_ready()
    return env


def _restore(cluster: Cluster | None, active: dict) -> None:
    """Undo what outlives a drill: background processes and altered broker configs."""
    for record in active.get("processes", []):
        processes.stop(record)
    active["processes"] = []
    if cluster is not None:
        for node, name, previous in reversed(active.get("broker_config_undo", [])):
            # Best effort: the environment may already be gone.
            with contextlib.suppress(Exception):
                cluster.alter_config("broker", "" if node is None else str(node), {name: previous})
    active["broker_config_undo"] = []


def _cleanup(drill: definition.Drill, cluster: Cluster) -> None:
    """Remove what a previous run of this drill left, so injection starts clean."""
    existing = cluster.topic_names()
    groups = drill.groups()
    if groups:
        with contextlib.suppress(Exception):  # a group that never existed is fine
            cluster.delete_groups(groups)
    cluster.delete_topics([t for t in drill.topics() if t in existing])


def _inject(drill: definition.Drill, env, active: dict) -> None:
    cluster = _cluster(env)
    workspace = state.workspace(drill.id)
    shutil.rmtree(workspace, ignore_errors=True)
    workspace.mkdir(parents=True)
    _cleanup(drill, cluster)
    ctx = FaultContext(env=env, cluster=cluster, folder=drill.folder, workspace=workspace)
    try:
        inject(ctx, list(drill.faults))
    except BaseException:
        _restore(cluster, {"processes": ctx.processes, "broker_config_undo": ctx.broker_config_undo})
        raise
    active.update(
        facts=ctx.facts,
        processes=ctx.processes,
        broker_config_undo=ctx.broker_config_undo,
        workspace=str(workspace),
    )


def run(drill_id: str, replace: bool = False, fresh: bool = False, notify=lambda _message: None) -> dict:
    drill = definition.get(drill_id)
    previous = state.load()
    if previous and previous.get("status") == "active":
        if not replace:
            raise StudyError(
                f"drill {previous['drill_id']!r} is still active",
                hint="finish it (`study drill check`), end it (`study drill stop`), "
                "or start this one with --replace (the active run is recorded as abandoned)",
            )
        _end(previous, "abandoned", env=_envs().current())
    env = _ensure_env(drill.topology, fresh, notify)
    notify(f"injecting the fault for {drill.id}...")
    active = {"drill_id": drill.id, "status": "active", "hints": 0, "checks": 0, "resets": 0}
    _inject(drill, env, active)
    active["started_at"] = _now_iso()
    db = _db()
    active["run_id"] = scoring.start_run(db, drill.id, active["started_at"])
    state.save(active)
    return _opened(drill, env, active)


def _opened(drill, env, active: dict) -> dict:
    """What `run` and `reset` hand to the CLI: the briefing and how to reach the environment."""
    return {
        "drill": drill,
        "briefing": drill.briefing(active.get("facts", {}).get("briefing")),
        "bootstrap": env.bootstrap_servers,
        "state": active,
    }


def reset() -> dict:
    """Back to a clean environment and inject the faults again; the run and its clock go on."""
    active = require_active()
    drill = definition.get(active["drill_id"])
    env = _envs().current()
    _restore(_cluster(env) if env else None, active)
    state.save(active)
    env = _ensure_env(drill.topology, fresh=False)
    _inject(drill, env, active)
    active["resets"] = active.get("resets", 0) + 1
    state.save(active)
    return _opened(drill, env, active)


def status() -> dict:
    active = state.load()
    if not active:
        return {"active": False}
    out = dict(active)
    out["active"] = active.get("status") == "active"
    if out["active"]:
        drill = definition.get(active["drill_id"])
        out["title"] = drill.title
        out["elapsed_seconds"] = int(_elapsed_seconds(active))
        out["budget_seconds"] = drill.time_budget_minutes * 60
        out["hints_left"] = len(drill.hints) - active.get("hints", 0)
        out["processes"] = [dict(p, running=processes.is_running(p)) for p in active.get("processes", [])]
        env = _envs().current()
        out["environment"] = env.bootstrap_servers if env else None
    return out


def _check_context(active: dict, env) -> CheckContext:
    return CheckContext(
        env=env,
        cluster=_cluster(env),
        facts=active.get("facts", {}),
        workspace=Path(active.get("workspace") or state.workspace(active["drill_id"])),
    )


def evaluate(active: dict) -> list[str]:
    """Run the drill's check against the live cluster without recording anything."""
    drill = definition.get(active["drill_id"])
    env = current_env()
    return run_check(drill.check_path, _check_context(active, env))


def check() -> dict:
    active = require_active()
    unmet = evaluate(active)
    active["checks"] = active.get("checks", 0) + 1
    result = {"drill_id": active["drill_id"], "fixed": not unmet, "unmet": unmet, "checks": active["checks"]}
    db = _db()
    scoring.update_run(db, active["run_id"], checks=active["checks"])
    if unmet:
        state.save(active)
        return result
    ended = _end(active, "passed", env=_envs().current(), db=db)
    result.update(score=ended["score"], elapsed_seconds=ended["elapsed_seconds"])
    return result


def hint() -> dict:
    active = require_active()
    drill = definition.get(active["drill_id"])
    used = active.get("hints", 0)
    if used >= len(drill.hints):
        return {"hint": None, "number": used, "total": len(drill.hints)}
    active["hints"] = used + 1
    state.save(active)
    scoring.update_run(_db(), active["run_id"], hints=active["hints"])
    return {"hint": drill.hints[used], "number": used + 1, "total": len(drill.hints)}


def solution_env(env, active: dict) -> dict:
    tool_env = dict(env.tool_env())
    # `study` itself (e.g. `study env start-node`) from the same installation.
    tool_env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), tool_env.get("PATH", "")])
    tool_env["DRILL_WORKSPACE"] = active.get("workspace", "")
    tool_env.setdefault("BOOTSTRAP_SERVERS", env.bootstrap_servers)
    return tool_env


def solution(apply: bool = False) -> dict:
    active = require_active()
    drill = definition.get(active["drill_id"])
    active["solution_revealed"] = True
    state.save(active)
    db = _db()
    scoring.update_run(db, active["run_id"], solution_revealed=1)
    out = {"drill_id": drill.id, "solution": drill.solution(), "applied": False}
    if not apply:
        return out
    env = current_env()
    done = subprocess.run(
        ["bash", "-euo", "pipefail", str(drill.solution_path)],
        env=solution_env(env, active),
        cwd=active.get("workspace") or None,
        capture_output=True,
        text=True,
        timeout=600,
    )
    out.update(applied=True, returncode=done.returncode, output=(done.stdout + done.stderr)[-4000:])
    deadline = time.monotonic() + APPLY_SETTLE_SECONDS
    unmet = evaluate(active)
    while unmet and done.returncode == 0 and time.monotonic() < deadline:
        time.sleep(2)
        unmet = evaluate(active)
    out["unmet"] = unmet
    _end(active, "failed", env=env, db=db, detail_extra={"solution_applied": True, "fixed": not unmet})
    return out


def _end(active: dict, status: str, env=None, db=None, detail_extra: dict | None = None) -> dict:
    """Close the run: score it, stop the drill's processes, restore configs, and for a run
    that was not passed cleanly bring its related cards forward."""
    drill = definition.get(active["drill_id"])
    cluster = _cluster(env) if env is not None else None
    _restore(cluster, active)
    elapsed = _elapsed_seconds(active)
    revealed = bool(active.get("solution_revealed"))
    value = 0
    if status == "passed":
        value = scoring.score(elapsed, drill.time_budget_minutes * 60, active.get("hints", 0), revealed)
    db = db or _db()
    moved = 0
    if status != "passed" or revealed:
        moved = scoring.bring_cards_forward(db, list(drill.related_cards), clock.today().isoformat())
    detail = {
        "elapsed_seconds": int(elapsed),
        "resets": active.get("resets", 0),
        "cards_brought_forward": moved,
        **(detail_extra or {}),
    }
    scoring.update_run(
        db,
        active["run_id"],
        ended_at=_now_iso(),
        status=status,
        checks=active.get("checks", 0),
        hints=active.get("hints", 0),
        solution_revealed=int(revealed),
        score=value,
        detail=detail,
    )
    active.update(status=status, ended_at=_now_iso(), score=value)
    state.save(active)
    return {"score": value, "elapsed_seconds": int(elapsed), "cards_brought_forward": moved}


def stop(keep_env: bool = False) -> dict:
    """End the active drill (abandoned) and tear the environment down (unless keep_env)."""
    active = state.load()
    envs = _envs()
    env = envs.current()
    ended = None
    if active and active.get("status") == "active":
        ended = _end(active, "abandoned", env=env)
        ended["drill_id"] = active["drill_id"]
    elif active:
        _restore(None, active)  # stray processes of an ended run, if any
    if env is not None and not keep_env:
        envs.down()
    return {"ended": ended, "environment_stopped": env is not None and not keep_env}


def list_drills(level: int | None = None) -> list[dict]:
    drills = definition.all_drills()
    try:
        stats = scoring.summary(_db())
    except StudyError:
        stats = {}
    active = state.load() or {}
    rows = []
    for d in drills:
        if level is not None and d.level != level:
            continue
        s = stats.get(d.id, {})
        if active.get("status") == "active" and active.get("drill_id") == d.id:
            status_text = "active"
        elif s.get("passed"):
            status_text = "passed"
        elif s.get("runs"):
            status_text = s["last"]
        else:
            status_text = "new"
        rows.append(
            {
                "id": d.id,
                "level": d.level,
                "title": d.title,
                "difficulty": d.difficulty,
                "time_budget_minutes": d.time_budget_minutes,
                "status": status_text,
                "best_score": s.get("best"),
                "runs": s.get("runs", 0),
            }
        )
    return rows
