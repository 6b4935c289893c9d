#!/usr/bin/env bash
# Test prerequisites that npm cannot install: Python 3.11 (evaluated code runs on it), a real
# redis-server (the multi-machine mode is tested against it), Chromium (report.html is checked in a real
# browser) and DejaVu fonts (PNG chart labels). Debian packages; idempotent; run by `make test`.
set -euo pipefail
if [ ! -x /usr/bin/python3.11 ] && ! command -v python3 >/dev/null; then
  echo "setup: python3 (3.11) is required" >&2; exit 1
fi
need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v chromium >/dev/null || need+=(chromium)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
/usr/bin/python3 -m flake8 --version >/dev/null 2>&1 || need+=(python3-flake8)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    echo "setup: please install: ${need[*]} (Debian packages)" >&2; exit 1
  fi
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  echo "setup: installing ${need[*]} from Debian"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
