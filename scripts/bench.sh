#!/usr/bin/env bash
# `make bench`: the stamp-code benchmarks, each reported as a ratio to its named baseline on this machine.
#   1. single-core verify rate  vs  `openssl speed ecdsap256` verify/s (one core, same machine)
#   2. all-core speed-up of `stampwatch verify` vs the same run on one core
#   3. peak memory on 100,000 and 1,000,000 lines (flat means the same)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release
hub=.build/debug/stampwatch-hub   # setup only: not measured
N=${BENCH_CODES:-100000}
work=$(mktemp -d "${TMPDIR:-/tmp}/stampwatch-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cores=$(nproc)
at=2026-11-29T12:00:00Z

now_ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

echo "== setup: $N ES256 codes minted with throw-away keys"
"$hub" keys generate --out "$work/keys" --not-before 2025-01-01T00:00:00Z >/dev/null
"$hub" mint --keys "$work/keys" --count "$N" --payload \
  '{"uid":"MZBENCH{n}","product":"06001234500017","facility":"FAC-MPT-01","machine":"M07","manufactured":"2026-06-01T08:00:00Z","shift":"B","market":"MZ-MPM","series":"MZ-2026-A","operator":"EO-MZ-0042"}' \
  > "$work/codes.txt"
echo "   $(wc -l < "$work/codes.txt") codes, $(wc -c < "$work/codes.txt") bytes"

# openssl speed divides by CPU user time (not wall time) unless -elapsed is given, so the single-core rate
# below is divided by CPU time too: both figures then hold even on a machine with other load.
echo "== baseline: openssl speed -seconds 5 ecdsap256, best of 3 (verify/s per CPU second)"
ossl=0
for _ in 1 2 3; do
  v=$(taskset -c 0 openssl speed -seconds 5 ecdsap256 2>/dev/null | awk '/256 bits ecdsa \(nistp256\)/ { print $NF }')
  ossl=$(awk -v a="$v" -v b="$ossl" 'BEGIN { print (a > b) ? a : b }')
done
echo "   openssl verify/s: $ossl"

run_verify() { # jobs cpuset -> seconds
  local t0 t1
  t0=$(now_ns)
  taskset -c "$2" "$bin/stampwatch" verify --keyring "$work/keys/keyring.json" --at "$at" --json --jobs "$1" \
    < "$work/codes.txt" > "$work/out.jsonl" || true
  t1=$(now_ns)
  secs "$t0" "$t1"
}
best() { # runs the function 3 times, keeps the fastest
  local b="" t
  for _ in 1 2 3; do t=$("$@"); if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN{exit !(t<b)}'; then b=$t; fi; done
  echo "$b"
}

cpu_verify() { # CPU seconds (user + sys) of one single-job run
  /usr/bin/time -f "%U %S" taskset -c 0 "$bin/stampwatch" verify --keyring "$work/keys/keyring.json" --at "$at" --json --jobs 1 \
    < "$work/codes.txt" 2>&1 >"$work/out.jsonl" | tail -1 | awk '{ printf "%.3f", $1 + $2 }'
}

echo "== stampwatch verify --json, end to end (process start, keyring, stdin, decode, verify, decrypt, JSON out)"
c1=$(best cpu_verify)
genuine=$(grep -c '"verdict":"genuine"' "$work/out.jsonl" || true)
[ "$genuine" = "$N" ] || { echo "FAIL: only $genuine of $N codes genuine"; exit 1; }
rate1=$(awk -v n="$N" -v t="$c1" 'BEGIN { printf "%.0f", n / t }')
echo "   1 core:   ${c1} CPU s  -> $rate1 codes per CPU second"
t1=$(best run_verify 1 0)
echo "   1 core:   ${t1}s wall"
tn=$(best run_verify "$cores" "0-$((cores - 1))")
raten=$(awk -v n="$N" -v t="$tn" 'BEGIN { printf "%.0f", n / t }')
echo "   $cores cores:  ${tn}s  -> $raten codes/s"

echo "== memory: peak RSS on $N and $((N * 10)) lines"
for _ in $(seq 10); do cat "$work/codes.txt"; done > "$work/codes10.txt"
rss() { /usr/bin/time -f "%M" "$bin/stampwatch" verify --keyring "$work/keys/keyring.json" --at "$at" --json < "$1" 2>&1 >/dev/null | tail -1; }
m1=$(rss "$work/codes.txt"); m10=$(rss "$work/codes10.txt")
echo "   peak RSS: ${m1} KiB on $N lines, ${m10} KiB on $((N * 10)) lines"

ratio=$(awk -v a="$rate1" -v b="$ossl" 'BEGIN { printf "%.2f", a / b }')
speedup=$(awk -v a="$t1" -v b="$tn" 'BEGIN { printf "%.2f", a / b }')
target=$(awk -v c="$cores" 'BEGIN { printf "%.2f", 0.9 * c }')
memratio=$(awk -v a="$m10" -v b="$m1" 'BEGIN { printf "%.2f", a / b }')
cat <<EOF2

== results (stamp codes, $N codes, $cores cores)
single-core verify rate / openssl speed ecdsap256 verify/s : $rate1 / $ossl = $ratio   (target >= 0.85)
all-core speed-up ($cores jobs vs 1 job)                      : $speedup   (target >= $target = 0.9 x $cores)
peak memory, 10x the lines / 1x                             : $memratio   (flat = 1.0)
EOF2
