# Sourced by the scripts: make sure .venv exists and holds nodeweave with the given extras.
# Usage: ensure_venv [EXTRAS]   (e.g. ensure_venv test)
# The install is skipped when nothing it depends on changed since the last one (pyproject.toml,
# the extras asked for, the Python): running the product again starts at once.
ensure_venv() {
  local extras="${1:-}"
  if [ ! -x .venv/bin/python ]; then
    if ! python3 -m venv .venv 2>/dev/null; then
      # Debian splits venv/ensurepip out of python3; install it when we can.
      rm -rf .venv
      if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq python3-venv python3-pip >/dev/null
      fi
      python3 -m venv .venv
    fi
  fi
  local stamp_file=".venv/.nodeweave-install-${extras:-base}"
  local stamp
  stamp="$( { cat pyproject.toml; echo "extras=$extras"; .venv/bin/python -VV; } | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] \
    && .venv/bin/python -c "import nodeweave" 2>/dev/null; then
    return 0
  fi
  local spec="."
  [ -n "$extras" ] && spec=".[$extras]"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e "$spec" 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" || true
  .venv/bin/python -c "import nodeweave" || { echo "installing nodeweave failed" >&2; exit 1; }
  echo "$stamp" > "$stamp_file"
}
