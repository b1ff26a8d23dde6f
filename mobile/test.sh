#!/usr/bin/env bash
# Builds tokhai-mobile, regenerates its bindings, checks the committed Swift bindings did not drift, and runs
# the Python tests against the real built library. `./dev test` calls it; it works alone from any folder.
#
#   mobile/test.sh            build, generate, check, test
#   mobile/test.sh --update   also rewrite the committed Swift bindings (after changing the exported API)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

log() { printf '\033[1;34m[mobile]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[mobile] error:\033[0m %s\n' "$*" >&2; exit 1; }

update=0
[ "${1:-}" = "--update" ] && update=1

log "building the library and the binding generator (tokhai-core with the phone's features only)"
cargo build --locked -p tokhai-mobile
target="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
# The tokhai CLI makes the tests' signed codes and posters. `./dev test` passes the one its `cargo test`
# just built; alone, this builds it (in its own invocation: built together, cargo would unify core's
# features and link the CLI's desktop parts, camera and OS key store, into the phone library).
cli="${TOKHAI_CLI:-}"
if [ -z "$cli" ]; then
  log "building the tokhai CLI (for signed test codes)"
  cargo build --locked -p tokhai-cli
  cli="$target/debug/tokhai"
fi
[ -x "$cli" ] || die "no tokhai CLI at $cli"
lib="$target/debug/libtokhai_mobile.so"
[ -f "$lib" ] || die "no $lib after the build"
bindgen="$target/debug/uniffi-bindgen"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

log "generating Python, Kotlin and Swift bindings from the built library"
for language in python kotlin swift; do
  "$bindgen" generate "$lib" --metadata-no-deps --language "$language" --out-dir "$out/$language" --no-format >/dev/null
done

if [ "$update" -eq 1 ]; then
  rm -rf "$here/bindings/swift" && mkdir -p "$here/bindings/swift"
  cp "$out/swift/"* "$here/bindings/swift/"
  log "updated mobile/bindings/swift"
fi
# The committed Swift bindings (header and modulemap included) are exactly what this build generates.
if ! diff -r "$out/swift" "$here/bindings/swift" >/dev/null; then
  diff -r "$out/swift" "$here/bindings/swift" | head -20 >&2 || true
  die "mobile/bindings/swift differs from what the current build generates: run mobile/test.sh --update"
fi
grep -q 'header "tokhai_mobileFFI.h"' "$here/bindings/swift/tokhai_mobileFFI.modulemap" \
  || die "the modulemap does not name the header"
[ -s "$out/kotlin/uniffi/tokhai_mobile/tokhai_mobile.kt" ] || die "no Kotlin bindings generated"

log "Python tests against the real library"
cp "$lib" "$out/python/"
TOKHAI_MOBILE_BINDINGS="$out/python" TOKHAI_CLI="$cli" \
  python3 -m unittest discover -s "$here/tests" -p 'test_*.py' -v
