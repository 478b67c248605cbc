#!/usr/bin/env bash
# Issue 7 peer benchmark: anonymizing the addresses of a capture of small packets with Sluice's
# Crypto-PAn (`sluice anonymize-capture`), Debian's pktanon (keyed HMAC profile: Debian's build
# has no Crypto-PAn) and tcprewrite --seed (tcpreplay), on the same file, in one run; each tool's
# output is checked.
#   sudo perf/run-anonymize-peers.sh                    # 3,000,000 packets
#   sudo PACKETS=1000000 perf/run-anonymize-peers.sh
#   sudo FLOW_PACKETS=10 perf/run-anonymize-peers.sh    # flows of 10 packets, 4,096 open at a time
# Environment: PACKETS (default 3000000), SEED (42), FLOW_PACKETS (packets per flow, default 1:
# every packet draws new endpoints, the worst case for Crypto-PAn's caches), CHECK_SAMPLE (packets tshark checks per
# output, default 300000: tshark needs minutes for millions), WARM_PASSES (passes of the
# in-process measurement, default 6).
#
# Workload (dev.sluice.perf.anonymize.CaptureWorkload, generated here, not taken from
# ../shared/data): Ethernet, 70% IPv4 TCP, 15% IPv4 UDP (a quarter of the IPv4 packets 802.1Q
# tagged), 15% IPv6 TCP/UDP, 54-134 bytes per frame, correct checksums; clients in 4,096 random
# /24s, 20,000 servers, so hundreds of thousands of distinct addresses.
#
# Measured per tool: CPU seconds of its process (user + sys, bash `time` on the child) and wall
# seconds, packets per CPU-second, and Sluice against each peer as a ratio of those. Sluice's row
# is the whole `java` process: JVM start-up, JIT compilation, copying the input to the output file
# and the anonymization. Its own rate is also given: `anonymize_seconds` from the same run (one
# cold pass: the JIT compiles while it runs), and the warm rate of CaptureAnonymizeThroughput
# (the capture in memory, WARM_PASSES passes, CPU time of the anonymizing thread).
#
# Checks per output (dev.sluice.perf.anonymize.CaptureAnonymizationCheck: both files decoded with
# Sluice's decoder, VLAN tags included, packet by packet): packets, packets that still carry an
# input address at the same place (and how many of those are VLAN-tagged), and for Sluice the
# packets whose addresses are not the Crypto-PAn images of the input's (a Crypto-PAn fixed point
# is its own image, so "unchanged" alone is not a leak for Sluice). Then tshark with checksum
# validation on the first CHECK_SAMPLE packets of the input and of every output: good and bad IP,
# TCP and UDP checksums.
#
# Packages: pktanon, tcpreplay (tcprewrite) and tshark are installed with apt-get when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/perf/target/anonymize-peers"
PACKETS="${PACKETS:-3000000}"
SEED="${SEED:-42}"
FLOW_PACKETS="${FLOW_PACKETS:-1}"
CHECK_SAMPLE="${CHECK_SAMPLE:-300000}"
WARM_PASSES="${WARM_PASSES:-6}"
export LC_ALL=C

die() { echo "run-anonymize-peers: $*" >&2; exit 1; }
mkdir -p "$WORK"

# ---------------------------------------------------------------------------- packages
ensure_packages()
{
    local missing=()
    command -v pktanon >/dev/null || missing+=(pktanon)
    command -v tcprewrite >/dev/null || missing+=(tcpreplay)
    command -v tshark >/dev/null || missing+=(tshark)
    [[ ${#missing[@]} -eq 0 ]] && return
    [[ "$(id -u)" -eq 0 ]] || die "needs root to install ${missing[*]} (or install them: apt-get install ${missing[*]})"
    echo "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >/dev/null \
        || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; } \
        || die "apt-get install ${missing[*]} failed"
}

# ---------------------------------------------------------------------------- build
build()
{
    "$ROOT/sluice" help > "$WORK/build.txt" 2>&1 || { cat "$WORK/build.txt" >&2; die "sluice does not build"; }
    (cd "$ROOT" && JAVA_HOME="${JAVA_HOME:-}" perf/run-jmh.sh -l > "$WORK/perf-build.txt" 2>&1) \
        || { cat "$WORK/perf-build.txt" >&2; die "perf does not build"; }
}

perf_main()
{
    JMH_SKIP_BUILD=1 PERF_MAIN="$1" "$ROOT/perf/run-jmh.sh" "${@:2}"
}

# ---------------------------------------------------------------------------- inputs
generate_workload()
{
    local stamp="$WORK/workload.params"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$PACKETS $SEED $FLOW_PACKETS" && -f "$WORK/workload.pcap" ]]; then
        return
    fi
    perf_main dev.sluice.perf.anonymize.CaptureWorkload "$WORK/workload.pcap" "$PACKETS" "$SEED" "$FLOW_PACKETS"
    echo "$PACKETS $SEED $FLOW_PACKETS" > "$stamp"
}

make_keys()
{
    (umask 077; head -c 32 /dev/urandom > "$WORK/cryptopan.key")
    chmod 600 "$WORK/cryptopan.key"
    local hmac_key
    hmac_key="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    # pktanon's keyed profile: HMAC-SHA1 of every IPv4 and IPv6 address (and ARP's), every other
    # field kept (AnonIdentity), payload kept: the same work as Sluice's, with HMAC for Crypto-PAn.
    cat > "$WORK/pktanon-hmac.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<pktanon-config>
  <anonymizations>
    <packet protocol="ethernet">
      <field name="mac-source" anon="AnonIdentity"/>
      <field name="mac-dest" anon="AnonIdentity"/>
      <field name="ethertype" anon="AnonIdentity"/>
    </packet>
    <packet protocol="arp">
      <field name="hardware-type" anon="AnonIdentity"/>
      <field name="protocol-type" anon="AnonIdentity"/>
      <field name="hardware-size" anon="AnonIdentity"/>
      <field name="protocol-size" anon="AnonIdentity"/>
      <field name="opcode" anon="AnonIdentity"/>
      <field name="sender-mac" anon="AnonIdentity"/>
      <field name="sender-ip" anon="AnonHashHmacSha1" key="$hmac_key"/>
      <field name="target-mac" anon="AnonIdentity"/>
      <field name="target-ip" anon="AnonHashHmacSha1" key="$hmac_key"/>
    </packet>
    <packet protocol="ip">
      <field name="tos" anon="AnonIdentity"/>
      <field name="identification" anon="AnonIdentity"/>
      <field name="flags" anon="AnonIdentity"/>
      <field name="fragment" anon="AnonIdentity"/>
      <field name="ttl" anon="AnonIdentity"/>
      <field name="protocol" anon="AnonIdentity"/>
      <field name="src-ip" anon="AnonHashHmacSha1" key="$hmac_key"/>
      <field name="dest-ip" anon="AnonHashHmacSha1" key="$hmac_key"/>
      <field name="options" anon="AnonIdentity"/>
    </packet>
    <packet protocol="ipv6">
      <field name="traffic-class" anon="AnonIdentity"/>
      <field name="flow-label" anon="AnonIdentity"/>
      <field name="hop-limit" anon="AnonIdentity"/>
      <field name="src-ip" anon="AnonHashHmacSha1" key="$hmac_key"/>
      <field name="dest-ip" anon="AnonHashHmacSha1" key="$hmac_key"/>
      <field name="next-header" anon="AnonIdentity"/>
    </packet>
    <packet protocol="tcp">
      <field name="source-port" anon="AnonIdentity"/>
      <field name="dest-port" anon="AnonIdentity"/>
      <field name="seq" anon="AnonIdentity"/>
      <field name="ack" anon="AnonIdentity"/>
      <field name="flags" anon="AnonIdentity"/>
      <field name="window-size" anon="AnonIdentity"/>
      <field name="urgent-pointer" anon="AnonIdentity"/>
      <field name="options" anon="AnonIdentity"/>
    </packet>
    <packet protocol="udp">
      <field name="source-port" anon="AnonIdentity"/>
      <field name="dest-port" anon="AnonIdentity"/>
    </packet>
    <packet protocol="icmp">
      <field name="type" anon="AnonIdentity"/>
      <field name="code" anon="AnonIdentity"/>
      <field name="rest" anon="AnonIdentity"/>
    </packet>
    <packet protocol="icmpv6">
      <field name="type" anon="AnonIdentity"/>
      <field name="code" anon="AnonIdentity"/>
      <field name="rest" anon="AnonIdentity"/>
      <field name="target-address" anon="AnonHashHmacSha1" key="$hmac_key"/>
    </packet>
    <packet protocol="payload">
      <field name="payload" anon="AnonIdentity"/>
    </packet>
  </anonymizations>
</pktanon-config>
EOF
}

# ---------------------------------------------------------------------------- runs
# measure NAME COMMAND...: runs COMMAND, keeps its stdout/stderr in $WORK/NAME.log and its
# "user sys wall" seconds in $WORK/NAME.time.
measure()
{
    local name="$1"
    shift
    local TIMEFORMAT='%U %S %R'
    { time "$@" > "$WORK/$name.log" 2>&1; } 2> "$WORK/$name.time" || { cat "$WORK/$name.log" >&2; die "$name failed"; }
}

sluice_java()
{
    local java flags classpath
    java="$(sed -n 's/^JAVA=//p' "$WORK/java" 2>/dev/null)"
    flags="$(cat "$ROOT/cli/target/launcher/jvm-flags")"
    classpath="$(ls "$ROOT"/cli/target/sluice-cli-*.jar | head -1):$(cat "$ROOT/cli/target/launcher/classpath")"
    # shellcheck disable=SC2086 # the flags file holds several flags
    "$java" $flags -cp "$classpath" dev.sluice.cli.SluiceCommand "$@"
}

find_java()
{
    local candidate
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
        if [[ -n "$candidate" && -x "$candidate/bin/java" ]] &&
            "$candidate/bin/java" -version 2>&1 | grep -q 'version "2[5-9]'; then
            echo "JAVA=$candidate/bin/java" > "$WORK/java"
            return
        fi
    done
    die "no JDK 25 found (JAVA_HOME or /usr/lib/jvm)"
}

check_output()
{
    local name="$1" output="$2" key="${3:-}"
    : > "$WORK/$name.check"
    if [[ "$output" != "$WORK/workload.pcap" ]]; then
        # shellcheck disable=SC2086 # no key: no argument
        perf_main dev.sluice.perf.anonymize.CaptureAnonymizationCheck "$WORK/workload.pcap" "$output" $key \
            > "$WORK/$name.check" 2>&1 || { cat "$WORK/$name.check" >&2; die "check of $name failed"; }
    fi
    tshark -n -r "$output" -c "$CHECK_SAMPLE" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
        -o udp.check_checksum:TRUE -T fields -e ip.checksum.status -e tcp.checksum.status -e udp.checksum.status \
        2> "$WORK/$name.tshark.err" | tr '\t,' '\n\n' | awk '
        $1 == "1" { good++ } $1 == "0" { bad++ } END { printf "checksums_good %d\nchecksums_bad %d\n", good, bad }' \
        >> "$WORK/$name.check"
}

row()
{
    local name="$1" packets="$2"
    read -r user sys wall < "$WORK/$name.time"
    awk -v n="$name" -v p="$packets" -v u="$user" -v s="$sys" -v w="$wall" 'BEGIN {
        cpu = u + s; printf "%-28s %9d %8.2f %8.2f %14.0f %14.0f\n", n, p, cpu, w, p / cpu, p / w }'
}

per_cpu()
{
    read -r user sys _ < "$WORK/$1.time"
    awk -v p="$2" -v u="$user" -v s="$sys" 'BEGIN { printf "%.0f", p / (u + s) }'
}

field() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

# ---------------------------------------------------------------------------- main
ensure_packages
find_java
build
generate_workload
make_keys

IN="$WORK/workload.pcap"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "workload: $IN, $PACKETS packets, $FLOW_PACKETS per flow, $(stat -c %s "$IN") bytes"
echo "pktanon $(dpkg-query -W -f='${Version}' pktanon), tcprewrite $(dpkg-query -W -f='${Version}' tcpreplay), tshark $(dpkg-query -W -f='${Version}' tshark)"

# Read the input once so every tool starts from the page cache.
cat "$IN" > /dev/null
measure pktanon pktanon -c "$WORK/pktanon-hmac.xml" "$IN" "$WORK/pktanon.pcap"
measure tcprewrite tcprewrite "--seed=$SEED" "--infile=$IN" "--outfile=$WORK/tcprewrite.pcap"
measure sluice sluice_java anonymize-capture --key-file "$WORK/cryptopan.key" "$IN" "$WORK/sluice.pcap"
echo "load average after the timed runs: $(cut -d' ' -f1-3 /proc/loadavg)"

perf_main dev.sluice.perf.anonymize.CaptureAnonymizeThroughput "$IN" "$WORK/cryptopan.key" "$WARM_PASSES" \
    > "$WORK/sluice-warm.log" 2>&1 || { cat "$WORK/sluice-warm.log" >&2; die "CaptureAnonymizeThroughput failed"; }

echo
printf "%-28s %9s %8s %8s %14s %14s\n" tool packets cpu_s wall_s packets/cpu_s packets/wall_s
row pktanon "$PACKETS"
row tcprewrite "$PACKETS"
row sluice "$PACKETS"
sluice_cpu_rate="$(per_cpu sluice "$PACKETS")"
in_process="$(field "$WORK/sluice.log" packets_per_second)"
warm="$(awk '/^pass/ { v = $(NF - 3) } END { print v }' "$WORK/sluice-warm.log")"
echo
echo "sluice in-process, same run: anonymize_seconds $(field "$WORK/sluice.log" anonymize_seconds) of" \
    "$(field "$WORK/sluice.log" seconds) s in the command (one cold pass): $in_process packets/s"
echo "sluice warm (CaptureAnonymizeThroughput, capture in memory, last of $WARM_PASSES passes):" \
    "$warm packets per CPU-second of the anonymizing thread"
sed 's/^/    /' "$WORK/sluice-warm.log"
for peer in pktanon tcprewrite; do
    peer_rate="$(per_cpu "$peer" "$PACKETS")"
    awk -v p="$peer" -v s="$sluice_cpu_rate" -v i="$in_process" -v w="$warm" -v r="$peer_rate" 'BEGIN {
        printf "ratio sluice/%s: %.2fx whole process per CPU-second, %.2fx in-process (cold pass, wall), %.2fx warm (thread CPU)\n",
            p, s / r, i / r, w / r }'
done

echo
echo "sluice summary:"
sed 's/^/    /' "$WORK/sluice.log"

echo
echo "checks (every packet decoded by Sluice's decoder; checksums by tshark on the first $CHECK_SAMPLE packets):"
check_output input "$IN"
check_output pktanon "$WORK/pktanon.pcap"
check_output tcprewrite "$WORK/tcprewrite.pcap"
check_output sluice "$WORK/sluice.pcap" "$WORK/cryptopan.key"
for name in pktanon tcprewrite sluice; do
    echo "  $name: $(tr '\n' ' ' < "$WORK/$name.check")"
done
echo "  input checksums: $(grep checksums "$WORK/input.check" | tr '\n' ' ')"
