# Sourced by scripts/start and scripts/test: create .venv if it is missing.
# Debian's python3 ships without venv/ensurepip (package python3-venv): install it then.
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ! -x .venv/bin/python ]; then
  if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
    as_root apt-get update -qq
    as_root apt-get install -y -qq python3-venv >/dev/null
  fi
  python3 -m venv .venv
fi
