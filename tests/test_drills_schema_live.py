"""Level 3 (Schema Registry) drills on a real kafka+registry environment, each shown four ways:
1. after `run`, the fault is really there (read from the live registry and cluster);
2. `check` fails;
3. the reference solution (solution.sh: curl, study schema check) makes `check` pass;
4. a wrong fix (compatibility switched to NONE, or the subject deleted) still fails.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def drill_home(tmp_path_factory):
    """One kafka+registry environment for every drill here, torn down at the end."""
    from studycli.drill import engine

    patch = pytest.MonkeyPatch()
    patch.setenv("STUDY_HOME", str(tmp_path_factory.mktemp("drill-home")))
    patch.setenv("STUDY_ENV_DIR", str(tmp_path_factory.mktemp("drill-env")))
    patch.delenv("SCHEMA_REGISTRY_URL", raising=False)
    patch.delenv("STUDY_DRILLS", raising=False)
    try:
        yield
    finally:
        try:
            engine.stop()
        finally:
            patch.undo()


def start(drill_id: str):
    from studycli.drill import engine
    from studycli.schema.live import Registry

    out = engine.run(drill_id, replace=True)
    env = engine.current_env()
    return out["state"], env, Registry(env.registry_url)


def shell(script: str, active: dict, env) -> subprocess.CompletedProcess:
    """A learner's commands, with the same tools and variables as `study env shell`."""
    from studycli.drill import engine

    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env=engine.solution_env(env, active),
        cwd=active["workspace"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def unmet(active: dict) -> list[str]:
    from studycli.drill import engine

    return engine.evaluate(active)


def apply_solution() -> list[str]:
    from studycli.drill import engine

    out = engine.solution(apply=True)
    assert out["returncode"] == 0, out["output"]
    return out["unmet"]


REGISTER = """
body=$(python3 -c 'import json, sys; print(json.dumps({"schema": open(sys.argv[1]).read()}))' "$2")
curl -sf -X POST -H 'Content-Type: application/vnd.schemaregistry.v1+json' --data "$body" \
  "$SCHEMA_REGISTRY_URL/subjects/$1/versions"
"""


def register_script(subject: str, schema_file: str) -> str:
    return f"register() {{ {REGISTER} }}\nregister {subject} {schema_file}\n"


def set_none(subject: str) -> str:
    return (
        "curl -sf -X PUT -H 'Content-Type: application/vnd.schemaregistry.v1+json' "
        f"""--data '{{"compatibility": "NONE"}}' "$SCHEMA_REGISTRY_URL/config/{subject}"\n"""
    )


def delete_subject(subject: str) -> str:
    return (
        f'curl -sf -X DELETE "$SCHEMA_REGISTRY_URL/subjects/{subject}"\n'
        f'curl -sf -X DELETE "$SCHEMA_REGISTRY_URL/subjects/{subject}?permanent=true"\n'
    )


# --- incompatible-schema-deploy ------------------------------------------------------------------


class TestIncompatibleSchemaDeploy:
    drill = "incompatible-schema-deploy"

    def test_1_fault_is_there(self, drill_home):
        active, env, registry = start(self.drill)
        assert registry.versions("orders-value") == [1]
        assert registry.subject_level("orders-value") == "BACKWARD"
        v2 = (env_workspace(active) / "order-v2.avsc").read_text()
        _id, error = registry.try_register("orders-value", v2)
        assert error.startswith("HTTP 409"), error
        assert "409" in (env_workspace(active) / "deploy.log").read_text()

    def test_2_check_fails(self, drill_home):
        from studycli.drill import state

        problems = unmet(state.load())
        assert any("sales_channel" in p for p in problems), problems
        # The learner's path: the CLI says the same, exits 1, and prints no traceback.
        done = subprocess.run(
            [sys.executable, "-m", "studycli", "drill", "check", "--json"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert json.loads(done.stdout)["unmet"] == problems

    def test_3_reference_solution_passes(self, drill_home):
        assert apply_solution() == []

    def test_4_wrong_fix_none_fails(self, drill_home):
        active, env, registry = start(self.drill)
        shell(set_none("orders-value") + register_script("orders-value", "order-v2.avsc"), active, env)
        assert registry.versions("orders-value") == [1, 2]  # the refused schema went in under NONE
        problems = unmet(active)
        assert any("compatibility NONE" in p for p in problems), problems
        assert any("cannot read data written by version 1" in p for p in problems), problems

    def test_4_wrong_fix_delete_subject_fails(self, drill_home):
        active, env, registry = start(self.drill)
        shell(delete_subject("orders-value") + register_script("orders-value", "order-v2.avsc"), active, env)
        problems = unmet(active)
        assert any("original version 1" in p for p in problems), problems


# --- transitive-schema-trap -----------------------------------------------------------------------

V4_UNION = """cat > v4.avsc <<'AVSC'
{"type": "record", "name": "Payment", "namespace": "shop.payments", "fields": [
  {"name": "payment_id", "type": "long"},
  {"name": "amount", "type": ["null", "string", "long"], "default": null}]}
AVSC
"""


class TestTransitiveSchemaTrap:
    drill = "transitive-schema-trap"

    def test_1_fault_is_there(self, drill_home):
        from studycli.schema.live import read_back

        active, env, registry = start(self.drill)
        assert registry.versions("payments-value") == [1, 2, 3]
        assert registry.subject_level("payments-value") == "BACKWARD"
        latest = registry.version("payments-value", "latest")[1]
        ok, bad = read_back(env.bootstrap_servers, registry, "payments", latest)
        v1_id = registry.version("payments-value", 1)[0]
        assert (ok, len(bad)) == (40, 20)
        assert {b.writer_id for b in bad} == {v1_id}  # exactly the records written with version 1

    def test_2_check_fails(self, drill_home):
        from studycli.drill import state

        problems = unmet(state.load())
        assert any("newer than 3" in p for p in problems), problems
        assert any("compatibility BACKWARD" in p for p in problems), problems

    def test_3_reference_solution_passes(self, drill_home):
        assert apply_solution() == []

    def test_4_wrong_fix_none_fails(self, drill_home):
        active, env, registry = start(self.drill)
        shell(
            set_none("payments-value") + V4_UNION + register_script("payments-value", "v4.avsc"), active, env
        )
        assert registry.versions("payments-value") == [1, 2, 3, 4]
        problems = unmet(active)
        assert problems and all("compatibility NONE" in p for p in problems), problems

    def test_4_wrong_fix_latest_only_fails(self, drill_home):
        """Still BACKWARD: a v4 that reads v3 data registers fine, yet v1 payments stay unreadable."""
        active, env, registry = start(self.drill)
        v4 = """cat > v4.avsc <<'AVSC'
{"type": "record", "name": "Payment", "namespace": "shop.payments", "fields": [
  {"name": "payment_id", "type": "long"},
  {"name": "amount", "type": "long", "default": 0},
  {"name": "currency", "type": "string", "default": "EUR"}]}
AVSC
"""
        shell(v4 + register_script("payments-value", "v4.avsc"), active, env)
        problems = unmet(active)
        assert any("cannot be read with the latest" in p for p in problems), problems

    def test_4_wrong_fix_delete_subject_fails(self, drill_home):
        active, env, registry = start(self.drill)
        shell(
            delete_subject("payments-value") + V4_UNION + register_script("payments-value", "v4.avsc"),
            active,
            env,
        )
        problems = unmet(active)
        assert any("original version 1" in p for p in problems), problems


# --- deleted-schema-version -----------------------------------------------------------------------


class TestDeletedSchemaVersion:
    drill = "deleted-schema-version"

    def test_1_fault_is_there(self, drill_home):
        active, env, registry = start(self.drill)
        assert registry.versions("shipments-value") == [1]
        status, deleted = registry.http("GET", "/subjects/shipments-value/versions?deleted=true")
        assert (status, deleted) == (200, [1, 2])
        schema = (env_workspace(active) / "shipment-v2.avsc").read_text()
        assert registry.lookup("shipments-value", schema) is None
        assert "40403" in (env_workspace(active) / "shipping-service.log").read_text()

    def test_2_check_fails(self, drill_home):
        from studycli.drill import state

        problems = unmet(state.load())
        assert any("lookup still fails" in p for p in problems), problems

    def test_3_reference_solution_passes(self, drill_home):
        assert apply_solution() == []

    def test_4_wrong_fix_delete_subject_fails(self, drill_home):
        active, env, registry = start(self.drill)
        shell(
            delete_subject("shipments-value") + register_script("shipments-value", "shipment-v2.avsc"),
            active,
            env,
        )
        assert registry.lookup("shipments-value", (env_workspace(active) / "shipment-v2.avsc").read_text())
        problems = unmet(active)
        assert any("original version 1" in p for p in problems), problems

    def test_4_wrong_fix_auto_register_fails(self, drill_home):
        active, env, registry = start(self.drill)
        script = (
            "sed -i 's/auto.register.schemas=false/auto.register.schemas=true/' shipping-service.properties\n"
            + register_script("shipments-value", "shipment-v2.avsc")
        )
        shell(script, active, env)
        problems = unmet(active)
        assert any("auto-registration must stay off" in p for p in problems), problems

    def test_4_wrong_fix_none_fails(self, drill_home):
        active, env, registry = start(self.drill)
        shell(
            set_none("shipments-value") + register_script("shipments-value", "shipment-v2.avsc"), active, env
        )
        problems = unmet(active)
        assert any("compatibility NONE" in p for p in problems), problems


def env_workspace(active: dict):
    from pathlib import Path

    return Path(active["workspace"])


def test_facts_are_json(drill_home):
    """The drill state survives a fresh process: what the faults recorded is plain JSON."""
    from studycli.drill import state

    active = state.load()
    assert active is not None
    json.dumps(active["facts"])
