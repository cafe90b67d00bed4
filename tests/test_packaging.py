"""A non-editable install (a built wheel) must still find the shipped content, drills and compose
files, not only a checkout."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    (built,) = out.glob("streaming_mastery-*.whl")
    return built


def test_wheel_carries_the_data_folders(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in (
        "studycli/_data/content/levels/01-broker-tuning.md",
        "studycli/_data/content/STREAMING_CLI_CHEATSHEET.md",
        "studycli/_data/drills/under-replicated-partitions/drill.toml",
        "studycli/_data/compose/kafka.yml",
        "studycli/runtime/artifacts.lock.json",
    ):
        assert shipped in names


def test_installed_wheel_finds_its_content(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        timeout=300,
    )
    code = (
        "from studycli import paths; from studycli.content.loader import load_content;"
        "root = paths.shipped('content'); r = load_content([root]);"
        "print(root); print(len(r.cards)); print(paths.shipped('drills'))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    root, count, drills = proc.stdout.split()
    assert root.startswith(str(target)) and drills.startswith(str(target))
    assert int(count) > 400

