#!/usr/bin/env bash
# `make bench`, console part: figures as ratios to their targets.
#   1. frame cost (view + diffed flush) of the console's scan screen at 200x60: a full redraw, a one-line
#      change (the status line) and one typed character, against one frame at 60 Hz (16.7 ms)
#   2. bytes written to the terminal for those frames (a one-line change against the full redraw)
#   3. the toolkit's own figures (tui-demo --bench, a 1,000,000-row table at 200x60)
#   4. start-up to the first usable screen on the demo cache, against the 200 ms target: the release
#      binary in a pseudo-terminal (script(1)) draws its first frame, writes the time since just before
#      exec, and exits (STAMPWATCH_BENCH_STARTUP); the median of 15 runs
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release
RUNS=${BENCH_STARTUP_RUNS:-15}
work=$(mktemp -d "${TMPDIR:-/tmp}/stampwatch-bench-console.XXXXXX")
trap 'rm -rf "$work"' EXIT

build() { swift build -c release --product "$1" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }; }
build tui-demo
[ -x "$bin/stampwatch" ] || build stampwatch

echo "== console frames at 200x60 (in memory; bytes as the ANSI writer would send them)"
STAMPWATCH_BENCH_FRAMES=1 "$bin/stampwatch" | tee "$work/frames.txt" | sed 's/^/   /'
val() { awk -v k="$1" '$1 == k { print $2 }' "$work/frames.txt"; }

echo "== toolkit (tui-demo --bench)"
"$bin/tui-demo" --bench | sed 's/^/   /'

echo "== start-up to the first usable screen on the demo cache ($RUNS runs)"
scripts/run-console.sh </dev/null >/dev/null   # builds the demo cache (no terminal: it stops before opening the console)
export STAMPWATCH_STORE="$PWD/.build/demo/device/field.sqlite" XDG_DATA_HOME="$PWD/.build/demo/device"
export XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state" STAMPWATCH_OFFICER=BENCH STAMPWATCH_DEVICE_ID=bench
export TERM=xterm-256color LANG=C.UTF-8
for i in $(seq "$RUNS"); do
  out="$work/startup-$i.txt"
  script -qec "env STAMPWATCH_BENCH_STARTUP=$out STAMPWATCH_BENCH_T0=\$(date +%s%N) $bin/stampwatch" /dev/null >/dev/null </dev/null
  [ -s "$out" ] || { echo "   run $i wrote no figure" >&2; exit 1; }
done
cat "$work"/startup-*.txt | sort -n > "$work/startup.txt"
median=$(awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }' "$work/startup.txt")
fastest=$(head -1 "$work/startup.txt"); slowest=$(tail -1 "$work/startup.txt")
echo "   ms: median $median, fastest $fastest, slowest $slowest"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
cat <<EOF

== results (console; figures from this machine, which may be shared with other work)
full redraw at 200x60 / 16.7 ms frame       : $(val full_redraw_us) µs = $(ratio "$(val full_redraw_us)" 16700)   (target <= 1)
one-line change / 16.7 ms frame             : $(val one_line_us) µs = $(ratio "$(val one_line_us)" 16700)
one typed character / 16.7 ms frame         : $(val typed_char_us) µs = $(ratio "$(val typed_char_us)" 16700)
bytes, one-line change / full redraw        : $(val one_line_bytes) / $(val full_redraw_bytes) B = $(ratio "$(val one_line_bytes)" "$(val full_redraw_bytes)")
bytes, one typed character                  : $(val typed_char_bytes) B
start-up to first usable screen / 200 ms    : $median ms = $(ratio "$median" 200)   (target <= 1)
EOF
