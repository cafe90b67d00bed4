"""Shared test fixtures.

`kafka_env` (session scope): ONE real three-node Kafka cluster for the whole test session, in a tmp
environment directory (STUDY_ENV_DIR) and a tmp STUDY_HOME, with the shared jar cache (fill it with
`study env install`). Tests that use it are marked `@pytest.mark.live`, create uniquely named topics,
and leave every node running when they finish.

`registry_url` (session scope): ONE real Schema Registry process (Apicurio, Confluent API) on free
loopback ports, shared by every test that needs a registry without a Kafka cluster.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def kafka_env(tmp_path_factory):
    from studycli.runtime import environment as envs

    patch = pytest.MonkeyPatch()
    patch.setenv("STUDY_ENV_DIR", str(tmp_path_factory.mktemp("kafka-env")))
    patch.setenv("STUDY_HOME", str(tmp_path_factory.mktemp("study-home")))
    try:
        env = envs.up("kafka")
        yield env
    finally:
        envs.down()
        patch.undo()


@pytest.fixture(scope="session")
def registry_url(tmp_path_factory):
    import time

    from studycli.runtime.backends.local import allocate_ports
    from studycli.runtime.services import registry

    home = registry.ensure_distribution(show_progress=False)
    java = registry.find_java()
    http, management = allocate_ports(2)
    service = registry.SchemaRegistry(
        "registry",
        tmp_path_factory.mktemp("registry"),
        {"http": http, "management": management},
        home=home,
        java=java.executable,
    )
    service.start()
    try:
        deadline = time.monotonic() + 120
        while not service.is_ready():
            assert service.is_running(), service.logs(40)
            assert time.monotonic() < deadline, "registry not ready in 120 s:\n" + service.logs(40)
            time.sleep(0.1)
        yield service.url
    finally:
        service.stop()
        service.clean()
    assert not service.is_running()
