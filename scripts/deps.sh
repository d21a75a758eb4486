#!/usr/bin/env bash
# Installs the system packages CaseDesk's build and tests need, if any is missing.
set -euo pipefail
need=()
for pkg in build-essential pkg-config sqlite3; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ! command -v cargo >/dev/null 2>&1; then
  echo "Rust (cargo) is required: install it with rustup (https://rustup.rs) and retry." >&2
  exit 1
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
