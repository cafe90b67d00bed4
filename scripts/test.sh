#!/usr/bin/env bash
# Set up everything the tests need from this repo's own files, then run every test.
# Needs only Python 3.10+ and Java 17+; the Kafka jars come through `study env install`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip >/dev/null
.venv/bin/pip install -q -e '.[test]'
.venv/bin/study env install
.venv/bin/ruff check .
# pytest exits 5 when it collects no test; that is a failure here, like any non-zero exit.
exec .venv/bin/pytest -ra "$@"
