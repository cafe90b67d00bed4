#!/usr/bin/env bash
# Maintainer script: resolve the exact Maven Central artifacts for the embedded Kafka runtime
# (broker + controller, command-line tools, SLF4J -> log4j2 binding) with Maven, once, and write
# the lockfile the CLI downloads from at run time: group:artifact:version, repository path, size, sha256.
#
# Usage: scripts/resolve-lockfile.sh [KAFKA_VERSION] [LOG4J_VERSION]
# Needs: mvn, python3. Users never run this; they only need Java.
set -euo pipefail

KAFKA_VERSION="${1:-4.4.0}"
LOG4J_VERSION="${2:-2.25.5}"
HERE="$(cd "$(dirname "$0")/.." && pwd)"
# The same default repository as the CLI's downloader, defined once in the package.
REPO_URL="${STUDY_MAVEN_REPO:-$(cd "$HERE" && python3 -c 'from studycli.runtime.artifacts import DEFAULT_REPOSITORY; print(DEFAULT_REPOSITORY)')}"
LOCKFILE="$HERE/studycli/runtime/artifacts.lock.json"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cat > "$WORK/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.streaming-mastery</groupId>
  <artifactId>kafka-runtime-lock</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <repositories>
    <repository><id>central</id><url>${REPO_URL}</url></repository>
  </repositories>
  <dependencies>
    <!-- broker and controller: main class kafka.Kafka -->
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <!-- command-line tools (TopicCommand, ConsoleProducer, GetOffsetShell, MetadataQuorumCommand...) -->
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <!-- Kafka's POMs use SLF4J 1.7 and leave the binding to the user: route it to log4j2 -->
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>${LOG4J_VERSION}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>${LOG4J_VERSION}</version></dependency>
  </dependencies>
</project>
POM

# --strict-checksums: Maven fails on a checksum mismatch against the repository's .sha1 files.
mvn -B -q --strict-checksums -f "$WORK/pom.xml" \
  -Dmaven.repo.local="$WORK/m2" \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
  -DincludeScope=runtime -Dmdep.useRepositoryLayout=true -DoutputDirectory="$WORK/out"

python3 - "$WORK/out" "$LOCKFILE" "$KAFKA_VERSION" "$LOG4J_VERSION" <<'PY'
import hashlib, json, pathlib, sys

out, lockfile, kafka_version, log4j_version = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
artifacts = []
for jar in sorted(out.rglob("*.jar")):
    rel = jar.relative_to(out)
    parts = rel.parts  # group/path/.../artifact/version/artifact-version.jar
    version, artifact = parts[-2], parts[-3]
    group = ".".join(parts[:-3])
    artifacts.append({
        "coordinate": f"{group}:{artifact}:{version}",
        "path": rel.as_posix(),
        "size": jar.stat().st_size,
        "sha256": hashlib.sha256(jar.read_bytes()).hexdigest(),
    })
doc = {
    "kafka_version": kafka_version,
    "log4j_version": log4j_version,
    "resolved_with": "scripts/resolve-lockfile.sh (maven-dependency-plugin copy-dependencies, runtime scope)",
    "artifacts": artifacts,
}
pathlib.Path(lockfile).write_text(json.dumps(doc, indent=1) + "\n")
print(f"{len(artifacts)} artifacts, {sum(a['size'] for a in artifacts) / 1e6:.1f} MB -> {lockfile}")
PY
