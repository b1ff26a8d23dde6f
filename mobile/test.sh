#!/usr/bin/env bash
# Builds tokhai-mobile, regenerates its bindings, checks the committed Swift bindings did not drift, and runs
# the Python tests against the real built library. `./dev test` calls it; it works alone from any folder.
#
#   mobile/test.sh              build, generate, check, test (Python and Kotlin)
#   mobile/test.sh --update     also rewrite the committed Swift bindings (after changing the exported API)
#   mobile/test.sh --no-kotlin  skip compiling and running the Kotlin test (no JDK)
#
# The Kotlin compiler comes from the PyPI wheel kotlin-jupyter-kernel (it ships kotlinc's jar and
# kotlinx-coroutines), installed once into a venv ($TOKHAI_KOTLIN_VENV, default /var/tmp/tokhai-kotlin-venv);
# JNA from Debian's libjna-java (/usr/share/java/jna.jar); a JDK (17+) runs both.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

log() { printf '\033[1;34m[mobile]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[mobile] error:\033[0m %s\n' "$*" >&2; exit 1; }

update=0
kotlin=1
for arg in "$@"; do
  case "$arg" in
    --update) update=1 ;;
    --no-kotlin) kotlin=0 ;;
    *) die "unknown option $arg" ;;
  esac
done
KOTLIN_KERNEL_VERSION="0.19.0.944"

log "building the library and the binding generator (tokhai-core with the phone's features only)"
cargo build --locked -p tokhai-mobile
target="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
# The tokhai CLI makes the tests' signed codes and posters. `./dev test` passes the one its `cargo test`
# just built; alone, this builds it (in its own invocation: built together, cargo would unify core's
# features and link the CLI's desktop parts, camera and OS key store, into the phone library).
# The sync tests start the real tokhai-server binary on 127.0.0.1:0 (`./dev test` passes its own too).
cli="${TOKHAI_CLI:-}"
server="${TOKHAI_SERVER:-}"
if [ -z "$cli" ] || [ -z "$server" ]; then
  log "building the tokhai CLI (for signed test codes) and tokhai-server (for the sync tests)"
  cargo build --locked -p tokhai-cli -p tokhai-server
  cli="${cli:-$target/debug/tokhai}"
  server="${server:-$target/debug/tokhai-server}"
fi
[ -x "$cli" ] || die "no tokhai CLI at $cli"
[ -x "$server" ] || die "no tokhai-server at $server"
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

kotlin_cp=""
if [ "$kotlin" -eq 1 ]; then
  venv="${TOKHAI_KOTLIN_VENV:-/var/tmp/tokhai-kotlin-venv}"
  jars() { ls -d "$venv"/lib/python3*/site-packages/run_kotlin_kernel/jars 2>/dev/null | head -1; }
  if [ -z "$(jars)" ] || ! ls "$(jars)"/kotlin-jupyter-kernel-*-all.jar >/dev/null 2>&1; then
    log "installing the Kotlin compiler (PyPI kotlin-jupyter-kernel $KOTLIN_KERNEL_VERSION) into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "kotlin-jupyter-kernel==$KOTLIN_KERNEL_VERSION"
  fi
  dir="$(jars)"
  compiler="$(ls "$dir"/kotlin-jupyter-kernel-*-all.jar | head -1)"
  stdlib="$(ls "$dir"/kotlin-stdlib-*.jar | head -1)"
  jna=/usr/share/java/jna.jar
  [ -f "$jna" ] || die "no JNA at $jna (Debian package libjna-java)"
  command -v java >/dev/null || die "no java (a JDK 17+): install one or pass --no-kotlin"
  log "compiling the generated Kotlin bindings and the Kotlin test"
  java -cp "$compiler" org.jetbrains.kotlin.cli.jvm.K2JVMCompiler -no-stdlib -no-reflect -nowarn \
    -cp "$stdlib:$compiler:$jna" -d "$out/kotlin-classes" \
    "$out/kotlin/uniffi/tokhai_mobile/tokhai_mobile.kt" "$here/tests/kotlin/TokhaiTest.kt"
  kotlin_cp="$out/kotlin-classes:$stdlib:$compiler:$jna"
fi

log "Python tests (and the Kotlin test, driven from Python) against the real library"
cp "$lib" "$out/python/"
skip_kotlin=0
[ "$kotlin" -eq 1 ] || skip_kotlin=1
TOKHAI_MOBILE_BINDINGS="$out/python" TOKHAI_CLI="$cli" TOKHAI_SERVER="$server" \
  TOKHAI_KOTLIN_CLASSPATH="$kotlin_cp" TOKHAI_SKIP_KOTLIN="$skip_kotlin" \
  python3 -m unittest discover -s "$here/tests" -p 'test_*.py' -v
