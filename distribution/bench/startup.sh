#!/usr/bin/env bash
# Start-up benchmark (not a test). Times, on an empty home:
#  - `bin/loupe methods`: a fresh JVM, what a user waits for; with and without the CDS archive;
#  - LoupeHost start + methods() + close() inside one JVM (HostStartupBenchmark): first and warm runs.
# Uses hyperfine when installed, else a bash loop. Build first (from the repository root):
#   mvn -B install            (or: mvn -B -pl distribution verify)
# Usage: distribution/bench/startup.sh [RUNS]     (default 10)
# The Java part alone, from distribution/:
#   java -cp "target/loupe/lib/*:target/test-classes" dev.loupe.distribution.HostStartupBenchmark [RUNS]
set -euo pipefail
runs="${1:-10}"
cd "$(dirname "$0")/.."
loupe=target/loupe/bin/loupe
if [ ! -x "$loupe" ] || [ ! -f target/test-classes/dev/loupe/distribution/HostStartupBenchmark.class ]; then
  echo "build first: mvn -B -pl distribution verify" >&2
  exit 1
fi
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT

# prints "MEAN MIN" in ms of RUNS runs of the command
measure() {
  if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 1 --runs "$runs" --export-csv "$home/h.csv" -- "$*" >/dev/null
    awk -F, 'NR == 2 { printf "%.0f %.0f\n", $2 * 1000, $7 * 1000 }' "$home/h.csv"
  else
    "$@" >/dev/null
    local i t0 t sum=0 min=
    for ((i = 0; i < runs; i++)); do
      t0=$(date +%s%N); "$@" >/dev/null; t=$((($(date +%s%N) - t0) / 1000000))
      sum=$((sum + t)); if [ -z "$min" ] || [ "$t" -lt "$min" ]; then min=$t; fi
    done
    echo "$((sum / runs)) $min"
  fi
}

"$loupe" --home "$home" methods >/dev/null # makes the CDS archive if there is none yet
read -r cds_mean cds_min < <(measure "$loupe" --home "$home" methods)
read -r plain_mean plain_min < <(measure env LOUPE_CDS=off "$loupe" --home "$home" methods)
java="java"; [ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
host="$("$java" -cp "target/loupe/lib/*:target/test-classes" dev.loupe.distribution.HostStartupBenchmark "$runs")"
first="$(sed -n 's/^first run: \([0-9]*\) ms$/\1/p' <<<"$host")"
read -r warm_mean warm_min < <(sed -n 's/^warm runs: mean \([0-9]*\) ms, min \([0-9]*\) ms.*/\1 \2/p' <<<"$host")

echo "Start-up on $(nproc) cores, $runs runs, $("$java" -version 2>&1 | head -1)"
printf '%-44s %9s %9s\n' "what" "mean ms" "min ms"
printf '%-44s %9s %9s\n' "bin/loupe methods" "$cds_mean" "$cds_min"
printf '%-44s %9s %9s\n' "bin/loupe methods, LOUPE_CDS=off" "$plain_mean" "$plain_min"
printf '%-44s %9s %9s\n' "LoupeHost start+methods+close, first run" "$first" "-"
printf '%-44s %9s %9s\n' "LoupeHost start+methods+close, warm runs" "$warm_mean" "$warm_min"
