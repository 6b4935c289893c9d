#!/bin/sh
# `make run`'s check of the evaluator's interpreter (python3 on PATH, as `passk run` uses by default):
# missing or older than 3.10 stops here with the package to install, instead of failing inside the
# evaluator daemons' logs. Python 3.10-3.13 is supported (docs/install.md); a newer one is warned about.
set -eu
py=${PASSK_PYTHON:-python3}
if ! command -v "$py" >/dev/null 2>&1; then
  echo "need-python: $py is not on PATH; evaluated programs run on it. Debian/Ubuntu: apt-get install python3 (3.10-3.13)" >&2
  exit 1
fi
v=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || {
  echo "need-python: $py does not run; Debian/Ubuntu: apt-get install --reinstall python3" >&2
  exit 1
}
case "$v" in
  3.1[0-3]) ;;
  3.[0-9]) echo "need-python: $py is Python $v; passk needs 3.10-3.13. Debian/Ubuntu: apt-get install python3 (Ubuntu 22.04 has 3.10)" >&2; exit 1 ;;
  *) echo "need-python: $py is Python $v; passk is tested on 3.10-3.13 (continuing)" >&2 ;;
esac
