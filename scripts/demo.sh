#!/usr/bin/env bash
# The demo behind `make run` until the console UI exists: mint a few codes with throw-away DEMO keys and
# verify them offline, so every verdict can be seen once.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/debug
work=$(mktemp -d "${TMPDIR:-/tmp}/stampwatch-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$bin/stampwatch-hub" keys generate --out "$work/keys" >/dev/null
"$bin/stampwatch-hub" keys generate --out "$work/other" --issuer "someone else" >/dev/null

now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
pack() { # uid market
  printf '{"uid":"%s","product":"06001234500017","facility":"MZ-FAC-MAPUTO-01","machine":"M07","manufactured":"%s","shift":"B","market":"%s","series":"MZ-2026-A","operator":"EO-MZ-0042"}' "$1" "$now" "$2"
}
genuine=$("$bin/stampwatch-hub" mint --keys "$work/keys" --payload "$(pack DEMO-000001 MZ-MPM)")
diverted=$("$bin/stampwatch-hub" mint --keys "$work/keys" --payload "$(pack DEMO-000002 ZA)")
foreign=$("$bin/stampwatch-hub" mint --keys "$work/other" --payload "$(pack DEMO-000003 MZ)")
# A forged code: one character of a genuine code changed inside the signature.
forged="${genuine:0:${#genuine}-5}$( [ "${genuine: -5:1}" = "A" ] && echo B || echo A )${genuine: -4}"
typo="${genuine:0:40}"

cat <<MSG
Stampwatch demo: five codes minted just now with throw-away DEMO keys, verified offline in market MZ.
(The full-screen console comes with the console issue; this is the verify command it will sit on.)

MSG
"$bin/stampwatch" verify --keyring "$work/keys/keyring.json" --market MZ \
  "$genuine" "$diverted" "$foreign" "$forged" "$typo" || true
echo "Try it yourself:  $bin/stampwatch verify --help"
