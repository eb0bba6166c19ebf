# shellcheck shell=bash
# Shared set-up for scripts/serve, scripts/test and friends (sourced, not run).
#
# Creates .venv when missing, rebuilds it when it is broken (no pip, a half-finished install,
# a Python that no longer runs or is not the one asked for), and installs the project from the
# pinned constraints. What gets installed depends on GENAI_SETUP, set before sourcing:
#   serve  the site and its build (mkdocs, Material, matplotlib, ...): scripts/serve, scripts/mkdocs
#   test   serve plus the test tools (pytest, Playwright, ruff, mypy, ...): the default
#   dev    test plus pre-commit and its hooks (.pre-commit-config.yaml)
# A stamp in .venv records what was installed from which pyproject.toml and constraints.txt, so
# an unchanged set-up costs one quick check. Every stage prints one line on stderr; a long pip
# run shows pip's latest line every few seconds (GENAI_SETUP_VERBOSE=1 shows all of pip's output).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# Material for MkDocs prints an end-of-life banner on every mkdocs run unless this is set
# (material/templates/__init__.py); the second variable silences its note about ProperDocs.
export NO_MKDOCS_2_WARNING=1
export DISABLE_MKDOCS_2_WARNING=true
# Reproducible builds: every timestamp comes from the last commit (see issue "reproducible").
if [ -z "${SOURCE_DATE_EPOCH:-}" ] && git -C "$ROOT" rev-parse HEAD >/dev/null 2>&1; then
  SOURCE_DATE_EPOCH=$(git -C "$ROOT" log -1 --format=%ct)
  export SOURCE_DATE_EPOCH
fi

_say() { echo "[setup] $*" >&2; }

# Run pip with its output in a log; print its latest line every few seconds while it works,
# and the end of the log when it fails.
_pip() {
  local log=.venv/.genai-notes-pip.log
  if [ "${GENAI_SETUP_VERBOSE:-}" = 1 ]; then
    .venv/bin/python -m pip --disable-pip-version-check "$@"
    return
  fi
  .venv/bin/python -m pip --disable-pip-version-check "$1" --progress-bar off "${@:2}" >"$log" 2>&1 &
  local pid=$! began=$SECONDS next=$((SECONDS + 8)) last
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if [ "$SECONDS" -ge "$next" ]; then
      next=$((SECONDS + 8))
      last=$(grep -v '^WARNING: Location' "$log" | tail -n 1 | cut -c1-80)
      case "$last" in
        "Installing collected packages"*)
          # One long line while pip unpacks: count what is in place instead.
          last="installing packages ($(find .venv/lib -maxdepth 3 -name '*.dist-info' | wc -l) in .venv so far)"
          ;;
      esac
      _say "  ... $((SECONDS - began))s: ${last:-working}"
    fi
  done
  if ! wait "$pid"; then
    _say "pip failed; the end of its output ($ROOT/$log):"
    tail -n 25 "$log" >&2
    return 1
  fi
}

# Why .venv cannot be used as it is (empty when it can).
_venv_problem() {
  if [ ! -e .venv ]; then
    return 0
  fi
  if [ ! -x .venv/bin/python ]; then
    echo ".venv has no runnable bin/python"
  elif ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo ".venv's Python does not run or is older than 3.11"
  elif [ -n "${PYTHON:-}" ] && [ "$(.venv/bin/python -c 'import sys; print(sys.version_info[:2])')" \
    != "$("$PYTHON" -c 'import sys; print(sys.version_info[:2])')" ]; then
    echo ".venv was made with another Python than PYTHON=$PYTHON"
  elif ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
    echo ".venv has no working pip"
  elif [ -e .venv/.genai-notes-installing ]; then
    echo "the last install into .venv did not finish"
  fi
}

_genai_setup() {
  local level=${GENAI_SETUP:-test} extras python problem started want stamp
  case "$level" in
    serve) extras="" ;;
    test) extras="[test]" ;;
    dev) extras="[dev]" ;;
    *) _say "GENAI_SETUP must be serve, test or dev, not '$level'"; return 1 ;;
  esac
  started=$SECONDS
  python=${PYTHON:-python3}
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    _say "genai-notes needs Python 3.11 or newer as '$python' (set PYTHON=... to choose one)."
    return 1
  fi
  problem=$(_venv_problem)
  if [ -e .venv ] && [ -n "$problem" ]; then
    _say "$problem: removing it and making a new one."
    rm -rf .venv
  fi
  if [ ! -e .venv ]; then
    _say "creating .venv with $("$python" -c 'import sys; print("Python", sys.version.split()[0])') ..."
    "$python" -m venv .venv  # about 10-30 s
  fi
  stamp=.venv/.genai-notes-installed
  want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
  # The stamp is "LEVEL HASH"; a dev install also tests, a test install also serves.
  local enough="dev $want"
  [ "$level" = dev ] || enough="$enough|test $want"
  [ "$level" != serve ] || enough="$enough|serve $want"
  if grep -qxE "$enough" "$stamp" 2>/dev/null \
    && .venv/bin/python -c 'import mkdocs, material, genai_notes' 2>/dev/null; then
    return 0
  fi
  touch .venv/.genai-notes-installing
  _say "upgrading pip in .venv ..."
  _pip install --quiet --upgrade pip
  case "$level" in
    serve) _say "installing genai-notes and what serving needs (pinned; the first time takes 1-3 minutes) ..." ;;
    test) _say "installing genai-notes, its build and the test tools (pinned; the first time takes 2-4 minutes) ..." ;;
    dev) _say "installing genai-notes, the test tools and pre-commit (pinned; the first time takes 2-4 minutes) ..." ;;
  esac
  _pip install -c constraints.txt -e ".$extras"
  echo "$level $want" >"$stamp"
  rm -f .venv/.genai-notes-installing
  _say "ready: .venv set up for '$level' in $((SECONDS - started))s."
}

# Tests source this file with GENAI_SETUP_DEFINE_ONLY=1 to call the functions on their own.
if [ -n "${GENAI_SETUP_DEFINE_ONLY:-}" ]; then
  return 0
fi
_genai_setup
# The site's npm packages (the math font the build copies into the site).
if [ -f package-lock.json ]; then
  npm_stamp=node_modules/.genai-notes-installed
  npm_want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_want" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      _say "genai-notes needs npm to install the math font (apt-get install npm)."
      exit 1
    fi
    _say "installing the site's npm packages (the math font) ..."
    npm ci --no-audit --no-fund --silent
    echo "$npm_want" >"$npm_stamp"
  fi
fi
# The package's bytecode, kept current: Python writes it on import unless
# PYTHONDONTWRITEBYTECODE is set (as on some CI machines), and then every build would compile
# the engine's modules again (about 0.2 s of CPU). Up-to-date files are skipped in milliseconds.
.venv/bin/python -m compileall -q src >/dev/null || _say "could not write bytecode for src/ (builds still work, a little slower)"
export PATH="$ROOT/.venv/bin:$PATH"
