"""Shared test fixtures.

`kafka_env` (session scope): ONE real three-node Kafka cluster for the whole test session, in a tmp
environment directory (STUDY_ENV_DIR) and a tmp STUDY_HOME, with the shared jar cache (fill it with
`study env install`). Tests that use it are marked `@pytest.mark.live`, create uniquely named topics,
and leave every node running when they finish.
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
