#!/usr/bin/env bash
# Test prerequisites that npm cannot install. Idempotent; run by `make test`.
set -euo pipefail
if [ ! -x /usr/bin/python3.11 ] && ! command -v python3 >/dev/null; then
  echo "setup: python3 is required (Python 3.11)" >&2; exit 1
fi
