#!/usr/bin/env bash
# Set up and run the whole test suite: SQLite and a private PostgreSQL cluster, Qt offscreen.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test

export QT_QPA_PLATFORM=offscreen
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "${REFURBDESK_TEST_PG_URL:-}" && -n "$PGBIN" && -x "$PGBIN/initdb" ]]; then
  PGDIR=$(mktemp -d /tmp/refurbdesk-pg.XXXXXX)
  # A free port, so a cluster someone else left running never gets in the way.
  PGPORT=${REFURBDESK_TEST_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  as_pg() { if [[ $(id -u) -eq 0 ]]; then chown -R postgres:postgres "$PGDIR"; runuser -u postgres -- "$@"; else "$@"; fi; }
  trap 'as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1; rm -rf "$PGDIR"' EXIT
  as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" \
    -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" -w start >/dev/null
  export REFURBDESK_TEST_PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/postgres"
  echo "PostgreSQL test cluster on port $PGPORT"
fi

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
exit $status
