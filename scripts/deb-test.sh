#!/usr/bin/env bash
# The .deb on a machine that has nothing: a fresh Debian 12 root made with debootstrap, the
# package installed with dpkg -i and its dependencies with apt-get -f install, the app started
# under Xvfb with a fresh database, a screenshot of its window (test-artifacts/deb/), then
# `apt-get purge` and a check that no file of the package is left. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
deb=$(ls -t target/release/bundle/deb/*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "no .deb: run make deb first" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "deb-test needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
out=test-artifacts/deb
mkdir -p "$out"
root=$(mktemp -d /var/tmp/casedesk-deb.XXXXXX)
cleanup() {
  for m in dev/pts dev proc sys tmp/.X11-unix; do umount -l "$root/$m" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT
echo "[deb] $(du -h "$deb" | cut -f1) $deb"
dpkg-deb -I "$deb" | sed -n '/Depends/p;/Installed-Size/p'
echo "[deb] debootstrap (minbase) into $root"
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >/dev/null
mount --bind /proc "$root/proc"; mount --bind /sys "$root/sys"; mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp "$deb" "$root/tmp/casedesk.deb"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
in_root apt-get update -qq
before=$(in_root dpkg-query -W -f '${Package}\n' | sort)
echo "[deb] dpkg -i, then apt-get -f install"
in_root dpkg -i /tmp/casedesk.deb >/dev/null 2>&1 || true
in_root env DEBIAN_FRONTEND=noninteractive apt-get -f install -y -qq --no-install-recommends >/dev/null
in_root dpkg -s casedesk >/dev/null
echo "[deb] installed: $(in_root dpkg-query -W -f '${Installed-Size}' casedesk) KiB"
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends xvfb xauth imagemagick >/dev/null
files=$(in_root dpkg -L casedesk)
cat > "$root/tmp/run.sh" <<'RUN'
#!/bin/sh
export HOME=/tmp/home XDG_DATA_HOME=/tmp/home/data XDG_CONFIG_HOME=/tmp/home/config XDG_CACHE_HOME=/tmp/home/cache NO_AT_BRIDGE=1
mkdir -p $XDG_DATA_HOME $XDG_CONFIG_HOME $XDG_CACHE_HOME
Xvfb :77 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
sleep 2
DISPLAY=:77 CASEDESK_DB=/tmp/home/station.db casedesk-desktop >/tmp/app.log 2>&1 & app=$!
ok=0
for i in $(seq 1 60); do
  sleep 1
  if DISPLAY=:77 import -window root /tmp/shot.png 2>/dev/null; then
    # A window with content: the picture has more than a handful of colours.
    n=$(convert /tmp/shot.png -format %k info: 2>/dev/null || echo 0)
    if [ "${n:-0}" -gt 50 ]; then ok=1; break; fi
  fi
done
kill $app $xvfb 2>/dev/null; wait 2>/dev/null
[ $ok = 1 ] || { echo "the window never showed:"; cat /tmp/app.log; exit 1; }
RUN
chmod +x "$root/tmp/run.sh"
echo "[deb] start under Xvfb"
in_root /tmp/run.sh
cp "$root/tmp/shot.png" "$out/installed.png"
echo "[deb] screenshot: $out/installed.png"
echo "[deb] apt-get purge"
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq casedesk >/dev/null
left=0
for f in $files; do
  if [ -f "$root$f" ]; then echo "left behind: $f"; left=1; fi
done
in_root dpkg -s casedesk >/dev/null 2>&1 && { echo "still installed"; exit 1; }
[ $left = 0 ] || exit 1
echo "[deb] installed, started, shown and removed cleanly"
