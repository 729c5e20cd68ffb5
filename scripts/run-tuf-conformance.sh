#!/usr/bin/env bash
# Runs the independent TUF conformance suite (tuf-conformance, pytest) against our TUF client
# (scripts/tuf-conformance-client). Not part of `make test`: it needs the suite's source, which
# is not in this repository, and PyPI for its venv. See docs/signed-cache.md, "Conformance".
#
#   scripts/run-tuf-conformance.sh [PYTEST ARGS...]     e.g.  -k test_rollback  or  -x -v
#
# TUF_CONFORMANCE_DIR  a checkout of the suite (default /work/tuf-conformance). If it does not
#                      exist it is cloned from GitHub, which needs a network that reaches it.
# PYTHON               the python (>= 3.10) to make the suite's venv with (default python3).
# Needs: swift, python3 with venv, git (only to clone), faketime (apt-get install faketime).
# Exit status: pytest's (0 all passed or expected to fail), 69 when the suite or a tool is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
suite="${TUF_CONFORMANCE_DIR:-/work/tuf-conformance}"
python="${PYTHON:-python3}"
repo_url="https://github.com/theupdateframework/tuf-conformance"

die() { echo "run-tuf-conformance: $*" >&2; exit 69; }

command -v faketime >/dev/null || die "faketime is missing (the suite runs the client under it): apt-get install faketime"
command -v "$python" >/dev/null || die "no $python: set PYTHON to a python 3.10 or newer"

if [[ ! -d "$suite/tuf_conformance" ]]; then
  [[ -e "$suite" ]] && die "$suite exists but holds no tuf_conformance/: point TUF_CONFORMANCE_DIR at a checkout of the suite"
  command -v git >/dev/null || die "no suite at $suite and no git to clone it: set TUF_CONFORMANCE_DIR to a checkout"
  echo "== cloning the suite into $suite" >&2
  git clone --depth 1 "$repo_url" "$suite" \
    || die "cannot clone $repo_url (no network?): put a checkout at $suite or set TUF_CONFORMANCE_DIR"
fi
[[ -f "$suite/pyproject.toml" ]] || die "$suite/pyproject.toml is missing: not a checkout of the suite"

# The suite's venv, with exactly the dependencies its pyproject.toml pins; remade when they change.
venv="$suite/.venv"
deps="$("$python" - "$suite/pyproject.toml" <<'EOF'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    print("\n".join(tomllib.load(f)["project"]["dependencies"]))
EOF
)" || die "cannot read the dependencies from $suite/pyproject.toml (python 3.11+ has tomllib)"
if [[ ! -x "$venv/bin/pytest" || "$(cat "$venv/.stampwatch-deps" 2>/dev/null)" != "$deps" ]]; then
  echo "== making $venv" >&2
  "$python" -m venv "$venv"
  mapfile -t reqs <<<"$deps"
  "$venv/bin/pip" install -q --disable-pip-version-check "${reqs[@]}"
  printf '%s' "$deps" > "$venv/.stampwatch-deps"
fi

echo "== building tuf-conformance-client" >&2
swift="${SWIFT:-$(command -v swift || echo /opt/swift/usr/bin/swift)}"
(cd "$root" && "$swift" build --product tuf-conformance-client 1>&2)

commit="$(git -C "$suite" rev-parse --verify -q HEAD 2>/dev/null || echo "not a git checkout")"
echo "== tuf-conformance at $suite ($commit), $(date -u +%Y-%m-%dT%H:%M:%SZ)" >&2
# The suite's conftest reads expected failures from ENTRYPOINT.xfails (none today).
cd "$suite"
PATH="$venv/bin:$PATH" exec pytest tuf_conformance -p no:cacheprovider \
  --entrypoint "$root/scripts/tuf-conformance-client" "$@"
