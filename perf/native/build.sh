#!/usr/bin/env bash
# Builds sluice-trafgen and sluice-rxbench into perf/target/native/ with gcc and
# `pkg-config libdpdk` (Debian: apt-get install libdpdk-dev gcc pkg-config).
#   perf/native/build.sh            build; exit 1 with a message when DPDK or gcc is missing
#   perf/native/build.sh --optional build when possible, otherwise say why and exit 0
#                                   (what the Maven build runs, so a machine without DPDK still builds)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${SLUICE_NATIVE_OUT:-$HERE/../target/native}"
optional=0
[[ "${1:-}" == "--optional" ]] && optional=1

missing() {
    if [[ $optional -eq 1 ]]; then
        echo "perf/native: $* - sluice-trafgen and sluice-rxbench not built (DPDK tests then fail with -Dsluice.dpdk.required=true)" >&2
        exit 0
    fi
    echo "perf/native: $*" >&2
    exit 1
}

command -v gcc >/dev/null || missing "gcc not found; install it: apt-get install gcc"
command -v pkg-config >/dev/null || missing "pkg-config not found; install it: apt-get install pkg-config"
pkg-config --exists libdpdk || missing "DPDK not found by pkg-config; install it: apt-get install libdpdk-dev"

mkdir -p "$OUT"
read -r -a cflags <<<"$(pkg-config --cflags libdpdk)"
read -r -a libs <<<"$(pkg-config --libs libdpdk)"
for program in trafgen rxbench; do
    source="$HERE/sluice_$program.c"
    target="$OUT/sluice-$program"
    if [[ -x "$target" && "$target" -nt "$source" && "$target" -nt "$HERE/sluice_perf_port.h" && "$target" -nt "$HERE/build.sh" ]]; then
        continue
    fi
    gcc -O2 -g -Wall -Wextra -Werror -std=gnu11 "${cflags[@]}" -o "$target.tmp" "$source" "${libs[@]}"
    mv "$target.tmp" "$target"
    echo "perf/native: built $target"
done
