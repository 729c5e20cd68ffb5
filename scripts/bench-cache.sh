#!/usr/bin/env bash
# `make bench`, signed-cache part: figures as ratios to their baselines on this machine.
#   1. `stampwatch cache verify` throughput  vs  `openssl speed -evp sha256` at 16 KiB blocks
#   2. bytes a refresh downloads after a 1% change  vs  the full snapshot
#   3. time to apply a delta touching about 100,000 rows
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release
hub=.build/debug/stampwatch-hub   # setup only: not measured
PACKS=${BENCH_PACKS:-200000}
work=$(mktemp -d "${TMPDIR:-/tmp}/stampwatch-bench-cache.XXXXXX")
trap 'rm -rf "$work"' EXIT
now_ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
export STAMPWATCH_STORE="$work/device/field.sqlite" XDG_DATA_HOME="$work/device"

echo "== setup: synthetic caches of $PACKS packs, v2 changes 1% of them"
"$bin/fieldstore-crash-helper" delta-bench "$work/d1" "$PACKS" $((PACKS / 100)) | sed 's/^/   /'
"$hub" publish --repo "$work/repo" --keys "$work/tufkeys" --init \
  --target "cache/MZ/snapshot.sqlite=$work/d1/v1.sqlite" > /dev/null
"$bin/stampwatch" cache update --from "$work/repo" --root "$work/repo/metadata/1.root.json" 2>/dev/null | sed 's/^/   /'

echo "== refresh after a 1% change (delta + the metadata a refresh fetches)"
"$hub" publish --repo "$work/repo" --keys "$work/tufkeys" \
  --target "cache/MZ/snapshot.sqlite=$work/d1/v2.sqlite" --target "cache/MZ/delta-from-1.sqlite=$work/d1/delta.sqlite" > /dev/null
"$bin/stampwatch" cache update --from "$work/repo" 2>/dev/null | sed 's/^/   /'
ts=$(stat -c %s "$work/repo/metadata/timestamp.json")
sv=$(ls "$work/repo/metadata" | grep -E '^[0-9]+\.snapshot\.json$' | sort -n | tail -1)
tv=$(ls "$work/repo/metadata" | grep -E '^[0-9]+\.targets\.json$' | sort -n | tail -1)
meta=$(( ts + $(stat -c %s "$work/repo/metadata/$sv") + $(stat -c %s "$work/repo/metadata/$tv") ))
delta=$(stat -c %s "$work/d1/delta.sqlite"); full=$(stat -c %s "$work/d1/v2.sqlite")
refresh_ratio=$(awk -v d="$delta" -v m="$meta" -v f="$full" 'BEGIN { printf "%.4f", (d + m) / f }')
echo "   delta $delta B + metadata $meta B, full snapshot $full B"

echo "== cache verify: the kept signed files re-hashed, then the database (quick_check + per-table digests)"
"$bin/stampwatch" cache verify | tee "$work/verify.txt" | sed 's/^/   /'
vrate=$(awk '/^signed files:/ { printf "%.1f", $3 / $(NF-1) / 1e6 }' "$work/verify.txt")
dbrate=$(awk '/^database:/ { printf "%.1f", $2 / $(NF-1) / 1e6 }' "$work/verify.txt")
total_s=$(awk '/^signed files:/ { f = $3; ft = $(NF-1) } /^database:/ { d = $2; dt = $(NF-1) } END { printf "%.1f", (f + d) / (ft + dt) / 1e6 }' "$work/verify.txt")
echo "   signed files $vrate MB/s, database $dbrate MB/s, both together $total_s MB/s"
sha=$(openssl speed -seconds 3 -evp sha256 2>/dev/null | awk '/^sha256/ { v = $NF; sub(/k$/, "", v); printf "%.1f", v * 1000 / 1e6 }')
echo "   openssl speed -evp sha256, 16 KiB blocks: $sha MB/s"

echo "== delta touching ~100,000 rows"
"$bin/fieldstore-crash-helper" delta-bench "$work/d2" "$PACKS" 83000 | sed 's/^/   /' | tee "$work/d2.txt"

cat <<EOF2

== results (signed cache, $PACKS packs)
cache verify, signed files / openssl sha256 (16 KiB): $vrate / $sha MB/s = $(awk -v a="$vrate" -v b="$sha" 'BEGIN { printf "%.3f", a / b }')   (target >= 0.8)
cache verify, database / openssl sha256 (16 KiB)    : $dbrate / $sha MB/s = $(awk -v a="$dbrate" -v b="$sha" 'BEGIN { printf "%.3f", a / b }')
cache verify, whole command / openssl sha256        : $total_s / $sha MB/s = $(awk -v a="$total_s" -v b="$sha" 'BEGIN { printf "%.3f", a / b }')
refresh bytes after a 1% change / full snapshot     : $refresh_ratio   (target <= 0.05)
delta apply, ~100,000 rows                          : $(grep -o 'apply [0-9.]* s' "$work/d2.txt" | head -1)
EOF2
