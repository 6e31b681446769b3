#!/bin/sh
# Installs pump on a board (Raspberry Pi OS, Debian, Ubuntu) from a downloaded binary or .deb:
# the binary, the systemd unit, /etc/pump.io.json with a generated secret, then the service
# enabled and started. Running it again changes nothing but what you ask for.
#   sudo sh install.sh --binary ./pump --hostname pump.example.org
#   sudo sh install.sh --deb ./pump_0.1.0_arm64.deb
#   sudo sh install.sh --uninstall            # keeps /etc/pump.io.json and /var/lib/pump
#   sudo sh install.sh --uninstall --purge    # removes them too
# Options: --port N (default 80), --yes (ask nothing). PUMP_ROOT and SYSTEMCTL exist for tests.
set -eu

ROOT="${PUMP_ROOT:-}"
SYSTEMCTL="${SYSTEMCTL:-systemctl}"
binary="" deb="" hostname="" port="" uninstall=0 purge=0 yes=0

die() { echo "install.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --deb) deb="$2"; shift 2 ;;
    --hostname) hostname="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    --purge) purge=1; shift ;;
    --yes|-y) yes=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

[ -n "$ROOT" ] || [ "$(id -u)" = 0 ] || die "run it as root (sudo sh $0 …)"

config="$ROOT/etc/pump.io.json"
unit="$ROOT/etc/systemd/system/pump.service"
bin="$ROOT/usr/bin/pump"

from_deb() { [ -z "$ROOT" ] && command -v dpkg-query >/dev/null && dpkg-query -W pump >/dev/null 2>&1; }

if [ "$uninstall" = 1 ]; then
  $SYSTEMCTL disable --now pump.service >/dev/null 2>&1 || true
  if from_deb; then
    if [ "$purge" = 1 ]; then apt-get purge -y pump; else apt-get remove -y pump; fi
  else
    rm -f "$unit" "$bin"
    $SYSTEMCTL daemon-reload >/dev/null 2>&1 || true
    if [ "$purge" = 1 ]; then
      rm -f "$config"
      rm -rf "$ROOT/var/lib/private/pump" "$ROOT/var/lib/pump"
    fi
  fi
  if [ "$purge" = 1 ]; then echo "pump removed, with its data and config"; else
    echo "pump removed; its data (/var/lib/pump) and config (/etc/pump.io.json) are kept"; fi
  exit 0
fi

if [ -n "$deb" ]; then
  [ -f "$deb" ] || die "no such file: $deb"
  [ -z "$ROOT" ] || die "--deb cannot install into PUMP_ROOT"
  apt-get install -y "$(realpath "$deb")"
else
  [ -n "$binary" ] || binary="$(dirname "$0")/pump"
  [ -x "$binary" ] || die "no pump binary at $binary (give --binary FILE or --deb FILE)"
  "$binary" --version >/dev/null || die "$binary does not run on this machine (wrong architecture?)"
  mkdir -p "$(dirname "$bin")" "$(dirname "$unit")"
  if ! cmp -s "$binary" "$bin" 2>/dev/null; then install -m 0755 "$binary" "$bin"; fi
  "$bin" systemd-unit > "$unit.new"
  if cmp -s "$unit.new" "$unit" 2>/dev/null; then rm -f "$unit.new"; else mv "$unit.new" "$unit"; fi
fi

if [ ! -e "$config" ] && [ -z "$hostname" ]; then
  guess="$(hostname -f 2>/dev/null || hostname)"
  if [ "$yes" = 1 ] || [ ! -t 0 ]; then
    hostname="$guess"
  else
    printf 'Host name people will use to reach this server [%s]: ' "$guess"
    read -r hostname || true
    [ -n "$hostname" ] || hostname="$guess"
  fi
fi
set -- "$config"
[ -z "$hostname" ] || set -- --hostname "$hostname" "$@"
[ -z "$port" ] || set -- --port "$port" "$@"
"$bin" init-config "$@" >/dev/null

$SYSTEMCTL daemon-reload
$SYSTEMCTL enable pump.service >/dev/null
$SYSTEMCTL restart pump.service

host=$(sed -n 's/^ *"hostname": "\(.*\)",*$/\1/p' "$config" | head -n1)
p=$(sed -n 's/^ *"port": \([0-9]*\),*$/\1/p' "$config" | head -n1)
scheme=http
grep -q '"cert"' "$config" && scheme=https
case "$scheme:$p" in http:80|https:443) url="$scheme://$host/" ;; *) url="$scheme://$host:$p/" ;; esac
echo "pump is running: $url"
echo "  logs: journalctl -u pump    config: /etc/pump.io.json    data: /var/lib/pump"
