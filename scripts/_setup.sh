# Shared set-up for scripts/serve, scripts/test and friends (sourced, not run).
# Creates .venv when missing and installs the project from the pinned constraints; skips the
# install when pyproject.toml and constraints.txt are unchanged since the last one.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export NO_MKDOCS_2_WARNING=1
# Reproducible builds: every timestamp comes from the last commit (see issue "reproducible").
if [ -z "${SOURCE_DATE_EPOCH:-}" ] && git -C "$ROOT" rev-parse HEAD >/dev/null 2>&1; then
  SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct)
  export SOURCE_DATE_EPOCH
fi

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "genai-notes needs Python 3.11 or newer as '$PYTHON' (set PYTHON=... to choose one)." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv ..." >&2
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.genai-notes-installed
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "Installing genai-notes and its pinned dependencies into .venv ..." >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check \
    -c constraints.txt -e ".[test]"
  echo "$want" >"$stamp"
fi
# The site's npm packages (the math font the build copies into the site).
if [ -f package-lock.json ]; then
  npm_stamp=node_modules/.genai-notes-installed
  npm_want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_want" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "genai-notes needs npm to install the math font (apt-get install npm)." >&2
      exit 1
    fi
    echo "Installing the site's npm packages ..." >&2
    npm ci --no-audit --no-fund --silent
    echo "$npm_want" >"$npm_stamp"
  fi
fi
export PATH="$ROOT/.venv/bin:$PATH"
