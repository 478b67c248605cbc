#!/usr/bin/env bash
# DPDK receive loop + Ethernet/IPv4/UDP parse: the C baseline (perf/native/sluice_rxbench.c) against
# the same workload through FFM in Java (dev.sluice.perf.dpdk.DpdkRxBenchmark over the gateway's
# DpdkSource), on net_null and on net_pcap, same EAL options, same core, same run. Runs C and Java
# alternately (C, Java, C, Java, ...: PAIRS pairs per workload and burst size) so load from elsewhere
# on the machine hits both alike, and prints per-pair Java/C ratios and their median (issue 3:
# target Java >= 0.8x C). First checks that both loops do the same work: on the net_pcap capture,
# exactly CHECK_PACKETS packets each (no warm-up) must give the same accumulator.
#
#   perf/run-dpdk-rx.sh                     defaults: 5 s per run after 1 s warm-up, burst 32, core 1, 3 pairs
#   SECONDS_PER_RUN=10 PAIRS=5 CORE=0 BURSTS="32 64 256" perf/run-dpdk-rx.sh
#   JAVA_EXTRA="--mempool-cache 0" perf/run-dpdk-rx.sh     extra DpdkRxBenchmark options (Java side only)
#
# Needs libdpdk-dev, gcc, pkg-config (apt-get install libdpdk-dev gcc pkg-config), taskset
# (util-linux) and the perf module built (mvn -o -B -DskipTests -pl perf -am package: target/classes,
# target/jmh-classpath and native/target/native/libsluice_dpdk.so). Runs without hugepages
# (--no-huge); set EAL_MEMORY_ARGS to use them instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NATIVE="$ROOT/perf/target/native"
WORK="${WORK:-$ROOT/perf/target/dpdk-rx}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-5}"
WARMUP_SECONDS="${WARMUP_SECONDS:-1}"
BURSTS="${BURSTS:-${BURST:-32}}"
CORE="${CORE:-1}"
PAIRS="${PAIRS:-${REPEATS:-3}}"
FRAME_LENGTH="${FRAME_LENGTH:-64}"
CAPTURE_PACKETS="${CAPTURE_PACKETS:-1024}"
CAPTURE_FLOWS="${CAPTURE_FLOWS:-64}"
CHECK_PACKETS="${CHECK_PACKETS:-65536}"
EAL_MEMORY_ARGS="${EAL_MEMORY_ARGS:---no-huge -m 512}"
JAVA_EXTRA="${JAVA_EXTRA:-}"
WORKLOAD_FILTER="${WORKLOADS:-}"

die() { echo "run-dpdk-rx: $*" >&2; exit 1; }

command -v taskset >/dev/null || die "taskset not found; install util-linux"
"$ROOT/perf/native/build.sh" || die "could not build the native tools (see above)"
mkdir -p "$WORK"

JAVA_CLASS="dev.sluice.perf.dpdk.DpdkRxBenchmark"
JAVA_CLASS_FILE="$ROOT/perf/target/classes/${JAVA_CLASS//.//}.class"
CLASSPATH_FILE="$ROOT/perf/target/jmh-classpath"
SHIM="$ROOT/native/target/native/libsluice_dpdk.so"
[[ -f "$JAVA_CLASS_FILE" && -f "$CLASSPATH_FILE" ]] \
    || die "the perf module is not built: run 'mvn -o -B -DskipTests -pl perf -am package' in $ROOT"
[[ -f "$SHIM" ]] || die "$SHIM is missing: install libdpdk-dev and rebuild (mvn -o -B compile -pl native)"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
# The project's JVM flags (the parent pom's sluice.jvm.flags, as Surefire and the launcher use them).
read -r -a JVM_FLAGS <<<"$(sed -n 's:.*<sluice.jvm.flags>\(.*\)</sluice.jvm.flags>.*:\1:p' "$ROOT/pom.xml")"
JVM_FLAGS+=("-Dsluice.native.dir=$ROOT/native/target/native")
CLASSPATH="$ROOT/perf/target/classes:$(cat "$CLASSPATH_FILE")"

# One lcore, numbered as the CPU taskset pins the process to: the EAL pins its main thread to the
# CPU of lcore N, so "-l 0" under "taskset -c 1" would move the C program's loop to CPU 0. The
# Java side initialises the EAL on a thread of its own, so its polling thread keeps taskset's CPU.
# shellcheck disable=SC2206 # EAL_MEMORY_ARGS holds several arguments
EAL=($EAL_MEMORY_ARGS --no-pci --no-shconf --log-level=warning -l "$CORE")

# The net_pcap workload: CAPTURE_PACKETS small UDP packets over CAPTURE_FLOWS flows, made by
# the generator's synth mode into a tx_pcap vdev, then read by net_pcap with infinite_rx=1
# (which loads the file into mbufs once and replays it from memory).
CAPTURE="$WORK/small-udp-$FRAME_LENGTH.pcap"
rm -f "$CAPTURE"
"$NATIVE/sluice-trafgen" "${EAL[@]}" --vdev "net_pcap0,tx_pcap=$CAPTURE" -- \
    --synth --count "$CAPTURE_PACKETS" --size "$FRAME_LENGTH" --flows "$CAPTURE_FLOWS" 2>/dev/null \
    | sed 's/^/# /' || die "the generator could not write $CAPTURE"

# name|vdev|extra args for both. net_null (copy=0) hands out pool mbufs without writing them:
# "fill udp" writes a 64-byte Ethernet/IPv4/UDP frame into every mbuf of the pool first so
# the parse does its full work; "fill none" parses whatever the mbufs hold (zeros: the parse
# stops at the EtherType).
WORKLOAD_LIST=(
    "net_null+fill-udp|net_null0,size=$FRAME_LENGTH|--fill udp"
    "net_null+fill-none|net_null0,size=$FRAME_LENGTH|--fill none"
    "net_pcap|net_pcap0,rx_pcap=$CAPTURE,infinite_rx=1|--fill none"
)

field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p" <<<"$2" | head -1; }

# run_c VDEV BURST ARGS...: one sluice-rxbench run; prints its summary line.
run_c() {
    local vdev="$1" burst="$2"
    shift 2
    taskset -c "$CORE" "$NATIVE/sluice-rxbench" "${EAL[@]}" --vdev "$vdev" -- --burst "$burst" "$@" 2>/dev/null \
        | grep '^sluice-rxbench: port=' || true
}

# run_java VDEV BURST ARGS...: the same through FFM; prints its summary line.
run_java() {
    local vdev="$1" burst="$2"
    shift 2
    # shellcheck disable=SC2086 # JAVA_EXTRA holds several arguments
    taskset -c "$CORE" "$JAVA" "${JVM_FLAGS[@]}" -cp "$CLASSPATH" "$JAVA_CLASS" "${EAL[@]}" --vdev "$vdev" -- \
        --burst "$burst" "$@" $JAVA_EXTRA 2>/dev/null | grep '^DpdkRxBenchmark: ' || true
}

ratio() { awk -v j="$1" -v c="$2" 'BEGIN { if (c > 0 && j != "") printf "%.3f", j / c; else printf "n/a" }'; }
median() { tr ' ' '\n' | grep -v '^$' | grep -v n/a | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)," \
    "core $CORE, bursts $BURSTS, ${SECONDS_PER_RUN}s after ${WARMUP_SECONDS}s warm-up, $PAIRS pairs, EAL: ${EAL[*]}"
echo "# Java: $("$JAVA" -version 2>&1 | head -1), flags: ${JVM_FLAGS[*]}${JAVA_EXTRA:+, DpdkRxBenchmark $JAVA_EXTRA}"

# Same work: the first CHECK_PACKETS packets of the capture (a multiple of every burst size, so both
# stop at the same packet), parsed by each, must fold into the same accumulator.
check_burst="${BURSTS%% *}"
check_c="$(run_c "net_pcap0,rx_pcap=$CAPTURE,infinite_rx=1" "$check_burst" --fill none --count "$CHECK_PACKETS")"
check_java="$(run_java "net_pcap0,rx_pcap=$CAPTURE,infinite_rx=1" "$check_burst" --fill none --count "$CHECK_PACKETS")"
c_acc="$(field accumulator "$check_c")"
java_acc="$(field accumulator "$check_java")"
echo "# same-work check on net_pcap, $CHECK_PACKETS packets: C packets=$(field packets "$check_c") accumulator=$c_acc," \
    "Java packets=$(field packets "$check_java") accumulator=$java_acc"
[[ -n "$c_acc" && "$c_acc" == "$java_acc" ]] || die "the C and Java loops disagree on the same packets (see above)"

# pps: packets per wall-clock second; cpu_pps: per second of the polling thread's own CPU time (the
# fairer figure when other processes share the core); ratios are Java / C for each; alloc: bytes the
# Java polling thread allocated per packet during the timed run.
printf '%-19s %5s %4s %11s %11s %8s %11s %11s %8s %7s %9s %8s\n' \
    workload burst pair c_pps c_cpu_pps c_cpu_ns java_pps java_cpu_pps java_ns ratio ratio_cpu alloc_B
summary=()
for burst in $BURSTS; do
    for workload in "${WORKLOAD_LIST[@]}"; do
        IFS='|' read -r name vdev extra <<<"$workload"
        [[ -z "$WORKLOAD_FILTER" || " $WORKLOAD_FILTER " == *" $name "* ]] || continue
        ratios=""
        ratios_cpu=""
        for ((pair = 1; pair <= PAIRS; pair++)); do
            # shellcheck disable=SC2086 # extra holds several arguments
            c_line="$(run_c "$vdev" "$burst" --seconds "$SECONDS_PER_RUN" --warmup "$WARMUP_SECONDS" $extra)"
            [[ -n "$c_line" ]] || die "sluice-rxbench failed on $vdev"
            # shellcheck disable=SC2086
            java_line="$(run_java "$vdev" "$burst" --seconds "$SECONDS_PER_RUN" --warmup "$WARMUP_SECONDS" $extra)"
            [[ -n "$java_line" ]] || die "DpdkRxBenchmark failed on $vdev (run it by hand to see why)"
            r="$(ratio "$(field pps "$java_line")" "$(field pps "$c_line")")"
            rc="$(ratio "$(field pps_per_cpu_second "$java_line")" "$(field pps_per_cpu_second "$c_line")")"
            ratios+=" $r"
            ratios_cpu+=" $rc"
            printf '%-19s %5s %4d %11s %11s %8s %11s %11s %8s %7s %9s %8s\n' "$name" "$burst" "$pair" \
                "$(field pps "$c_line")" "$(field pps_per_cpu_second "$c_line")" "$(field cpu_ns_per_packet "$c_line")" \
                "$(field pps "$java_line")" "$(field pps_per_cpu_second "$java_line")" \
                "$(field cpu_ns_per_packet "$java_line")" "$r" "$rc" "$(field allocated_bytes_per_packet "$java_line")"
        done
        summary+=("$(printf '%-19s %5s  median ratio (wall) %s  median ratio (cpu) %s  per pair (cpu):%s' \
            "$name" "$burst" "$(median <<<"$ratios")" "$(median <<<"$ratios_cpu")" "$ratios_cpu")")
    done
done
echo
printf '%s\n' "${summary[@]}"
