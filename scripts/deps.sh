#!/usr/bin/env bash
# Installs what CaseDesk's build, app and tests need and this machine lacks (Debian/Ubuntu).
# Usage: scripts/deps.sh [app|test]   (app: what `make run` needs; test: everything)
set -euo pipefail
what=${1:-test}
# libssl-dev: SQLCipher's crypto (the station file); libdbus-1-dev: the keyring's Secret
# Service client (casedesk-keys).
pkgs=(build-essential pkg-config libssl-dev libdbus-1-dev sqlite3 python3 python3-venv
      libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
      fonts-noto-cjk
      # The faces of the standard documents (casedesk-docs): Chinese, Tibetan, traditional
      # Mongolian and the symbols the CJK faces lack.
      fonts-noto-core fonts-dejavu-core)
if [ "$what" = test ]; then
  # Desktop under a virtual display and WebDriver; Chromium for UI browser tests; network
  # namespaces, rate limits and packet loss for the sync fault tests.
  # PostgreSQL: the hub's tests run on it too (scripts/with-pg.sh starts a cluster of its own).
  pkgs+=(xvfb xauth dbus webkit2gtk-driver chromium iproute2 iptables imagemagick postgresql)
  # The documents' tests read the PDFs back (pdftotext, pdffonts, pdftoppm) and open the
  # .docx and .xlsx copies in LibreOffice.
  pkgs+=(poppler-utils libreoffice-writer-nogui libreoffice-calc-nogui)
fi
need=()
for pkg in "${pkgs[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing: ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
for tool in cargo node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$tool is required: install Rust with rustup (https://rustup.rs) and Node.js 20 with npm, then retry." >&2
    exit 1
  fi
done
if [ "$what" = test ] && ! command -v tauri-driver >/dev/null 2>&1; then
  cargo install tauri-driver --version 2.1.0 --locked
fi
