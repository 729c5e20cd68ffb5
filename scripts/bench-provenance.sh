#!/usr/bin/env bash
# Provenance at national scale (issue #4 §4), part of `make bench`:
#   - the national demo world through the real path (EPCIS documents and master data captured into a hub
#     database, the cache assembled by CacheAssembly), at 100,000, 1 million and 10 million pack UIDs;
#   - hub capture throughput (events/s) through `stampwatch-hub capture`, the same rules as POST /epcis/capture;
#   - provenance lookup latency p50/p99 over 100,000 random UIDs (pack row + aggregation chain + events of the
#     pack and its containers: FieldStore.pack / aggregationChain / events), at each size, to show the growth;
#   - snapshot and field-store bytes per million packs;
#   - the time to build (cache build from the hub) and publish (TUF) the national cache.
# Worlds are kept in .build/bench-provenance/ and reused by later runs (delete the folder to regenerate).
# BENCH_PROVENANCE_SIZES="100000 1000000" limits the sizes (the 10-million world takes a long time on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
$SWIFT build -c release --product stampwatch-hub >/dev/null
$SWIFT build -c release --product provenance-bench >/dev/null
bin=$(pwd)/.build/release
work=.build/bench-provenance
mkdir -p "$work"
sizes=${BENCH_PROVENANCE_SIZES:-"100000 1000000 10000000"}
seed=7
echo "== provenance (figures from this machine; worlds cached in $work) =="
for n in $sizes; do
  world="$work/world-$n"
  if [ ! -f "$world/world.json" ]; then
    echo "generating the national world with $n packs (real path: capture into a hub, assemble the cache)..."
    /usr/bin/time -f "  peak memory %M KiB" "$bin/stampwatch-hub" demo-world --seed $seed --scale national --packs "$n" --out "$world" --force \
      | tee "$world.log" | sed 's/^/  /'
  else
    echo "world with $n packs: reused ($world)"; sed 's/^/  /' "$world.log" 2>/dev/null | head -3
  fi
  figures=$("$bin/provenance-bench" "$world/cache/MZ/snapshot.sqlite" "$work/store-$n" 100000)
  echo "  lookup: $figures"
  rm -rf "$work/store-$n"
done

# Capture throughput through the command line (a fresh hub, the smallest world's documents).
small=$(echo $sizes | awk '{print $1}')
rm -rf "$work/capture-hub"
events=$(grep -o '[0-9]* events,' "$work/world-$small.log" | head -1 | grep -o '[0-9]*')
start=$(date +%s.%N)
"$bin/stampwatch-hub" master-data import --data "$work/capture-hub" "$work/world-$small/master-data.json" >/dev/null
"$bin/stampwatch-hub" capture --data "$work/capture-hub" "$work/world-$small"/epcis/*.json >/dev/null
end=$(date +%s.%N)
awk -v e="$events" -v a="$start" -v b="$end" 'BEGIN { printf "  capture (stampwatch-hub capture, %d events, fresh hub): %.1f s, %.0f events/s\n", e, b - a, e / (b - a) }'
rm -rf "$work/capture-hub"

# Build and publish the largest cache from its hub.
large=$(echo $sizes | awk '{print $NF}')
world="$work/world-$large"
rm -rf "$work/repo" "$work/tufkeys" "$work/national.sqlite"
start=$(date +%s.%N)
"$bin/stampwatch-hub" cache build --data "$world/hub" --keys "$world/issuer" --region MZ --version 2 --out "$work/national.sqlite" | sed 's/^/  /'
mid=$(date +%s.%N)
"$bin/stampwatch-hub" publish --repo "$work/repo" --keys "$work/tufkeys" --init --target "cache/MZ/snapshot.sqlite=$work/national.sqlite" >/dev/null
end=$(date +%s.%N)
awk -v n="$large" -v a="$start" -v m="$mid" -v b="$end" 'BEGIN { printf "  national cache (%d packs): build %.1f s, publish %.1f s\n", n, m - a, b - m }'
rm -rf "$work/repo" "$work/tufkeys" "$work/national.sqlite"
