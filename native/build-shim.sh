#!/usr/bin/env bash
# Builds native/target/native/libsluice_dpdk.so when DPDK's development files are installed
# (pkg-config libdpdk); otherwise says so and succeeds, leaving the DPDK source disabled.
# Run by the native module's Maven build (exec-maven-plugin, phase compile).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/target/native"
src="$here/src/main/c/sluice_dpdk.c"
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libdpdk; then
    echo "sluice-native: DPDK not found (pkg-config libdpdk): apt-get install libdpdk-dev pkg-config gcc; the DPDK source is disabled."
    exit 0
fi
if ! command -v gcc >/dev/null 2>&1; then
    echo "sluice-native: gcc not found: apt-get install gcc; the DPDK source is disabled."
    exit 0
fi
mkdir -p "$out"
lib="$out/libsluice_dpdk.so"
if [[ -f "$lib" && "$lib" -nt "$src" && "$lib" -nt "$0" ]]; then
    echo "sluice-native: $lib is up to date (DPDK $(pkg-config --modversion libdpdk))"
    exit 0
fi
# shellcheck disable=SC2046 # pkg-config prints several flags
gcc -O2 -g -fPIC -shared -Wall -Wextra -Wno-unused-parameter -fvisibility=hidden \
    $(pkg-config --cflags libdpdk) -o "$lib.tmp" "$src" $(pkg-config --libs libdpdk)
mv "$lib.tmp" "$lib"
echo "sluice-native: built $lib against DPDK $(pkg-config --modversion libdpdk)"
