#!/usr/bin/env bash
# Desktop end-to-end test: the real CaseDesk window (Tauri v2, WebKitGTK) under Xvfb, driven by
# WebDriver (tauri-driver 2.1.0 + WebKitWebDriver) from pytest + selenium (tests/desktop/).
#
#   scripts/desktop-e2e.sh [pytest args...]      e.g. -k restart, -x
#
# Installs what is missing (tauri-driver, the venv, ui/dist), builds the debug binary with
# `--features tauri/custom-protocol` (target/ unless CARGO_TARGET_DIR is set), runs the tests and
# exits with pytest's status. Screenshots: test-artifacts/desktop/ (DESKTOP_ARTIFACTS overrides).
# System packages it needs (exits 2 naming them when missing): xvfb xauth webkit2gtk-driver
# libwebkit2gtk-4.1-dev fonts-noto-cjk nodejs npm python3-venv.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/desktop-lib.sh"
trap desk_cleanup EXIT
trap 'exit 130' INT TERM

desk_require_system
desk_tauri_driver
desk_venv
desk_ui_dist
desk_build debug
desk_start

export DESKTOP_ARTIFACTS="${DESKTOP_ARTIFACTS:-$DESK_ROOT/test-artifacts/desktop}"
mkdir -p "$DESKTOP_ARTIFACTS"
rm -f "$DESKTOP_ARTIFACTS"/*.png

rc=0
(cd "$DESK_ROOT" && timeout --signal=TERM "${DESKTOP_E2E_TIMEOUT:-600}" \
  "$DESK_VENV/bin/python" -m pytest tests/desktop -p no:cacheprovider -v --tb=short "$@") || rc=$?
if [ $rc -ne 0 ]; then
  desk_log "FAILED (exit $rc); tauri-driver/WebKitWebDriver log:"
  tail -n 40 "$DESK_TMP/tauri-driver.log" >&2 || true
fi
desk_log "screenshots: $DESKTOP_ARTIFACTS"
exit $rc
