#!/usr/bin/env bash
# `make run`: the console on the bundled demo cache, offline, with no set-up questions.
#   1. the demo world from OfflineCache/recipe.json (rebuilt only when missing or changed)
#   2. its cache snapshot published as a local TUF repository (the timestamp is re-signed each run)
#   3. the console's cache updated from that repository exactly as from a hub or a USB stick
#   4. the console, with its store and settings kept under .build/demo-device
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/debug
demo=.build/demo
world=.build/demo-world
export STAMPWATCH_STORE="$PWD/$demo/device/field.sqlite" XDG_DATA_HOME="$PWD/$demo/device"
export STAMPWATCH_PLACE="${STAMPWATCH_PLACE:-Demo: Maputo, Mercado Central}" STAMPWATCH_OFFICER="${STAMPWATCH_OFFICER:-DEMO-OFFICER}"

"$bin/stampwatch-hub" demo-world --recipe OfflineCache/recipe.json --out "$world" >/dev/null
if [ ! -f "$demo/repo/metadata/1.root.json" ]; then
  "$bin/stampwatch-hub" publish --repo "$demo/repo" --keys "$demo/tufkeys" --init \
    --target "cache/MZ/snapshot.sqlite=$world/cache/MZ/snapshot.sqlite" >/dev/null
else
  "$bin/stampwatch-hub" publish --repo "$demo/repo" --keys "$demo/tufkeys" \
    --target "cache/MZ/snapshot.sqlite=$world/cache/MZ/snapshot.sqlite" >/dev/null
fi
"$bin/stampwatch" cache update --from "$demo/repo" --root "$demo/repo/metadata/1.root.json" 2>/dev/null >/dev/null \
  || "$bin/stampwatch" cache update --from "$demo/repo" --root "$demo/repo/metadata/1.root.json"
if [ ! -t 0 ] || [ ! -t 1 ]; then
  echo "The demo cache is ready in $demo. Open the console from a terminal: make run"
  echo "Sample codes to try: OfflineCache/samples.txt"
  exit 0
fi
echo "Sample codes to try are in OfflineCache/samples.txt (paste one line, then Enter)."
exec "$bin/stampwatch"
