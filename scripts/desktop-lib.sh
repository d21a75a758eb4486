# Shared by scripts/desktop-e2e.sh and scripts/measure-desktop.sh (sourced, not run).
#
# Brings up what driving the real CaseDesk window needs: system tools, tauri-driver 2.1.0, the
# Python venv (tests/desktop/.venv), ui/dist, the desktop binary built with
# `--features tauri/custom-protocol`, then Xvfb on a free display and tauri-driver on free ports,
# all with a private temporary HOME-like environment. desk_cleanup (trap EXIT) kills exactly the
# processes started here and their descendants, nothing found by name.

DESK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DESK_VENV="$DESK_ROOT/tests/desktop/.venv"
DESK_PIDS=()
DESK_TMP=""

desk_log() { printf '[desktop] %s\n' "$*" >&2; }

desk_require_system() {
  local missing=()
  command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
  command -v xauth >/dev/null 2>&1 || missing+=(xauth)
  command -v WebKitWebDriver >/dev/null 2>&1 || missing+=(webkit2gtk-driver)
  pkg-config --exists webkit2gtk-4.1 2>/dev/null || missing+=(libwebkit2gtk-4.1-dev)
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
  if [ ${#missing[@]} -gt 0 ]; then
    desk_log "missing system packages: ${missing[*]}"
    desk_log "install them with: apt-get install --no-install-recommends ${missing[*]} fonts-noto-cjk"
    exit 2
  fi
  if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    desk_log "warning: no Chinese font (apt-get install fonts-noto-cjk): screenshots will show boxes"
  fi
}

desk_tauri_driver() {
  export PATH="$HOME/.cargo/bin:$PATH"
  if ! cargo install --list 2>/dev/null | grep -q '^tauri-driver v2\.1\.0:'; then
    desk_log "installing tauri-driver 2.1.0"
    cargo install tauri-driver --version 2.1.0 --locked
  fi
  DESK_TAURI_DRIVER=$(command -v tauri-driver)
}

desk_venv() {
  local req="$DESK_ROOT/tests/desktop/requirements.txt" stamp="$DESK_VENV/.requirements.sha256" want
  want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ ! -x "$DESK_VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    desk_log "creating $DESK_VENV (pinned selenium + pytest)"
    python3 -m venv "$DESK_VENV"
    "$DESK_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$req"
    echo "$want" >"$stamp"
  fi
}

# ui/dist is embedded in the binary at compile time: build it when missing or older than the UI sources.
desk_ui_dist() {
  local ui="$DESK_ROOT/ui"
  if [ -f "$ui/dist/index.html" ] &&
    [ -z "$(find "$ui/src" "$ui/index.html" "$ui/package.json" "$ui/package-lock.json" -newer "$ui/dist/index.html" -print -quit 2>/dev/null)" ]; then
    return
  fi
  desk_log "building ui/dist"
  (cd "$ui" && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build)
}

# desk_build debug|release [more cargo args]  -> sets DESK_BIN (absolute path of casedesk-desktop)
desk_build() {
  local profile=$1 flag=() target
  shift
  [ "$profile" = release ] && flag=(--release)
  (cd "$DESK_ROOT" && cargo build "${flag[@]}" -p casedesk-desktop --features tauri/custom-protocol "$@")
  target=${CARGO_TARGET_DIR:-target}
  case "$target" in /*) ;; *) target="$DESK_ROOT/$target" ;; esac
  DESK_TARGET="$target"
  DESK_BIN="$target/$profile/casedesk-desktop"
  [ -x "$DESK_BIN" ] || { desk_log "no binary at $DESK_BIN"; exit 1; }
}

desk_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

desk_wait_port() {
  local port=$1 pid=$2 i
  for i in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# Starts Xvfb and tauri-driver; exports what the Python side reads (see tests/desktop/desk.py).
desk_start() {
  DESK_TMP=$(mktemp -d /tmp/casedesk-desktop.XXXXXX)
  mkdir -p "$DESK_TMP/data" "$DESK_TMP/config" "$DESK_TMP/cache" "$DESK_TMP/run"
  chmod 700 "$DESK_TMP/run"
  export XDG_DATA_HOME="$DESK_TMP/data" XDG_CONFIG_HOME="$DESK_TMP/config" XDG_CACHE_HOME="$DESK_TMP/cache"
  # A private runtime dir and no session bus: the single-instance plugin then cannot find (and
  # hand over to) a CaseDesk the developer has open, and nothing is shared between runs.
  export XDG_RUNTIME_DIR="$DESK_TMP/run"
  unset DBUS_SESSION_BUS_ADDRESS WAYLAND_DISPLAY
  export NO_AT_BRIDGE=1 GDK_BACKEND=x11 LANG=C.UTF-8 TZ=Asia/Shanghai
  # The system's "open with" (xdg-open, which the app runs to open an issued PDF) is a script
  # that writes down what it was asked to open: the tests read DESK_OPENED, and no viewer starts.
  mkdir -p "$DESK_TMP/bin"
  export DESK_OPENED="$DESK_TMP/opened.txt"
  printf '#!/bin/sh\nprintf "%%s\\n" "$1" >> "%s"\n' "$DESK_OPENED" > "$DESK_TMP/bin/xdg-open"
  chmod +x "$DESK_TMP/bin/xdg-open"
  export PATH="$DESK_TMP/bin:$PATH"

  Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$DESK_TMP/display" >"$DESK_TMP/xvfb.log" 2>&1 &
  DESK_PIDS+=($!)
  local i
  for i in $(seq 1 100); do
    [ -s "$DESK_TMP/display" ] && break
    kill -0 "${DESK_PIDS[-1]}" 2>/dev/null || { cat "$DESK_TMP/xvfb.log" >&2; desk_log "Xvfb failed"; exit 1; }
    sleep 0.05
  done
  export DISPLAY=":$(tr -dc 0-9 <"$DESK_TMP/display")"

  local port native tries
  for tries in 1 2 3; do
    port=$(desk_free_port)
    native=$(desk_free_port)
    [ "$port" != "$native" ] || continue
    "$DESK_TAURI_DRIVER" --port "$port" --native-port "$native" >"$DESK_TMP/tauri-driver.log" 2>&1 &
    local tpid=$!
    if desk_wait_port "$port" "$tpid"; then
      DESK_PIDS+=("$tpid")
      export TAURI_DRIVER_URL="http://127.0.0.1:$port" TAURI_DRIVER_PID="$tpid"
      export CASEDESK_DESKTOP_BIN="$DESK_BIN"
      desk_log "Xvfb $DISPLAY (pid ${DESK_PIDS[0]}), tauri-driver $TAURI_DRIVER_URL (pid $tpid), temp $DESK_TMP"
      return 0
    fi
    desk_kill_tree "$tpid"
  done
  cat "$DESK_TMP/tauri-driver.log" >&2
  desk_log "tauri-driver did not start"
  exit 1
}

desk_descendants() {
  local c
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    desk_descendants "$c"
    echo "$c"
  done
}

# Kills `pid` and everything below it (children first), exactly those processes.
desk_kill_tree() {
  local pid=$1 pids p i
  pids=$(desk_descendants "$pid")
  pids="$pids $pid"
  for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
  for i in $(seq 1 20); do
    local any=0
    for p in $pids; do kill -0 "$p" 2>/dev/null && any=1; done
    [ $any = 0 ] && break
    sleep 0.1
  done
  for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done
  for p in $pids; do wait "$p" 2>/dev/null || true; done
}

desk_cleanup() {
  local i
  # Newest first: tauri-driver (with WebKitWebDriver and any app left), then Xvfb.
  for ((i = ${#DESK_PIDS[@]} - 1; i >= 0; i--)); do
    desk_kill_tree "${DESK_PIDS[$i]}"
  done
  DESK_PIDS=()
  if [ -n "$DESK_TMP" ] && [ -d "$DESK_TMP" ] && [ -z "${DESK_KEEP_TMP:-}" ]; then
    rm -rf "$DESK_TMP"
  fi
}
