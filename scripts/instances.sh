#!/usr/bin/env bash
# Runs several tokhai-server instances on one PostgreSQL database (ADR 0024, docs/scale.md).
#
#   scripts/instances.sh 3                                   # 3 instances on a throw-away local cluster
#   DATABASE_URL=postgres://tokhai@db/tokhai scripts/instances.sh 3
#   READ_DATABASE_URL=postgres://tokhai@standby/tokhai DATABASE_URL=… scripts/instances.sh 2
#   SERVER_BIN=target/debug/tokhai-server scripts/instances.sh 2   # an already built binary
#
# Instance i listens on 127.0.0.1:$((BASE_PORT + i)) (BASE_PORT defaults to 8780, so 8781, 8782, …) and
# all share one key-encryption key (TOKHAI_KEK; generated into the data folder if not set). Without
# DATABASE_URL the script starts a throw-away PostgreSQL cluster of its own (initdb in a temporary folder,
# trust authentication on 127.0.0.1, removed on exit; needs the Debian package `postgresql`). Put any HTTP
# load balancer in front of the instances (no sticky sessions needed), with `/readyz` as its health
# check: an instance answers 503 there from the moment it is told to stop. Ctrl-C sends SIGTERM to every
# instance; each drains (accepted requests are answered) before it exits.
set -euo pipefail

n="${1:-3}"
base_port="${BASE_PORT:-8780}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/tokhai-instances.XXXXXX")"
pids=()
pg_pid=""
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "$pg_pid" ]; then
    run_pg "$bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || kill -INT "$pg_pid" 2>/dev/null || true
    wait "$pg_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [ -z "${DATABASE_URL:-}" ]; then
  [ -x "$bin/initdb" ] || { echo "no DATABASE_URL and no PostgreSQL server programs (apt-get install postgresql)" >&2; exit 1; }
  mkdir -p "$work/pg"
  [ "$(id -u)" -eq 0 ] && chown postgres "$work/pg" "$work"
  run_pg "$bin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  pg_port=$((base_port + 100))
  run_pg "$bin/postgres" -D "$work/pg" -p "$pg_port" -k "$work" -c listen_addresses=127.0.0.1 \
    -c max_connections=200 >"$work/pg.log" 2>&1 &
  pg_pid=$!
  for _ in $(seq 50); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break
    sleep 0.2
  done
  "$bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE tokhai" postgres
  DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/tokhai"
  echo "throw-away PostgreSQL: $DATABASE_URL"
fi

# SERVER_BIN=path/to/tokhai-server skips the release build.
server="${SERVER_BIN:-}"
if [ -z "$server" ]; then
  (cd "$here" && cargo build --release -p tokhai-server)
  server="${CARGO_TARGET_DIR:-$here/target}/release/tokhai-server"
fi
if [ -z "${TOKHAI_KEK:-}" ]; then
  TOKHAI_KEK="$(head -c 32 /dev/urandom | base64)"
fi
export TOKHAI_KEK

for i in $(seq 1 "$n"); do
  port=$((base_port + i))
  args=(--listen "127.0.0.1:$port" --database-url "$DATABASE_URL" --data-dir "$work/instance-$i")
  [ -n "${READ_DATABASE_URL:-}" ] && args+=(--read-database-url "$READ_DATABASE_URL")
  "$server" "${args[@]}" 2>"$work/instance-$i.log" &
  pids+=($!)
  # The first instance migrates the schema and creates the keys; the others start after it is ready.
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  echo "instance $i: http://127.0.0.1:$port (log: $work/instance-$i.log)"
done
echo "$n instances on $DATABASE_URL; Ctrl-C drains and stops them"
wait
