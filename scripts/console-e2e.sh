#!/usr/bin/env bash
# The association's console in a real browser: a real `casedesk-hub serve --console` with
# stations that really enrolled and pushed (one of them forked, so its device is frozen, and one
# whose last contact is ten days old, so it is flagged silent), then ui/e2e/console.mjs drives
# Debian's Chromium through login failure, login, the pages, an enrollment code with its QR,
# revoke and unfreeze (each confirmed), the actions log and English. Screenshots go to
# test-artifacts/console/.
#
#   bash scripts/console-e2e.sh          (builds casedesk and casedesk-hub first)
#
# Env: CDK_BIN_DIR (use these binaries instead of building), CHROMIUM, E2E_ARTIFACTS.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [[ -z "${CDK_BIN_DIR:-}" ]]; then
  (cd "$root" && cargo build -q -p casedesk-cli -p casedesk-hub)
  bin="$root/target/debug"
else
  bin="$CDK_BIN_DIR"
fi
work="$(mktemp -d)"
hub_pid=""
cleanup() {
  if [[ -n "$hub_pid" ]]; then kill "$hub_pid" 2>/dev/null || true; wait "$hub_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

hub() { "$bin/casedesk-hub" "$@"; }
# Every station command runs as the station's head, made by `init --staff`. The stations are
# plain files (`--unencrypted`): the script reads them with sqlite3 and copies one to a second
# laptop; encryption has its own tests.
export CASEDESK_AS=站长 CASEDESK_PASSWORD=console-e2e-2026
unset CASEDESK_NEW_PASSWORD
st() { "$bin/casedesk" --lang en "$@"; }

cat > "$work/units.csv" <<'CSV'
code,name,kind,parent
HX,海西州消费者协会,association,
HX02,格尔木市消费者协会分会,branch,HX
HX0201,格尔木市河西投诉联络站,liaison_station,HX02
HX0202,格尔木市昆仑路投诉联络站,liaison_station,HX02
HX0301,乌兰县维权服务站,service_station,HX
CSV
hub units import --db "$work/hub.db" "$work/units.csv" >/dev/null
password="console-e2e-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$password" | hub admin add --db "$work/hub.db" wang.admin >/dev/null

RUST_LOG=info "$bin/casedesk-hub" serve --db "$work/hub.db" --listen 127.0.0.1:0 \
  --console 127.0.0.1:0 --silent-days 7 >"$work/hub.log" 2>&1 &
hub_pid=$!
for _ in $(seq 1 100); do
  grep -q "console on " "$work/hub.log" && grep -q "listening on " "$work/hub.log" && break
  sleep 0.1
done
console_url="$(sed -n 's/^console on //p' "$work/hub.log" | head -1)"
hub_addr="$(sed -n 's/.*listening on //p' "$work/hub.log" | head -1)"
[[ -n "$console_url" && -n "$hub_addr" ]] || { cat "$work/hub.log"; echo "hub did not start" >&2; exit 1; }

station() { # db unit name kind parent device-code
  st --db "$1" init --unit "$2" --unit-name "$3" --unit-kind "$4" --parent "$5" --device-code "$6" --staff 站长 --unencrypted >/dev/null
  st --db "$1" demo --cases 4 --seed 7 >/dev/null
  st --db "$1" enroll --allow-demo "$(hub enroll-code --db "$work/hub.db" --unit "$2" --hub-url "https://$hub_addr")" >/dev/null
  st --db "$1" sync >/dev/null
}
station "$work/a.db" HX0201 格尔木市河西投诉联络站 liaison_station HX02 A1
station "$work/b.db" HX0202 格尔木市昆仑路投诉联络站 liaison_station HX02 B1
station "$work/c.db" HX0301 乌兰县维权服务站 service_station HX C1

# HX0202's database copied to a second laptop: both write; the copy's push does not link to
# what the hub holds and is refused (listed under refused pushes).
cp "$work/b.db" "$work/b2.db"
st --db "$work/b.db" demo --cases 1 --seed 8 >/dev/null
st --db "$work/b.db" sync >/dev/null
st --db "$work/b2.db" demo --cases 5 --seed 9 >/dev/null
if st --db "$work/b2.db" sync >/dev/null 2>&1; then echo "the copy's push was taken" >&2; exit 1; fi
a_device="$(sqlite3 "$work/a.db" "SELECT value FROM meta WHERE key = 'device'")"
b_device="$(sqlite3 "$work/b.db" "SELECT value FROM meta WHERE key = 'device'")"
c_device="$(sqlite3 "$work/c.db" "SELECT value FROM meta WHERE key = 'device'")"
# The hub freezes a device when a push re-sends a seq it holds with another hash, which the
# station client never does (the sync tests craft one); here the hub's record is set as that
# freeze sets it. And HX0301 last reached the hub ten days ago (the hub's clock cannot be moved;
# its record can).
sqlite3 "$work/hub.db" "UPDATE devices SET frozen_ms = $(date +%s)000, frozen_reason = 'seq 270 is held with hash 5e0d… but was pushed with hash 91a3…' WHERE id = '$b_device'"
sqlite3 "$work/hub.db" "UPDATE devices SET last_contact_ms = last_contact_ms - 10 * 86400000 WHERE id = '$c_device'"

echo "console: $console_url (hub https://$hub_addr)"
CONSOLE_URL="$console_url" CONSOLE_ADMIN=wang.admin CONSOLE_PASSWORD="$password" \
  SILENT_DEVICE="$c_device" FROZEN_DEVICE="$b_device" REVOKE_DEVICE="$a_device" \
  CODE_OUT="$work/code.txt" E2E_ARTIFACTS="${E2E_ARTIFACTS:-$root/test-artifacts/console}" \
  node "${CONSOLE_SPEC:-$root/ui/e2e/console.mjs}"

# What the browser did, seen from the stations: the revoked one cannot sync, the unfrozen one
# can, and the code made in the console enrolls a new device.
if st --db "$work/a.db" sync >/dev/null 2>&1; then echo "the revoked device still syncs" >&2; exit 1; fi
st --db "$work/b.db" sync >/dev/null
st --db "$work/d.db" init --unit HX0201 --unit-name 格尔木市河西投诉联络站 --unit-kind liaison_station --parent HX02 --device-code A2 --staff 站长 --unencrypted >/dev/null
st --db "$work/d.db" enroll "$(cat "$work/code.txt")" >/dev/null
st --db "$work/d.db" sync >/dev/null
hub devices --db "$work/hub.db"
echo "console e2e: ok"
