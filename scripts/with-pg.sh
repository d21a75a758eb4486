#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server of its own, for the tests:
#   scripts/with-pg.sh cargo test -p casedesk-hub
# The server is a new cluster (initdb) in a temporary folder on a free loopback port, started
# with pg_ctl (as the postgres user when run as root) and removed when the command ends. The
# command gets its URL in CDK_PG_URL (the hub's tests create a schema each). Durability is
# turned off (fsync, synchronous_commit): this server holds test data only. With
# CDK_PG_DURABLE=1 the server keeps PostgreSQL's defaults (fsync, synchronous commit), as
# `make bench-hub` uses it for figures.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL is not installed (scripts/deps.sh test installs Debian's postgresql)" >&2
  exit 1
fi
dir=$(mktemp -d /tmp/cdk-pg.XXXXXX)
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
  as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${CDK_PG_DURABLE:-}" = 1 ] && durability="-c shared_buffers=1GB"
as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 $durability" \
  start >/dev/null
export CDK_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests at $CDK_PG_URL"
"$@"
