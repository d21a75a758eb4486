#!/usr/bin/env bash
# The long chaos run of the sync tests (tests/it/sync_trust.rs, CDK_SLOW=1): five devices (two
# at one unit), the association and a hub; rounds of registrations, actions, transfers and
# syncs under kill -9 of stations and of the hub, client and hub failpoints, cut connections
# and, as root with `ip netns`, the 2G and bad-2G profiles and a partition that heals. Prints
# the run's seed and figures (rounds, events, kills, lost, duplicated, diverged).
#
# Usage: scripts/chaos.sh            (CDK_SEED=<n> replays a run; CDK_SLOW=0 runs the short one)
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
CDK_SLOW=${CDK_SLOW:-1} ${CARGO:-cargo} test -p casedesk-tests --test it \
  sync_trust::chaos -- --nocapture >"$log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  # The build's or the test's own words: the panic names the seed to replay.
  tail -n 60 "$log"
fi
grep -oE '(SEED|SHORTENED|SKIPPED|CHAOS) .*' "$log" || true
grep -E '^test result' "$log" || true
exit "$status"
