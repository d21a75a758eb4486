#!/usr/bin/env bash
# Measures the real CaseDesk desktop app (release build) on a 100,000-case station and prints
# figures beside their targets (start to interactive, memory while opening cases, case list and
# search times as seen in the UI). See scripts/measure-desktop.py.
#
#   scripts/measure-desktop.sh [--runs N] [--open N]
#
# The database is made once with the release CLI and cached in $BENCH_DB_DIR
# (default /work/benchdb-desktop), remade when the schema or migrations change; the app runs on a
# copy. Same environment as scripts/desktop-e2e.sh (Xvfb, tauri-driver, temp XDG dirs).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/desktop-lib.sh"
trap desk_cleanup EXIT
trap 'exit 130' INT TERM

CASES=${CASES:-100000}
BENCH_DB_DIR=${BENCH_DB_DIR:-/work/benchdb-desktop}

desk_require_system
desk_tauri_driver
desk_venv
desk_ui_dist
# The CLI and the app in one cargo call: built apart, feature unification differs and the
# second build recompiles most shared crates.
desk_build release -p casedesk-cli
CLI="$DESK_TARGET/release/casedesk"

mkdir -p "$BENCH_DB_DIR"
DB="$BENCH_DB_DIR/cases-$CASES.db"
STAMP="$DB.schema"
want=$(cat "$DESK_ROOT/schema.sql" "$DESK_ROOT"/crates/casedesk-store/migrations/* 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ ! -f "$DB" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  desk_log "making $DB ($CASES cases; a few minutes)"
  rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.tmp" "$DB.tmp-wal" "$DB.tmp-shm"
  "$CLI" --db "$DB.tmp" init --unit HX0201 --unit-name 德令哈市消费者投诉联络站 --admin-code 632802 >/dev/null
  "$CLI" --db "$DB.tmp" demo --cases "$CASES" >/dev/null
  # The CLI checkpoints on close; a WAL left over is kept with the file (the copy takes both).
  [ ! -f "$DB.tmp-wal" ] || mv "$DB.tmp-wal" "$DB-wal"
  rm -f "$DB.tmp-shm"
  mv "$DB.tmp" "$DB"
  echo "$want" >"$STAMP"
fi

desk_start
"$DESK_VENV/bin/python" "$DESK_ROOT/scripts/measure-desktop.py" --db "$DB" --cli "$CLI" "$@"
