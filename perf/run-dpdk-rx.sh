#!/usr/bin/env bash
# DPDK receive loop + Ethernet/IPv4/UDP parse: the C baseline (perf/native/sluice_rxbench.c),
# and - once it exists - the same workload through FFM in Java (dev.sluice.perf.dpdk.DpdkRxBenchmark),
# on net_null and on net_pcap, same EAL options, same core, same run; prints packets/s,
# ns/packet and the Java/C ratio (issue 3: target Java >= 0.8x C).
#
#   perf/run-dpdk-rx.sh                     defaults: 5 s per run after 1 s warm-up, burst 32, core 1, 3 repeats
#   SECONDS_PER_RUN=10 REPEATS=5 CORE=0 BURST=64 perf/run-dpdk-rx.sh
#
# Needs libdpdk-dev, gcc, pkg-config (apt-get install libdpdk-dev gcc pkg-config) and taskset
# (util-linux). Runs without hugepages (--no-huge); set EAL_MEMORY_ARGS to use them instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NATIVE="$ROOT/perf/target/native"
WORK="${WORK:-$ROOT/perf/target/dpdk-rx}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-5}"
WARMUP_SECONDS="${WARMUP_SECONDS:-1}"
BURST="${BURST:-32}"
CORE="${CORE:-1}"
REPEATS="${REPEATS:-3}"
FRAME_LENGTH="${FRAME_LENGTH:-64}"
CAPTURE_PACKETS="${CAPTURE_PACKETS:-1024}"
CAPTURE_FLOWS="${CAPTURE_FLOWS:-64}"
EAL_MEMORY_ARGS="${EAL_MEMORY_ARGS:---no-huge -m 512}"

die() { echo "run-dpdk-rx: $*" >&2; exit 1; }

command -v taskset >/dev/null || die "taskset not found; install util-linux"
"$ROOT/perf/native/build.sh" || die "could not build the native tools (see above)"
mkdir -p "$WORK"

# One lcore, pinned by taskset to CORE; EAL's own lcore 0 is then that CPU.
# shellcheck disable=SC2206 # EAL_MEMORY_ARGS holds several arguments
EAL=($EAL_MEMORY_ARGS --no-pci --no-shconf --log-level=warning -l 0)

# The net_pcap workload: CAPTURE_PACKETS small UDP packets over CAPTURE_FLOWS flows, made by
# the generator's synth mode into a tx_pcap vdev, then read by net_pcap with infinite_rx=1
# (which loads the file into mbufs once and replays it from memory).
CAPTURE="$WORK/small-udp-$FRAME_LENGTH.pcap"
rm -f "$CAPTURE"
"$NATIVE/sluice-trafgen" "${EAL[@]}" --vdev "net_pcap0,tx_pcap=$CAPTURE" -- \
    --synth --count "$CAPTURE_PACKETS" --size "$FRAME_LENGTH" --flows "$CAPTURE_FLOWS" 2>/dev/null \
    | sed 's/^/  /' || die "the generator could not write $CAPTURE"

# name|vdev|extra rxbench args. net_null (copy=0) hands out pool mbufs without writing them:
# "fill udp" writes a 64-byte Ethernet/IPv4/UDP frame into every mbuf of the pool first so
# the parse does its full work; "fill none" parses whatever the mbufs hold (zeros: the parse
# stops at the EtherType).
WORKLOADS=(
    "net_null+fill-udp|net_null0,size=$FRAME_LENGTH|--fill udp"
    "net_null+fill-none|net_null0,size=$FRAME_LENGTH|--fill none"
    "net_pcap|net_pcap0,rx_pcap=$CAPTURE,infinite_rx=1|--fill none"
)

field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" <<<"$2" | head -1; }

run_c() {
    local vdev="$1" extra="$2"
    # shellcheck disable=SC2086 # extra holds several arguments
    taskset -c "$CORE" "$NATIVE/sluice-rxbench" "${EAL[@]}" --vdev "$vdev" -- \
        --seconds "$SECONDS_PER_RUN" --warmup "$WARMUP_SECONDS" --burst "$BURST" $extra 2>/dev/null \
        | grep '^sluice-rxbench: port='
}

# ---------------------------------------------------------------------------------------------
# JAVA HOOK (TODO: enable once dev.sluice.perf.dpdk.DpdkRxBenchmark lands with the Java DPDK source).
# Contract for the Java side, so this script needs no other change:
#   java <sluice.jvm.flags> -cp <perf classes + jmh-classpath> dev.sluice.perf.dpdk.DpdkRxBenchmark \
#       <the same EAL args> --vdev <the same vdev> -- --seconds S --warmup W --burst B --fill udp|none
#   prints one line starting "DpdkRxBenchmark: " with the same key=value fields as sluice-rxbench
#   (packets= seconds= pps= ns_per_packet= cpu_seconds= pps_per_cpu_second= cpu_ns_per_packet=
#   accumulator=; cpu_* from the polling thread's own CPU time), same parse (see the formula at the top
#   of perf/native/sluice_rxbench.c), and, for --fill udp, the same 64-byte frame written into
#   every mbuf of its pool before the port starts.
# Until the class exists, run_java prints nothing and the ratio column says "n/a".
JAVA_CLASS="dev.sluice.perf.dpdk.DpdkRxBenchmark"
JAVA_CLASS_FILE="$ROOT/perf/target/classes/${JAVA_CLASS//.//}.class"
run_java() {
    local vdev="$1" extra="$2"
    [[ -f "$JAVA_CLASS_FILE" ]] || return 0
    local java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
    local flags classpath
    flags="$(sed -n 's:.*<sluice.jvm.flags>\(.*\)</sluice.jvm.flags>.*:\1:p' "$ROOT/pom.xml")"
    classpath="$ROOT/perf/target/classes:$(cat "$ROOT/perf/target/jmh-classpath" 2>/dev/null || true)"
    # shellcheck disable=SC2086 # flags and extra hold several arguments
    taskset -c "$CORE" "$java" $flags -cp "$classpath" "$JAVA_CLASS" "${EAL[@]}" --vdev "$vdev" -- \
        --seconds "$SECONDS_PER_RUN" --warmup "$WARMUP_SECONDS" --burst "$BURST" $extra 2>/dev/null \
        | grep '^DpdkRxBenchmark: ' || true
}
# ---------------------------------------------------------------------------------------------

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(lscpu | sed -n 's/^Model name: *//p' | head -1), core $CORE, burst $BURST," \
    "${SECONDS_PER_RUN}s after ${WARMUP_SECONDS}s warm-up, EAL: ${EAL[*]}"
[[ -f "$JAVA_CLASS_FILE" ]] || echo "# $JAVA_CLASS not built yet: C baseline only (see JAVA HOOK in this script)"
# pps: packets per wall-clock second; cpu: per second of the polling thread's own CPU time (the
# fairer figure when other processes share the core); ratios are Java / C for each.
printf '%-19s %3s %11s %11s %8s %11s %11s %8s %7s %7s\n' \
    workload run c_pps c_cpu_pps c_cpu_ns java_pps java_cpu_pps java_ns ratio ratio_cpu
for workload in "${WORKLOADS[@]}"; do
    IFS='|' read -r name vdev extra <<<"$workload"
    for ((run = 1; run <= REPEATS; run++)); do
        c_line="$(run_c "$vdev" "$extra")" || die "sluice-rxbench failed on $vdev"
        java_line="$(run_java "$vdev" "$extra")"
        c_pps="$(field pps "$c_line")"
        c_cpu_pps="$(field pps_per_cpu_second "$c_line")"
        c_cpu_ns="$(field cpu_ns_per_packet "$c_line")"
        java_pps="$(field pps "$java_line")"
        java_cpu_pps="$(field pps_per_cpu_second "$java_line")"
        java_cpu_ns="$(field cpu_ns_per_packet "$java_line")"
        ratio="n/a"
        ratio_cpu="n/a"
        [[ -n "$java_pps" ]] && ratio="$(awk -v j="$java_pps" -v c="$c_pps" 'BEGIN { printf "%.3f", j / c }')"
        [[ -n "$java_cpu_pps" ]] && ratio_cpu="$(awk -v j="$java_cpu_pps" -v c="$c_cpu_pps" 'BEGIN { printf "%.3f", j / c }')"
        printf '%-19s %3d %11s %11s %8s %11s %11s %8s %7s %7s\n' "$name" "$run" "$c_pps" "$c_cpu_pps" "$c_cpu_ns" \
            "${java_pps:-n/a}" "${java_cpu_pps:-n/a}" "${java_cpu_ns:-n/a}" "$ratio" "$ratio_cpu"
    done
done
