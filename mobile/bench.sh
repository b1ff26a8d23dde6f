#!/usr/bin/env bash
# The boundary benchmark: the same calls (check-in from an NV21 frame, listing 500 visits, a near-empty
# call) from Rust and through the generated Python bindings, on the release build; prints both tables
# for docs/benchmarks.md. Not a test: nothing is asserted about the figures.
#
#   mobile/bench.sh                           (TOKHAI_BENCH_ROUNDS=200 by default)
#   TOKHAI_BENCH_PROFILE=dev mobile/bench.sh  the dev profile (our code -O1, dependencies -O3)
set -euo pipefail
profile="${TOKHAI_BENCH_PROFILE:-release}"
dir="$profile"; [ "$profile" = "dev" ] && dir=debug

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
log() { printf '\033[1;34m[mobile bench]\033[0m %s\n' "$*" >&2; }

log "building the library ($profile) and the CLI that makes the signed test codes"
cargo build --locked --profile "$profile" -p tokhai-mobile
target="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
cli="${TOKHAI_CLI:-}"
if [ -z "$cli" ]; then
  cargo build --locked -p tokhai-cli
  cli="$target/debug/tokhai"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/python" "$work/input"
"$target/$dir/uniffi-bindgen" generate "$target/$dir/libtokhai_mobile.so" --metadata-no-deps \
  --language python --out-dir "$work/python" --no-format >/dev/null
cp "$target/$dir/libtokhai_mobile.so" "$work/python/"
export TOKHAI_MOBILE_BINDINGS="$work/python" TOKHAI_CLI="$cli"
python3 "$here/bench/boundary.py" prepare "$work/input"

log "Rust (no boundary)"
TOKHAI_BENCH_INPUT="$work/input" cargo bench --locked --profile "$profile" -p tokhai-mobile --bench boundary
log "Python (through the bindings)"
python3 "$here/bench/boundary.py" run "$work/input"
