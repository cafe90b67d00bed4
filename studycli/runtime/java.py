"""Finding a Java runtime: JAVA_HOME first, then PATH; Kafka 4.x brokers need Java 17 or newer."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from studycli.errors import StudyError

MINIMUM_MAJOR = 17
INSTALL_HINT = (
    "install a Java 17+ runtime (e.g. Eclipse Temurin: `apt install openjdk-17-jre-headless`, "
    "`brew install openjdk@17`) and put it on PATH, or set JAVA_HOME to it"
)


@dataclass(frozen=True)
class Java:
    executable: str
    major: int
    version: str


def _parse_version(text: str) -> tuple[int, str] | None:
    match = re.search(r'version "([^"]+)"', text)
    if not match:
        return None
    version = match.group(1)
    parts = version.split(".")
    major = int(parts[1]) if parts[0] == "1" else int(re.match(r"\d+", parts[0]).group(0))
    return major, version


def find_java() -> Java:
    """The java to run Kafka with; StudyError (with what to do) when missing or older than 17."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home).expanduser() / "bin" / "java"
        if not candidate.is_file():
            raise StudyError(
                f"JAVA_HOME is set to {java_home}, but {candidate} does not exist",
                hint="point JAVA_HOME at a Java 17+ installation, or unset it to use the java on PATH",
            )
        executable = str(candidate)
        source = f"JAVA_HOME ({java_home})"
    else:
        found = shutil.which("java")
        if not found:
            raise StudyError(
                "Java was not found (JAVA_HOME is unset and no `java` on PATH)", hint=INSTALL_HINT
            )
        executable = found
        source = f"PATH ({found})"
    try:
        out = subprocess.run([executable, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise StudyError(f"could not run Java from {source}: {err}", hint=INSTALL_HINT) from None
    parsed = _parse_version(out.stderr + out.stdout)
    if parsed is None:
        raise StudyError(f"could not read the Java version from {source}", hint=INSTALL_HINT)
    major, version = parsed
    if major < MINIMUM_MAJOR:
        raise StudyError(
            f"Java {version} from {source} is too old: Kafka 4.x needs Java {MINIMUM_MAJOR} or newer",
            hint=INSTALL_HINT,
        )
    return Java(executable, major, version)
