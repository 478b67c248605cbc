#!/usr/bin/env bash
# AF_PACKET receive loop + decoder, packets/s per core, against the same decode loop over a
# capture file in the same run. Makes a veth pair with one end in a network namespace (the
# injector's side), runs dev.sluice.perf.source.AfPacketReceiveMain, and removes both.
#   sudo perf/run-af-packet.sh [SECONDS] [PACKETS]
# Needs root (or CAP_NET_RAW + CAP_NET_ADMIN + CAP_SYS_ADMIN) and iproute2. Set JMH_SKIP_BUILD=1
# to reuse the last build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_TO_RUN="${1:-10}"
PACKETS="${2:-100000}"
SUFFIX="$(printf '%06x' $((RANDOM * 32768 + RANDOM)) | tail -c 6)"
NS="sluice-perf-$SUFFIX"
RX="spA$SUFFIX"
TX="spB$SUFFIX"

die() { echo "run-af-packet: $*" >&2; exit 1; }
[[ "$(id -u)" -eq 0 ]] || die "needs root: network namespaces and AF_PACKET sockets"
command -v ip >/dev/null || die "needs iproute2: apt-get install iproute2"

if [[ "${JMH_SKIP_BUILD:-0}" != 1 ]]; then
    (cd "$ROOT" && JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}" \
        MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
        mvn -o -q -B -DskipTests -pl perf -am package) || die "build failed"
fi
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
CLASSPATH="$ROOT/perf/target/classes:$(cat "$ROOT/perf/target/jmh-classpath")"
JVM_FLAGS=()
FLAGS_FILE="$ROOT/cli/target/launcher/jvm-flags"
[[ -f "$FLAGS_FILE" ]] && read -r -a JVM_FLAGS < "$FLAGS_FILE"
[[ ${#JVM_FLAGS[@]} -gt 0 ]] || JVM_FLAGS=(--enable-native-access=ALL-UNNAMED)

cleanup() { ip link del "$RX" 2>/dev/null || true; ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$NS"
ip link add "$RX" type veth peer name "$TX"
ip link set "$TX" netns "$NS"
[[ -e /proc/sys/net/ipv6/conf/$RX/disable_ipv6 ]] && echo 1 > "/proc/sys/net/ipv6/conf/$RX/disable_ipv6"
ip netns exec "$NS" sh -c "[ -e /proc/sys/net/ipv6/conf/$TX/disable_ipv6 ] && echo 1 > /proc/sys/net/ipv6/conf/$TX/disable_ipv6 || true"
ip link set "$RX" mtu 9000 up
ip netns exec "$NS" ip link set "$TX" mtu 9000 up

echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA" "${JVM_FLAGS[@]}" -cp "$CLASSPATH" dev.sluice.perf.source.AfPacketReceiveMain "$RX" "$NS" "$TX" "$SECONDS_TO_RUN" "$PACKETS"
