#!/bin/sh
# passk Node bootstrap, run by `make` before anything needs Node (docs/install.md).
#
# A Node >= 20.17 on PATH: nothing to do, nothing printed (one `node --version`).
# Otherwise: fetch the pinned official Node 20 release tarball for this machine (linux x64 or
# arm64) into a project-local tools dir (no root, no package manager), resume a partial download,
# check the pinned SHA-256, unpack it, and say so in one line. The Makefile puts
# $PASSK_TOOLS_DIR/node/bin first on PATH, so every later step (npm, tsc, bin/passk) uses it.
#
# Overrides (environment or make variables), for mirrors and tests:
#   PASSK_TOOLS_DIR   where Node goes                     [<repo>/.tools]
#   NODE_DIST_URL     base URL of a nodejs.org/dist mirror [https://nodejs.org/dist]
#   NODE_TARBALL_URL  the tarball's full URL               [$NODE_DIST_URL/v<ver>/node-v<ver>-linux-<arch>.tar.gz]
#   NODE_SHA256       its SHA-256 (required with another NODE_VERSION) [pinned below]
#   NODE_VERSION      another release                      [20.20.2]
#   NODE_ARCH         x64 or arm64                         [from uname -m]
set -eu

MIN_MAJOR=20
MIN_MINOR=17 # package.json "engines": node >= 20.17
PINNED_VERSION=20.20.2
# SHA-256 of the official tarballs, from the release's signed SHASUMS256.txt. 20.20.2 is the last
# Node 20 release (end of life April 2026); a move to 22 changes these three lines and package.json.
PINNED_SHA256_X64=19e56f0825510207dd904f087fe52faa0a4eb6b2aab5f0ea7a33830d04888b8b
PINNED_SHA256_ARM64=47ef73d543ecf6eb19435f6c03a0ac4809b3bf0dd6b26c7c571efc2a6572a74d

say() { echo "node-bootstrap: $*"; }
die() { echo "node-bootstrap: $*" >&2; exit 1; }

repo=$(cd "$(dirname "$0")/.." && pwd)
tools=${PASSK_TOOLS_DIR:-$repo/.tools}
own="$tools/node/bin/node"

# "vMAJOR.MINOR.PATCH" of a node binary, or nothing if it does not run.
node_version() { "$1" --version 2>/dev/null || true; }
recent_enough() {
  v=${1#v}
  major=${v%%.*}
  rest=${v#*.}
  minor=${rest%%.*}
  case "$major$minor" in '' | *[!0-9]*) return 1 ;; esac
  [ "$major" -gt "$MIN_MAJOR" ] || { [ "$major" -eq "$MIN_MAJOR" ] && [ "$minor" -ge "$MIN_MINOR" ]; }
}

found=$(command -v node 2>/dev/null || true)
if [ -n "$found" ]; then
  have=$(node_version "$found")
  if recent_enough "$have"; then
    [ "$found" = "$own" ] && say "using passk's own Node $have ($tools/node)"
    exit 0
  fi
  why="Node ${have:-that does not run} at $found is older than $MIN_MAJOR.$MIN_MINOR"
else
  why="no node on PATH"
fi
if [ -x "$own" ] && recent_enough "$(node_version "$own")"; then
  # Installed earlier, but the caller's PATH does not have it first (not run from make).
  say "$why; passk's own Node is in $tools/node/bin (make puts it first on PATH)"
  exit 0
fi

case "${NODE_ARCH:-$(uname -m)}" in
  x86_64 | amd64 | x64) arch=x64 pinned=$PINNED_SHA256_X64 ;;
  aarch64 | arm64) arch=arm64 pinned=$PINNED_SHA256_ARM64 ;;
  *) die "$why, and there is no pinned Node for $(uname -m); install Node >= $MIN_MAJOR.$MIN_MINOR yourself" ;;
esac
[ "$(uname -s)" = Linux ] || [ -n "${NODE_ARCH:-}" ] || die "$why; the bootstrap fetches Linux builds only: install Node >= $MIN_MAJOR.$MIN_MINOR yourself"
version=${NODE_VERSION:-$PINNED_VERSION}
if [ "$version" != "$PINNED_VERSION" ] && [ -z "${NODE_SHA256:-}" ]; then
  die "NODE_VERSION=$version needs NODE_SHA256 (the pinned checksum is for $PINNED_VERSION)"
fi
sha=${NODE_SHA256:-$pinned}
name="node-v$version-linux-$arch"
url=${NODE_TARBALL_URL:-${NODE_DIST_URL:-https://nodejs.org/dist}/v$version/$name.tar.gz}

command -v curl >/dev/null 2>&1 || die "$why, and curl is missing to fetch one (Debian/Ubuntu: apt-get install curl)"
if command -v sha256sum >/dev/null 2>&1; then
  sum() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
  sum() { shasum -a 256 "$1" | cut -d' ' -f1; }
else
  die "$why, and neither sha256sum nor shasum is there to check a download (Debian/Ubuntu: coreutils)"
fi

mkdir -p "$tools"
# Two makes starting at once on a fresh box: the second waits, then finds Node installed.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$tools/.bootstrap.lock"
  flock 9
  if [ -x "$own" ] && recent_enough "$(node_version "$own")"; then
    say "$why; passk's own Node was installed meanwhile by another make, in $tools/node"
    exit 0
  fi
fi
part="$tools/$name.tar.gz.part"
# Resume what an interrupted run left (curl -C -); transfer errors are retried, each attempt
# resuming the last; an HTTP error (curl 22: 404, or 416 for a partial file that is already whole) is not.
fetch() {
  attempt=1
  while :; do
    rc=0
    curl -fsSL --connect-timeout 30 -C - -o "$part" "$url" || rc=$?
    case $rc in 0 | 22) return "$rc" ;; 33) rm -f "$part" ;; esac # 33: the server cannot resume
    [ "$attempt" -ge 4 ] && return "$rc"
    attempt=$((attempt + 1))
  done
}
matches() { [ -s "$part" ] && got=$(sum "$part") && [ "$got" = "$sha" ]; }
failed() { die "download of $url failed (curl exit $rc); run make again to resume, or set NODE_DIST_URL to a mirror"; }
resumed=$([ -s "$part" ] && wc -c <"$part" | tr -d ' ' || echo 0)
fetch || true
if ! matches; then
  # A transfer error keeps the partial file for the next run; so does an HTTP error on a fresh one.
  if [ "$rc" -ne 0 ] && { [ "$rc" -ne 22 ] || [ "$resumed" = 0 ]; }; then failed; fi
  if [ "$resumed" != 0 ]; then
    rm -f "$part" # a stale partial file (another attempt's bytes): one clean download
    resumed=0
    fetch || failed
  fi
  if ! matches; then
    rm -f "$part"
    die "SHA-256 mismatch for $url: expected $sha, got ${got:-an empty file}; nothing installed"
  fi
fi

stage="$tools/.unpack.$$"
rm -rf "$stage"
mkdir -p "$stage"
tar -xzf "$part" -C "$stage" || { rm -rf "$stage"; die "cannot unpack $part"; }
[ -x "$stage/$name/bin/node" ] || { rm -rf "$stage"; die "$url has no $name/bin/node"; }
# The official builds need glibc >= 2.28 (no musl/Alpine, no CentOS 7): say so rather than leave a dead node.
"$stage/$name/bin/node" --version >/dev/null 2>&1 || {
  rm -rf "$stage"
  die "the downloaded Node does not run on this machine (it needs glibc >= 2.28); install Node >= $MIN_MAJOR.$MIN_MINOR yourself"
}
rm -rf "${tools:?}/$name"
mv "$stage/$name" "$tools/$name"
rm -rf "$stage" "$part"
ln -sfn "$name" "$tools/node.new" && mv -T "$tools/node.new" "$tools/node"
how=downloaded
[ "$resumed" != 0 ] && how="resumed at $resumed bytes"
say "$why: installed Node v$version ($arch, $how, SHA-256 checked) in $tools/node; make uses it from now on"
