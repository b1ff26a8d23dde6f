#!/usr/bin/env bash
# Screenshots of every screen of the real app (release build, bundled UI), Vietnamese and English, phone size
# (390x844) and desktop (1280x800), under Xvfb through tauri-driver. Usage: scripts/app-screenshots.sh [DIR]
# (default target/screenshots). Builds the app first (cargo build -p tokhai-app: the bundled UI of ui/build).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(realpath -m "${1:-$root/target/screenshots}")"
cd "$root"
cargo build --locked -p tokhai-app
TOKHAI_SCREENSHOTS="$out" cargo test --locked -p tokhai-e2e --test app screenshots -- --nocapture
echo "screenshots in $out"
