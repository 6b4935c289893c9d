#!/bin/sh
# Put `passk` on PATH: a symlink to this checkout's bin/passk in PASSK_BIN_DIR (default: /usr/local/bin when
# writable, else ~/.local/bin). Run by `make build` (and so by make run / make test); says what it did once.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
target="$root/bin/passk"
dir=${PASSK_BIN_DIR:-}
if [ -z "$dir" ]; then
  if [ -w /usr/local/bin ]; then dir=/usr/local/bin; else dir="$HOME/.local/bin"; fi
fi
mkdir -p "$dir" 2>/dev/null || { echo "link-passk: cannot create $dir; run $target directly (or set PASSK_BIN_DIR)"; exit 0; }
link="$dir/passk"
if [ -L "$link" ] && [ "$(readlink "$link")" = "$target" ]; then exit 0; fi
if [ -e "$link" ] && [ ! -L "$link" ]; then echo "link-passk: $link exists and is not a link; left alone (run $target directly)"; exit 0; fi
ln -sf "$target" "$link" || { echo "link-passk: cannot write $link; run $target directly (or set PASSK_BIN_DIR)"; exit 0; }
echo "link-passk: $link -> $target"
case ":$PATH:" in *":$dir:"*) ;; *) echo "link-passk: $dir is not on PATH; add it (export PATH=\"$dir:\$PATH\") or run $target" ;; esac
