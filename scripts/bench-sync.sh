#!/usr/bin/env bash
# `make bench`, sync part (issue #6 §4): the console's uploads to a real hub on loopback.
#   1. records per second uploaded on loopback, and at 50 kbit/s (2G) through the throttling proxy
#   2. bytes on the wire per record (requests + receipts, headers included) as a ratio to the stored record size
#   3. time from the link coming back to the first acknowledged batch (default backoff settings)
# The console (stampwatch, fieldstore-crash-helper) runs from the release build; the hub from the release build when
# there is one, else the debug build (it is named in the output: a debug hub lowers the loopback figure).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BENCH_SYNC_BIN:-.build/release}
hub=.build/release/stampwatch-hub
[ -x "$hub" ] || hub=.build/debug/stampwatch-hub
N=${BENCH_SYNC_RECORDS:-5000}
N2G=${BENCH_SYNC_2G_RECORDS:-300}
DOWN=${BENCH_SYNC_DOWN_SECONDS:-20}
work=$(mktemp -d "${TMPDIR:-/tmp}/stampwatch-bench-sync.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
now_ns() { date +%s%N; }
export STAMPWATCH_STORE="$work/device/field.sqlite" XDG_DATA_HOME="$work/xdg" XDG_CONFIG_HOME="$work/config"
acked() { sqlite3 "file:$STAMPWATCH_STORE?mode=ro" "SELECT count(*) FROM outbox WHERE state = 'acknowledged'" 2>/dev/null || echo 0; }

echo "== setup: hub ($hub), TUF repository with the hub's receipt key, an enrolled console"
"$hub" keys generate --out "$work/issuer" --not-before 2025-01-01T00:00:00Z > /dev/null
"$hub" cache build --keys "$work/issuer" --version 1 --out "$work/snap.sqlite" > /dev/null
"$hub" publish --repo "$work/repo" --keys "$work/tufkeys" --init --hub-data "$work/hub" \
  --target "cache/MZ/snapshot.sqlite=$work/snap.sqlite" > /dev/null
"$hub" serve --data "$work/hub" --tuf "$work/repo" --insecure-loopback --port 0 --log-level warning 2> "$work/hub.log" &
pids+=($!)
for _ in $(seq 100); do grep -q "listening on" "$work/hub.log" && break; sleep 0.1; done
port=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/hub.log" | head -1 | cut -d: -f3)
token=$("$hub" devices token --data "$work/hub" --id bench-1 --region MZ)
"$bin/stampwatch" device enrol --hub "http://127.0.0.1:$port" --token "$token" --allow-insecure-loopback > /dev/null
"$bin/stampwatch" cache update --from "http://127.0.0.1:$port/tuf" --root "$work/repo/metadata/1.root.json" --insecure-loopback 2>/dev/null | sed 's/^/   /'

# A fault proxy in pass mode (or throttled), controlled on its stdin.
start_proxy() {  # $1: extra args; sets proxy_port, proxy_in
  rm -f "$work/proxy.in" "$work/proxy.out"; mkfifo "$work/proxy.in"
  python3 Tests/sync/faultproxy.py --upstream-port "$port" --faults pass=1 $1 < "$work/proxy.in" > "$work/proxy.out" 2>> "$work/proxy.err" &
  pids+=($!)
  exec 7> "$work/proxy.in"
  for _ in $(seq 100); do grep -q listening "$work/proxy.out" && break; sleep 0.05; done
  proxy_port=$(awk '/listening/ { print $2 }' "$work/proxy.out")
}
stop_proxy() { echo quit >&7; exec 7>&-; sleep 0.2; }
proxy_stats() { echo stats >&7; for _ in $(seq 100); do [ "$(grep -c bytes_to_client "$work/proxy.out")" -ge 1 ] && break; sleep 0.05; done; grep bytes_to_client "$work/proxy.out" | tail -1; }
record() { "$bin/fieldstore-crash-helper" record "$STAMPWATCH_STORE" bench-1 "$1" > /dev/null; }
json_field() { python3 -c "import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); print($1)"; }

echo "== 1a. loopback: $N records, default batches (200 records / 64 KiB), gzip"
record "$N"
stored=$(sqlite3 "file:$STAMPWATCH_STORE?mode=ro" "SELECT sum(length(payload)) FROM outbox WHERE state = 'pending'")
out=$("$bin/stampwatch" sync --once --json --no-cache-refresh 2>/dev/null)
ms=$(echo "$out" | json_field 'd["run"]["milliseconds"]')
loop_rate=$(awk -v n="$N" -v ms="$ms" 'BEGIN { printf "%.0f", n / (ms / 1000) }')
echo "   $N records in $ms ms: $loop_rate records/s; $(echo "$out" | json_field 'd["run"]["batches"]') batches"

echo "== 1b. wire bytes: $N more records through the proxy (pass mode, counts every byte both ways)"
start_proxy ""
record "$N"
stored2=$(sqlite3 "file:$STAMPWATCH_STORE?mode=ro" "SELECT sum(length(payload)) FROM outbox WHERE state = 'pending'")
out=$("$bin/stampwatch" sync --once --json --no-cache-refresh --hub "http://127.0.0.1:$proxy_port" 2>/dev/null)
stats=$(proxy_stats)
up=$(echo "$stats" | json_field 'd["bytes_from_client"]'); down=$(echo "$stats" | json_field 'd["bytes_to_client"]')
json_bytes=$(echo "$out" | json_field 'd["run"]["json_bytes"]'); body=$(echo "$out" | json_field 'd["run"]["bytes_sent"]')
stop_proxy
avg=$(awk -v s="$stored2" -v n="$N" 'BEGIN { printf "%.1f", s / n }')
wire_ratio=$(awk -v u="$up" -v d="$down" -v s="$stored2" 'BEGIN { printf "%.3f", (u + d) / s }')
up_ratio=$(awk -v u="$up" -v s="$stored2" 'BEGIN { printf "%.3f", u / s }')
echo "   stored $avg B/record; sent $up B (bodies $body B gzip, $json_bytes B as JSON), received $down B (receipts)"

echo "== 1c. 50 kbit/s (6250 B/s each way, the proxy throttles every byte): $N2G records"
start_proxy "--global-rate 6250"
record "$N2G"
t0=$(now_ns)
out=$("$bin/stampwatch" sync --once --json --no-cache-refresh --hub "http://127.0.0.1:$proxy_port" 2>/dev/null)
t1=$(now_ns)
stop_proxy
ack2g=$(echo "$out" | json_field 'd["run"]["acknowledged"]')
slow_rate=$(awk -v n="$ack2g" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", n / ((b - a) / 1e9) }')
echo "   $ack2g records in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }') s: $slow_rate records/s"

echo "== 2. link back: sync runs in a loop (default backoff: 5 s doubling, jitter) while the link is down for $DOWN s"
start_proxy ""
echo "upstream 1" >&7            # nothing listens on port 1: every attempt fails as with no signal
record 200
before=$(acked)
"$bin/stampwatch" sync --hub "http://127.0.0.1:$proxy_port" --no-cache-refresh > /dev/null 2> "$work/loop.err" &
loop_pid=$!; pids+=($loop_pid)
sleep "$DOWN"
back=$(now_ns)
echo "upstream $port" >&7
while [ "$(acked)" -le "$before" ]; do sleep 0.02; done
first=$(now_ns)
kill "$loop_pid" 2>/dev/null || true
stop_proxy
back_s=$(awk -v a="$back" -v b="$first" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
tries=$(grep -c "link down" "$work/loop.err" || true)
echo "   $tries failed attempts while down; first acknowledged batch $back_s s after the link came back"

cat <<EOF2

== results (sync; hub $(basename "$(dirname "$hub")") build; shared machine)
records/s on loopback (direct)                        : $loop_rate
records/s at 50 kbit/s (throttled proxy)              : $slow_rate
wire bytes per record / stored record size            : $wire_ratio   (requests $up_ratio, receipts $(awk -v d="$down" -v s="$stored2" 'BEGIN { printf "%.3f", d / s }'); stored $avg B/record)
link back -> first acknowledged batch (after ${DOWN} s down): $back_s s   (bounded by the backoff delay in force)
EOF2
