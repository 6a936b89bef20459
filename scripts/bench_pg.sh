#!/usr/bin/env bash
# The bench's PostgreSQL twin on a private throw-away cluster with PostgreSQL's default durability
# (fsync=on, synchronous_commit=on; recorded in the JSON).
# Usage: bash scripts/bench_pg.sh --units 1000000 --variations 100000 --listings 10000 --gui --sync --json FILE
set -euo pipefail
cd "$(dirname "$0")/.."
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$PGBIN" || ! -x "$PGBIN/initdb" ]]; then
  echo "bench_pg: no PostgreSQL server binaries (bash scripts/setup.sh --test installs them)" >&2
  exit 2
fi
PGDIR=$(mktemp -d /tmp/refurbdesk-bench-pg.XXXXXX)
PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg() { if [[ $(id -u) -eq 0 ]]; then chown -R postgres:postgres "$PGDIR"; runuser -u postgres -- "$@"; else "$@"; fi; }
trap 'as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1; rm -rf "$PGDIR"' EXIT
as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" \
  -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1" -w start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres bench
echo "PostgreSQL bench cluster on port $PGPORT (fsync and synchronous_commit at their defaults)" >&2
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
.venv/bin/python -m bench --db "postgresql+psycopg://postgres@127.0.0.1:$PGPORT/bench" "$@"
