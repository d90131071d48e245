#!/usr/bin/env bash
# Runs every qtls benchmark (qtls interleaved with OpenSSL and GnuTLS in one
# process per binary, several repetitions, medians) and writes
# bench/results.json plus bench/results.md, printing the markdown table.
#
#   bench/run_bench.sh [--quick] [--build-dir DIR]
#
# --quick: 3 repetitions of 0.05 CPU-seconds each (a few minutes at most on
# a 2-core machine); default: 5 repetitions of 0.5 CPU-seconds.
# The binaries must already be built (./run bench does both).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

BUILD_DIR=build-bench
REPS=5
MIN_TIME=0.5
MODE=full
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) REPS=3; MIN_TIME=0.05; MODE=quick ;;
    --build-dir) BUILD_DIR=$2; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_bench.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

OUT_DIR=$(mktemp -d)
trap 'rm -rf "$OUT_DIR"' EXIT

for name in handshake quic bulk memory primitives; do
  bin="$BUILD_DIR/bench/qtls_bench_$name"
  [ -x "$bin" ] || { echo "run_bench.sh: $bin not built (try ./run bench)" >&2; exit 1; }
  printf '==> %s (%s reps x %ss, random interleaving)\n' "$name" "$REPS" "$MIN_TIME" >&2
  "$bin" --benchmark_repetitions="$REPS" --benchmark_min_time="$MIN_TIME" \
    --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
    --benchmark_out="$OUT_DIR/$name.json" --benchmark_out_format=json >"$OUT_DIR/$name.txt" 2>&1 ||
    { cat "$OUT_DIR/$name.txt" >&2; exit 1; }
done

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
header="## qtls benchmarks ($MODE run, $(date -u '+%Y-%m-%d %H:%M UTC'))

$cpu, $(nproc) cores; load average before/after: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine:
compare only figures of one run). Medians of $REPS repetitions, qtls and baselines interleaved in one
process per binary; rates per CPU-second, client and server in one thread, in memory. MB = 10^6 bytes.
OpenSSL $(openssl version | cut -d' ' -f2), GnuTLS $(pkg-config --modversion gnutls), ngtcp2 $(pkg-config --modversion libngtcp2)."

python3 bench/summarize.py --json-out bench/results.json --md-out bench/results.md --header "$header" \
  "$OUT_DIR"/handshake.json "$OUT_DIR"/quic.json "$OUT_DIR"/bulk.json "$OUT_DIR"/memory.json "$OUT_DIR"/primitives.json
