#!/bin/sh
# The Python SDK's checks, as npm test runs them: lint and formatting (ruff), types (mypy --strict)
# and the pytest suite, with the tools of the tests' virtual environment (npm run setup makes it).
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${XRAY_VENV:-$root/.venv}"
[ -x "$venv/bin/python" ] || { echo "$venv/bin/python is missing: run \"npm run setup\" first (npm test does)." >&2; exit 1; }
cd "$root/sdk-python"
python_dirs=". ../bench/python ../e2e/python"
# shellcheck disable=SC2086
"$venv/bin/ruff" check --quiet $python_dirs
# shellcheck disable=SC2086
"$venv/bin/ruff" format --check --quiet $python_dirs
"$venv/bin/mypy" --no-error-summary
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests
