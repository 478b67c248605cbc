#!/usr/bin/env bash
# Builds the perf module (and what it depends on), then runs JMH with the gateway's JVM flags.
#   perf/run-jmh.sh CryptoPanBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc
#   perf/run-jmh.sh -l                      list the benchmarks
# Every argument goes to org.openjdk.jmh.Main. Set JMH_SKIP_BUILD=1 to reuse the last build.
# PERF_MAIN=<class> runs another main class of perf/ with the same classpath and flags, e.g.
#   PERF_MAIN=dev.sluice.perf.pipeline.WorkersThroughput perf/run-jmh.sh 1000000 7
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQUIRED_JAVA=25

die() { echo "run-jmh: $*" >&2; exit 1; }

java_major() {
    "$1" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -1
}

find_java_home() {
    local candidate major
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
        [[ -n "$candidate" && -x "$candidate/bin/java" && -x "$candidate/bin/javac" ]] || continue
        major="$(java_major "$candidate/bin/java")"
        if [[ -n "$major" && "$major" -ge $REQUIRED_JAVA ]]; then echo "$candidate"; return; fi
    done
    die "no JDK ${REQUIRED_JAVA} or newer found (looked at JAVA_HOME and /usr/lib/jvm)"
}

export JAVA_HOME="$(find_java_home)"
# Maven's own JVM (its bundled Guava) calls sun.misc.Unsafe; JDK 25 warns about that unless allowed.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

if [[ "${JMH_SKIP_BUILD:-0}" != 1 ]]; then
    # package runs the perf module's dependency:build-classpath execution, writing target/jmh-classpath.
    (cd "$ROOT" && mvn -q -B -DskipTests -pl perf -am package) \
        || die "build failed; run 'mvn -DskipTests -pl perf -am package' in $ROOT to see why"
fi

CLASSPATH_FILE="$ROOT/perf/target/jmh-classpath"
[[ -f "$CLASSPATH_FILE" ]] || die "$CLASSPATH_FILE is missing; run without JMH_SKIP_BUILD"
CLASSPATH="$ROOT/perf/target/classes:$(cat "$CLASSPATH_FILE")"

# The same flags the launcher and Surefire use (FFM, Agrona, Aeron); JMH passes them on to its forks.
JVM_FLAGS=()
FLAGS_FILE="$ROOT/cli/target/launcher/jvm-flags"
if [[ -f "$FLAGS_FILE" ]]; then
    read -r -a JVM_FLAGS < "$FLAGS_FILE"
fi

exec "$JAVA_HOME/bin/java" "${JVM_FLAGS[@]}" -cp "$CLASSPATH" "${PERF_MAIN:-org.openjdk.jmh.Main}" "$@"
