#!/usr/bin/env bash
# Sets up the Android or iOS project of the app on a machine with the SDKs (see README, "The app on
# phones"): `tauri android init` / `tauri ios init` generate src-tauri/gen/, then the camera permission and
# its vi/en texts are added from src-tauri/mobile/. Usage: scripts/app-mobile.sh android|ios
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
platform="${1:?usage: scripts/app-mobile.sh android|ios}"
cd "$root/ui"
[ -x node_modules/.bin/tauri ] || npm ci --no-audit --no-fund
cd "$root/src-tauri"
case "$platform" in
  android)
    npx --prefix "$root/ui" tauri android init --ci
    res="gen/android/app/src/main/res"
    mkdir -p "$res/values-vi"
    cp mobile/android/values/strings.xml "$res/values/tokhai_strings.xml"
    cp mobile/android/values-vi/strings.xml "$res/values-vi/tokhai_strings.xml"
    manifest="gen/android/app/src/main/AndroidManifest.xml"
    grep -q 'android.permission.CAMERA' "$manifest" ||
      sed -i "/<application/e sed '/^<!--/,/-->$/d' mobile/android/AndroidManifest.permissions.xml" "$manifest"
    ;;
  ios)
    npx --prefix "$root/ui" tauri ios init --ci
    app="$(find gen/apple -maxdepth 1 -type d -name '*_iOS' | head -n1)"
    for lang in vi en; do
      mkdir -p "$app/$lang.lproj"
      cp "mobile/ios/$lang.lproj/InfoPlist.strings" "$app/$lang.lproj/"
    done
    ;;
  *) echo "usage: scripts/app-mobile.sh android|ios" >&2; exit 2 ;;
esac
echo "ready: npx --prefix ui tauri $platform dev (or build)"
