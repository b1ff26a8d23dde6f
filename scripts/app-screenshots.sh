#!/usr/bin/env bash
# Screenshots of every screen of the real app (bundled UI), Vietnamese and English, phone size (390x844) and
# desktop (1280x800), under Xvfb through tauri-driver. Usage: scripts/app-screenshots.sh [DIR] (default
# target/screenshots). Needs the UI's build (npm --prefix ui run build) and tauri-driver (./dev test
# installs it). `cargo test --workspace --no-run` builds the app's binary along with the tests (and costs
# nothing after `./dev test`: the same build); per-package commands would build the dependencies again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(realpath -m "${1:-$root/target/screenshots}")"
cd "$root"
cargo test --workspace --locked --no-run -q
TOKHAI_APP_E2E=1 TOKHAI_SCREENSHOTS="$out" cargo test --workspace --locked -q --test app screenshots -- --nocapture
echo "screenshots in $out"
