#!/usr/bin/env bash
# Screenshots of every page of the web portal, in Vietnamese and English, at phone (390 px) and desktop
# (1280 px) widths, with axe-core's serious and critical findings (axe.json): the browser test of
# tests/tests/portal run once on SQLite with SCREENSHOTS set. Look at every PNG before calling the pages done.
#
#   scripts/portal-screenshots.sh [out-dir]     (default: target/portal-screenshots)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$here/target/portal-screenshots}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cd "$here"
npm --prefix ui run build:portal --silent
TOKHAI_SCREENSHOTS="$out" cargo test -p tokhai-e2e --test portal --locked -- portal::sqlite --nocapture
ls "$out"
