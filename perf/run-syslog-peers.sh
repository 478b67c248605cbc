#!/usr/bin/env bash
# Issue 6 peer benchmark: the same RFC 5424 workload through Debian's rsyslog and syslog-ng,
# side by side, reported as events per CPU-second of each peer's process.
#   sudo perf/run-syslog-peers.sh                  # 1,000,000 lines
#   sudo LINES=200000 perf/run-syslog-peers.sh
# Environment: LINES (default 1000000), SEED (default 42), RSYSLOG_PORT (15514),
# SYSLOGNG_PORT (15515), SLUICE_PORT (15516), SLUICE_AERON_PORT (15521, UDP), SLUICE_WARMUP_PASSES
# (10: unmeasured passes of the workload through Sluice first, until the JIT is done), WAIT_SECONDS (max wait for a peer's output, default 600).
#
# Workload per peer: TCP input on 127.0.0.1 with octet-counting framing (RFC 6587), filter
# severity <= 4 (warning or more severe), IPv4 truncation to /24 in the MSG part, output to a
# file. Why TCP and not a file input: rsyslog's imfile does not run the syslog parser (every line
# would be one MSG with the input's configured severity, so the severity filter could not work),
# and TCP with octet counting is the input both peers parse RFC 5424 from at their best (large
# reads, no per-message system call). The same framed file is sent to both peers.
#
# Anonymization: neither peer has prefix-preserving IPv4 anonymization, so both truncate: rsyslog
# mmanon ipv4.mode="zero" ipv4.bits="8", syslog-ng a global subst() on MESSAGE. mmanon only works
# on the MSG part, so both peers leave the structured-data address alone (same work for both).
#
# Packages: rsyslog is installed with apt (services are not started: a policy-rc.d that exits 101
# is put in place for the install if none exists). syslog-ng conflicts with rsyslog, so
# syslog-ng-core is fetched with apt-get download and unpacked with dpkg -x into
# perf/target/peers/syslog-ng, together with every library package it depends on that is not
# installed here; it runs from there with LD_LIBRARY_PATH and --module-path.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/perf/target/peers"
LINES="${LINES:-1000000}"
SEED="${SEED:-42}"
RSYSLOG_PORT="${RSYSLOG_PORT:-15514}"
SYSLOGNG_PORT="${SYSLOGNG_PORT:-15515}"
SLUICE_PORT="${SLUICE_PORT:-15516}"
SLUICE_AERON_PORT="${SLUICE_AERON_PORT:-15521}"
SLUICE_WARMUP_PASSES="${SLUICE_WARMUP_PASSES:-10}"
SLUICE_CORE_CPU=""
WAIT_SECONDS="${WAIT_SECONDS:-600}"
SNG="$WORK/syslog-ng"
export LC_ALL=C

die() { echo "run-syslog-peers: $*" >&2; exit 1; }
[[ "$(id -u)" -eq 0 ]] || die "needs root: installs rsyslog with apt-get"
command -v ss >/dev/null || die "needs ss: apt-get install iproute2"
mkdir -p "$WORK"

PIDS=()
cleanup()
{
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

# ---------------------------------------------------------------------------- peers
ensure_rsyslog()
{
    if command -v rsyslogd >/dev/null; then
        return
    fi
    local made_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        made_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q rsyslog >/dev/null || die "apt-get install rsyslog failed"
    [[ "$made_policy" -eq 1 ]] && rm -f /usr/sbin/policy-rc.d
    # In case an init system started it anyway: it must not keep /dev/log or port 514.
    if command -v systemctl >/dev/null && systemctl is-active --quiet rsyslog 2>/dev/null; then
        systemctl stop rsyslog || true
    fi
    command -v rsyslogd >/dev/null || die "rsyslogd still missing after apt-get install rsyslog"
}

sng_ldd_missing()
{
    local f
    for f in "$SNG/usr/sbin/syslog-ng" "$SNG"/usr/lib/syslog-ng/3.*/*.so; do
        LD_LIBRARY_PATH="$SNG/usr/lib/syslog-ng:$SNG/usr/lib/x86_64-linux-gnu:$SNG/lib/x86_64-linux-gnu" \
            ldd "$f" 2>/dev/null | awk '/not found/ { print $1 }'
    done | sort -u
}

ensure_syslog_ng()
{
    if [[ -x "$SNG/usr/sbin/syslog-ng" && -z "$(sng_ldd_missing)" ]]; then
        return
    fi
    local dl="$WORK/debs" pkg
    mkdir -p "$dl" "$SNG"
    # Only the core: its modules for syslog(), file(), filters, rewrite and subst() are in it.
    local wanted=(syslog-ng-core)
    # Generic: every library dependency of syslog-ng-core that is not installed on this machine.
    for pkg in $(apt-cache depends syslog-ng-core | awk '/^  Depends: lib/ { print $2 }' | sort -u); do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || wanted+=("$pkg")
    done
    echo "syslog-ng: downloading ${wanted[*]}"
    (cd "$dl" && apt-get download "${wanted[@]}" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) \
        || die "apt-get download ${wanted[*]} failed (try apt-get update)"
    for pkg in "${wanted[@]}"; do
        dpkg -x "$(ls -t "$dl/${pkg}"_*.deb | head -1)" "$SNG"
    done
    local missing
    missing="$(sng_ldd_missing)"
    [[ -z "$missing" ]] || die "syslog-ng still misses libraries after unpacking: $missing"
}

syslog_ng()
{
    LD_LIBRARY_PATH="$SNG/usr/lib/syslog-ng:$SNG/usr/lib/x86_64-linux-gnu:$SNG/lib/x86_64-linux-gnu" \
        "$SNG/usr/sbin/syslog-ng" --module-path="$(echo "$SNG"/usr/lib/syslog-ng/3.*)" "$@"
}

# ---------------------------------------------------------------------------- workload
# RFC 5424 lines, ~180 bytes, facility local0, severities weighted (0-7), each MSG with one or
# two IPv4 addresses and one in structured data. Writes workload.log (one line each),
# workload.framed (octet-counting framing) and workload.expected (lines severity <= 4).
generate_workload()
{
    local stamp="$WORK/workload.params"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$LINES $SEED" && -f "$WORK/workload.framed" ]]; then
        return
    fi
    awk -v n="$LINES" -v seed="$SEED" -v logf="$WORK/workload.log" -v framed="$WORK/workload.framed" \
        -v expf="$WORK/workload.expected" '
    function ip() { return int(rand() * 223 + 1) "." int(rand() * 256) "." int(rand() * 256) "." int(rand() * 255 + 1) }
    BEGIN {
        srand(seed)
        # cumulative weights for severities 0..7 (emerg..debug): informational/notice dominate
        split("0.01 0.03 0.08 0.20 0.40 0.60 0.90 1.00", cum, " ")
        split("accepted denied reset timeout closed", verdict, " ")
        split("alice bob carol dave erin frank", user, " ")
        kept = 0
        for (i = 0; i < n; i++) {
            r = rand(); sev = 7
            for (s = 1; s <= 8; s++) { if (r < cum[s]) { sev = s - 1; break } }
            if (sev <= 4) kept++
            pri = 16 * 8 + sev
            sec = i % 60; min = int(i / 60) % 60; ms = i % 1000
            ts = sprintf("2026-11-27T07:%02d:%02d.%03dZ", min, sec, ms)
            msg = "conn " int(rand() * 1000000) " from " ip() ":" int(rand() * 64512 + 1024)
            if (rand() < 0.5) msg = msg " to " ip() ":443"
            msg = msg " " verdict[int(rand() * 5) + 1] " by rule-" int(rand() * 100) " user=" user[int(rand() * 6) + 1]
            line = "<" pri ">1 " ts " gw-" int(rand() * 16) " sluiced " (1000 + int(rand() * 9000)) " NET" sev \
                " [origin ip=\"" ip() "\"][meta seq=\"" i "\"] " msg
            print line > logf
            printf "%d %s", length(line), line > framed
        }
        print kept > expf
    }'
    echo "$LINES $SEED" > "$stamp"
}

# ---------------------------------------------------------------------------- measuring
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
# Per thread name (spaces made underscores): user + system ticks.
thread_ticks()
{
    local t
    for t in /proc/"$1"/task/*; do
        printf '%s %s\n' "$(tr ' ' '_' < "$t/comm")" "$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "$t/stat")"
    done | awk '{ ticks[$1] += $2 } END { for (n in ticks) print ticks[n], n }'
}
now() { date +%s.%N; }

wait_port()
{
    local port="$1" pid="$2" i
    for i in $(seq 1 200); do
        ss -ltnH "sport = :$port" | grep -q . && return
        kill -0 "$pid" 2>/dev/null || die "peer pid $pid exited before listening on $port (see $WORK/*.stderr)"
        sleep 0.05
    done
    die "nothing listens on 127.0.0.1:$port after 10 s"
}

wait_lines()
{
    local file="$1" expected="$2" pid="$3" deadline=$(( $(date +%s) + WAIT_SECONDS )) have=0
    while :; do
        have=0
        [[ -f "$file" ]] && have="$(wc -l < "$file")"
        [[ "$have" -ge "$expected" ]] && break
        kill -0 "$pid" 2>/dev/null || die "peer pid $pid exited with $have of $expected lines written"
        [[ "$(date +%s)" -lt "$deadline" ]] || die "$file has $have of $expected lines after $WAIT_SECONDS s"
        sleep 0.02
    done
    [[ "$have" -eq "$expected" ]] || die "$file has $have lines, expected exactly $expected"
}

RESULT_ROWS=()

# Sends the framed workload to the peer's port, waits for the output, records a result row.
measure()
{
    local name="$1" pid="$2" port="$3" out="$4" verify="${5:-verify_output}" passes="${6:-1}" expected hz t0 t1 c0 c1
    # passes > 1: the output already holds passes - 1 runs of the workload (a warm-up).
    expected="$(( $(cat "$WORK/workload.expected") * passes ))"
    hz="$(getconf CLK_TCK)"
    wait_port "$port" "$pid"
    c0="$(cpu_ticks "$pid")"
    t0="$(now)"
    cat "$WORK/workload.framed" > "/dev/tcp/127.0.0.1/$port"
    wait_lines "$out" "$expected" "$pid"
    t1="$(now)"
    c1="$(cpu_ticks "$pid")"
    [[ -z "${AFTER_MEASURE:-}" ]] || "$AFTER_MEASURE"
    sleep 0.5
    [[ "$(wc -l < "$out")" -eq "$expected" ]] || die "$name: $out grew past $expected lines"
    "$verify" "$name" "$out" "$expected"
    RESULT_ROWS+=("$(awk -v n="$name" -v ev="$LINES" -v c="$((c1 - c0))" -v hz="$hz" -v t0="$t0" -v t1="$t1" 'BEGIN {
        cpu = c / hz; wall = t1 - t0
        printf "%-10s %10d %9.2f %14.0f %8.2f %14.0f", n, ev, cpu, (cpu > 0 ? ev / cpu : 0), wall, ev / wall }')")
}

verify_output()
{
    local name="$1" out="$2" expected="$3" bad
    # The MSG part starts after the structured data ("] "); any dotted quad there must end in .0
    bad="$(sed -e 's/^.*\] //' "$out" | grep -cE '(^|[^0-9.])[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[1-9][0-9]{0,2}([^0-9.]|$)' || true)"
    [[ "$bad" -eq 0 ]] || die "$name: $bad output lines carry an IPv4 address with a non-zero last octet in MSG"
    local sev_bad
    sev_bad="$(awk -F'[<>]' '{ if ($2 % 8 > 4) n++ } END { print n + 0 }' "$out")"
    [[ "$sev_bad" -eq 0 ]] || die "$name: $sev_bad output lines have severity > 4"
    echo "$name: $expected lines (expected $expected), none with a non-zero last octet in MSG; sample:"
    awk 'NR <= 3' "$out" | sed 's/^/    /'
}

# ---------------------------------------------------------------------------- peers' runs
run_rsyslog()
{
    local dir="$WORK/rsyslog" out
    rm -rf "$dir" && mkdir -p "$dir/spool"
    out="$dir/out.log"
    cat > "$dir/rsyslog.conf" <<EOF
global(workDirectory="$dir/spool" maxMessageSize="8k")
module(load="imptcp")
module(load="mmanon")
template(name="ietf" type="string"
         string="<%PRI%>1 %TIMESTAMP:::date-rfc3339% %HOSTNAME% %APP-NAME% %PROCID% %MSGID% %STRUCTURED-DATA% %msg%\n")
ruleset(name="bench") {
    if \$syslogseverity <= 4 then {
        action(type="mmanon" ipv4.mode="zero" ipv4.bits="8")
        action(type="omfile" file="$out" template="ietf")
    }
}
input(type="imptcp" address="127.0.0.1" port="$RSYSLOG_PORT" ruleset="bench")
EOF
    rsyslogd -N1 -f "$dir/rsyslog.conf" > "$dir/check.txt" 2>&1 || { cat "$dir/check.txt" >&2; die "rsyslog config check failed"; }
    rsyslogd -n -f "$dir/rsyslog.conf" -i "$dir/rsyslogd.pid" > "$WORK/rsyslog.stderr" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    measure rsyslog "$pid" "$RSYSLOG_PORT" "$out"
    kill "$pid" && wait "$pid" 2>/dev/null || true
}

run_syslog_ng()
{
    local dir="$WORK/syslog-ng-run" out
    rm -rf "$dir" && mkdir -p "$dir"
    out="$dir/out.log"
    cat > "$dir/syslog-ng.conf" <<EOF
@version: 3.38
options { threaded(yes); frac_digits(3); use_dns(no); use_fqdn(no); keep_hostname(yes); chain_hostnames(no); stats_freq(0); };
source s_bench { syslog(ip(127.0.0.1) port($SYSLOGNG_PORT) transport("tcp") flags(syslog-protocol)
    log-fetch-limit(1000) log-iw-size(100000)); };
filter f_sev { level(emerg..warning); };
rewrite r_anon {
    subst("\\\\b([0-9]{1,3}\\\\.[0-9]{1,3}\\\\.[0-9]{1,3})\\\\.[0-9]{1,3}\\\\b", "\${1}.0", value("MESSAGE") flags(global));
};
destination d_out { file("$out" template("<\${PRI}>1 \${ISODATE} \${HOST} \${PROGRAM} \${PID} \${MSGID} \${SDATA} \${MESSAGE}\n") flush-lines(1000)); };
log { source(s_bench); filter(f_sev); rewrite(r_anon); destination(d_out); };
EOF
    local args=(-f "$dir/syslog-ng.conf" -p "$dir/syslog-ng.pid" -c "$dir/syslog-ng.ctl" -R "$dir/syslog-ng.persist" --no-caps)
    syslog_ng --syntax-only "${args[@]}" > "$dir/check.txt" 2>&1 || { cat "$dir/check.txt" >&2; die "syslog-ng config check failed"; }
    # Started directly (not through the syslog_ng function) so that $! is syslog-ng's own pid.
    LD_LIBRARY_PATH="$SNG/usr/lib/syslog-ng:$SNG/usr/lib/x86_64-linux-gnu:$SNG/lib/x86_64-linux-gnu" \
        "$SNG/usr/sbin/syslog-ng" --module-path="$(echo "$SNG"/usr/lib/syslog-ng/3.*)" -F "${args[@]}" \
        > "$WORK/syslog-ng.stderr" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    measure syslog-ng "$pid" "$SYSLOGNG_PORT" "$out"
    kill "$pid" && wait "$pid" 2>/dev/null || true
}

# The Sluice side: a gateway (syslog-tcp listener -> ring -> event worker: parse, filter
# severity <= 4, Crypto-PAn of every IPv4 address in the event -> Aeron UDP) and a regional core
# that writes each event to its NDJSON file, in two processes with their own embedded media
# drivers. The row is the gateway process's CPU (Netty, the event worker, the conductor, its
# media driver sending over UDP); the regional core's CPU (Aeron receive, NDJSON writing) is
# printed on a line of its own. Crypto-PAn is prefix-preserving and keyed where the peers only
# truncate, and Sluice rewrites the structured-data address too: more work for Sluice, not less.
run_sluice()
{
    local dir="$WORK/sluice-run" out
    rm -rf "$dir" && mkdir -p "$dir/state" "$dir/regional"
    "$ROOT/sluice" help > "$dir/build.txt" 2>&1 || { cat "$dir/build.txt" >&2; die "sluice does not build"; }
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/cryptopan.key"
    chmod 600 "$dir/cryptopan.key"
    cat > "$dir/policy.yaml" <<EOF
sluice-policy: 1
name: peers-benchmark
match: first
default: drop
regions: [eu-west]
rules:
  - name: warning-or-worse
    when: syslog.severity <= 4
    then: anonymize syslog.msg with cryptopan
residency:
  - class: pii.ip
    origin: eu-west
    raw: [eu-west]
EOF
    cat > "$dir/gateway.yaml" <<EOF
gateway: {id: gw-bench-1, site: bench, region: eu-west}
ingest:
  ring-bytes: 33554432
  listeners:
    - {name: syslog-tcp, kind: syslog-tcp, bind: 127.0.0.1, port: $SLUICE_PORT}
destinations:
  - region: eu-west
    channel: "aeron:udp?endpoint=127.0.0.1:$SLUICE_AERON_PORT|mtu=8192"
control-plane:
  channel: "aeron:ipc?alias=unused-control"
  push-channel: "aeron:ipc?alias=unused-push"
anonymization: {key-file: cryptopan.key}
policy-file: policy.yaml
state-dir: state
EOF
    out="$dir/regional/eu-west.ndjson"
    "$ROOT/sluice" regional --region eu-west --channel "aeron:udp?endpoint=127.0.0.1:$SLUICE_AERON_PORT|mtu=8192" \
        --output "$dir/regional" > "$WORK/sluice-regional.stderr" 2>&1 &
    local core=$!
    PIDS+=("$core")
    "$ROOT/sluice" gateway --config "$dir/gateway.yaml" > "$WORK/sluice-gateway.stderr" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    local k0 k1
    wait_port "$SLUICE_PORT" "$pid"
    # A JVM compiles its hot code in its first seconds (the peers are C): unmeasured passes of the
    # workload first, so the row is the gateway's steady state, as it runs for months.
    local pass
    for pass in $(seq 1 "$SLUICE_WARMUP_PASSES"); do
        cat "$WORK/workload.framed" > "/dev/tcp/127.0.0.1/$SLUICE_PORT"
        wait_lines "$out" "$(( $(cat "$WORK/workload.expected") * pass ))" "$pid"
    done
    sleep 1
    k0="$(cpu_ticks "$core")"
    thread_ticks "$pid" > "$dir/threads.before"
    # Right after the CPU reading, before the (long) output check: both processes idle from then on.
    sluice_after_measure() { thread_ticks "$pid" > "$dir/threads.after"; k1="$(cpu_ticks "$core")"; }
    AFTER_MEASURE=sluice_after_measure measure sluice "$pid" "$SLUICE_PORT" "$out" sluice_verify \
        "$(( SLUICE_WARMUP_PASSES + 1 ))"
    echo "sluice gateway threads, CPU seconds during the measured pass:"
    join -1 2 -2 2 <(sort -k2 "$dir/threads.before") <(sort -k2 "$dir/threads.after") \
        | awk -v hz="$(getconf CLK_TCK)" '{ d = ($3 - $2) / hz; if (d > 0) printf "    %-18s %6.2f\n", $1, d }' | sort -k2 -rn
    SLUICE_CORE_CPU="$(awk -v c="$((k1 - k0))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", c / hz }')"
    kill "$pid" && wait "$pid" 2>/dev/null || true
    kill "$core" && wait "$core" 2>/dev/null || true
    sed -n '/sluice gateway events/,$p' "$WORK/sluice-gateway.stderr" | sed 's/^/    /'
}

# The regional core's NDJSON: one object per event with its text under "body". Checks the
# severities, that nothing but the addresses changed, that each address always became the same
# image, that an address left as it was is a Crypto-PAn fixed point, and 2,000 images against the
# reference algorithm (python3-cryptography computes AES).
sluice_verify()
{
    local name="$1" out="$2" expected="$3"
    python3 - "$WORK/workload.log" "$out" "$expected" "$WORK/sluice-run/cryptopan.key" <<'PYEOF' || die "$name: output check failed"
import json, random, re, sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
source, out, expected, key_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
address = re.compile(r'(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9.])')

# Crypto-PAn (Xu et al.) of an IPv4 address, bit by bit: the reference algorithm, slow but plain.
key = bytes.fromhex(open(key_file).read().strip())
aes = Cipher(algorithms.AES(key[:16]), modes.ECB()).encryptor()
pad = int.from_bytes(aes.update(key[16:]), "big")
def cryptopan(dotted):
    a = int.from_bytes(bytes(int(x) for x in dotted.split(".")), "big")
    image = 0
    for i in range(32):
        keep = ((1 << i) - 1) << (128 - i)
        block = ((a << 96) & keep) | (pad & ~keep & ((1 << 128) - 1))
        first_bit = aes.update(block.to_bytes(16, "big"))[0] >> 7
        image = (image << 1) | (((a >> (31 - i)) & 1) ^ first_bit)
    return ".".join(str(b) for b in image.to_bytes(4, "big"))

by_seq = {}
with open(source) as f:
    for line in f:
        by_seq[re.search(r'seq="([0-9]+)"', line).group(1)] = line.rstrip("\n")
count = 0
images = {}
with open(out) as f:
    for line in f:
        body = json.loads(line)["body"]
        count += 1
        if int(body[1:body.index(">")]) % 8 > 4:
            sys.exit("severity > 4 kept: " + body)
        original = by_seq[re.search(r'seq="([0-9]+)"', body).group(1)]
        if address.sub("A", original) != address.sub("A", body):
            sys.exit("more than the addresses changed:\n  %s\n  %s" % (original, body))
        for before, after in zip(address.findall(original), address.findall(body)):
            if images.setdefault(before, after) != after:
                sys.exit("%s became both %s and %s" % (before, images[before], after))
if count != expected:
    sys.exit("%d events, expected %d" % (count, expected))
# Every address left as it was must be one of Crypto-PAn's fixed points (about 1 in 15,000), and
# a random sample of the others must be exactly the reference algorithm's image under the key.
unchanged = [a for a, b in images.items() if a == b]
for a in unchanged:
    if cryptopan(a) != a:
        sys.exit("address left as it was: " + a)
sample = random.Random(1).sample(sorted(images), min(2000, len(images)))
for a in sample:
    if cryptopan(a) != images[a]:
        sys.exit("%s became %s, Crypto-PAn says %s" % (a, images[a], cryptopan(a)))
print("sluice: %d events, %d distinct addresses each rewritten to one image (%d Crypto-PAn fixed points), "
      "%d checked against the reference algorithm, nothing else changed; sample:" % (count, len(images), len(unchanged), len(sample)))
PYEOF
    awk 'NR <= 3' "$out" | sed 's/^/    /'
}

# ---------------------------------------------------------------------------- main
for port in "$RSYSLOG_PORT" "$SYSLOGNG_PORT" "$SLUICE_PORT"; do
    ! ss -ltnH "sport = :$port" | grep -q . || die "port $port is in use (set RSYSLOG_PORT / SYSLOGNG_PORT)"
done
ensure_rsyslog
ensure_syslog_ng
generate_workload
echo "workload: $LINES lines ($(wc -c < "$WORK/workload.log") bytes), $(cat "$WORK/workload.expected") with severity <= 4, seed $SEED"
run_rsyslog
run_syslog_ng
# Both peers must have kept and rewritten the same messages: compare them without the timestamp
# (the two format it differently), sorted (rsyslog may reorder a little across its batches).
if cmp -s <(cut -d' ' -f1,3- "$WORK/rsyslog/out.log" | sort) <(cut -d' ' -f1,3- "$WORK/syslog-ng-run/out.log" | sort); then
    echo "cross-check: rsyslog and syslog-ng outputs hold the same messages (timestamps aside)"
else
    die "cross-check: rsyslog and syslog-ng outputs differ beyond the timestamp format (see $WORK/*/out.log)"
fi
run_sluice

{
    echo "# $(date -u +%FT%TZ) LINES=$LINES SEED=$SEED kept=$(cat "$WORK/workload.expected") $(nproc) CPUs"
    printf '%-10s %10s %9s %14s %8s %14s\n' peer events cpu_s events/cpu_s wall_s events/wall_s
    printf '%s\n' "${RESULT_ROWS[@]}"
    echo "sluice regional core: $SLUICE_CORE_CPU cpu_s (Aeron receive + NDJSON writing), not in the sluice row"
    # Ratios of events per CPU-second.
    printf '%s\n' "${RESULT_ROWS[@]}" | awk '{ name[NR] = $1; rate[NR] = $4 }
        END { for (i = 1; i <= NR; i++) for (j = 1; j <= NR; j++) if (i != j && rate[j] > 0)
                  printf "ratio events/cpu_s %s / %s = %.2f\n", name[i], name[j], rate[i] / rate[j] }'
} | tee "$WORK/results.txt"
