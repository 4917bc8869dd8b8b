#!/usr/bin/env bash
# Create .venv with Python 3.10 and install the project (skipped when pyproject.toml is unchanged).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ -x .venv/bin/python ] && [ -f "$stamp" ]; then exit 0; fi
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
  py=$(bash scripts/find_python.sh)
  echo "==> creating .venv with $py"
  rm -rf .venv
  "$py" -m venv .venv
fi
echo "==> installing packages (first time: about 3 minutes)"
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
rm -f .venv/.installed-*
touch "$stamp"
