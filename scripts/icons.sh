#!/usr/bin/env bash
# Generates every icon size the platforms need (desktop PNGs, .ico, .icns, Android mipmaps, iOS AppIcon set,
# Windows Store logos) from the one source drawing icons/icon.svg, with the Tauri CLI's `icon` command.
# Run from anywhere: scripts/icons.sh. The generated files are committed (the app's build embeds them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/ui"
[ -x node_modules/.bin/tauri ] || npm ci --no-audit --no-fund
npx tauri icon "$root/icons/icon.svg" --output "$root/icons"
cp "$root/icons/128x128.png" "$root/ui/static/icon.png"   # the welcome screen shows it
