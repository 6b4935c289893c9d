#!/usr/bin/env bash
# Test prerequisites that npm cannot install, run by `make test` (idempotent; only `command -v`
# checks when everything is there): python3 3.10-3.13 (evaluated code runs on it), a real
# redis-server (the multi-machine mode is tested against it) and Debian's flake8 for
# /usr/bin/python3 (the Python lint gate, `make lint`) are required; Chromium (report.html
# is checked in a real browser, skipped without it) and DejaVu fonts (PNG chart labels) are optional.
# Missing ones are installed with apt-get when it can (root or sudo); otherwise, or when that
# fails, one message per package names the Debian/Ubuntu package to install. See docs/install.md.
set -uo pipefail
say() { echo "setup: $*" >&2; }
os_id=$( (. "${PASSK_OS_RELEASE:-/etc/os-release}" 2>/dev/null && echo "${ID:-}") || true) # tests: PASSK_OS_RELEASE

required=()
optional=()
command -v python3 >/dev/null || required+=(python3)
command -v redis-server >/dev/null || required+=(redis-server)
have_flake8() { /usr/bin/python3 -m flake8 --version >/dev/null 2>&1; }
have_flake8 || required+=(python3-flake8) # make lint (the Python gate; pyright comes from npm)
# Ubuntu ships Chromium only as a snap (`chromium-browser` is a stub that installs it), which does
# not run in a container: not attempted there.
if ! command -v chromium >/dev/null && [ "$os_id" != ubuntu ]; then optional+=(chromium); fi
[ -d /usr/share/fonts/truetype/dejavu ] || optional+=(fonts-dejavu-core)

if [ $((${#required[@]} + ${#optional[@]})) -gt 0 ]; then
  packages=("${required[@]}" "${optional[@]}")
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  if ! command -v apt-get >/dev/null; then
    say "no apt-get here to install ${packages[*]}"
  elif [ -n "$SUDO" ] && ! command -v sudo >/dev/null; then
    say "not root and no sudo: cannot install ${packages[*]}"
  else
    say "installing ${packages[*]} with apt-get"
    { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; } ||
      say "apt-get could not install ${packages[*]} (exit $?)"
  fi
fi

why() {
  case $1 in
    python3) echo "evaluated programs run on it (3.10-3.13; Ubuntu 22.04's python3 is 3.10)" ;;
    redis-server) echo "the multi-machine (BullMQ) tests start a real one" ;;
    chromium) echo "report.html is checked in it; that test is skipped without it" ;;
    fonts-dejavu-core) echo "PNG chart labels; without it the PNG tests may differ" ;;
    python3-flake8) echo "make lint (part of make test) lints the sandbox's Python with it" ;;
  esac
}
missing=0
for p in "${required[@]}"; do
  case $p in python3-flake8) have_flake8 && continue ;; *) command -v "$p" >/dev/null && continue ;; esac
  say "missing $p: $(why "$p"). Install it: sudo apt-get install $p (Debian/Ubuntu package \`$p\`)"
  missing=1
done
for p in "${optional[@]}"; do
  case $p in chromium) command -v chromium >/dev/null && continue ;; *) [ -d /usr/share/fonts/truetype/dejavu ] && continue ;; esac
  say "note: no $p ($(why "$p")); Debian/Ubuntu package \`$p\`"
done
if [ "$os_id" = ubuntu ] && ! command -v chromium >/dev/null; then
  say "note: no chromium: Ubuntu packages it only as a snap, so the report's browser test is skipped"
fi
exit "$missing"
