#!/usr/bin/env bash
# Installs what is missing on a Debian/Ubuntu machine: OS packages (PostGIS,
# GDAL, Chromium for browser tests) and the Python packages in .venv.
# Idempotent and quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

PACKAGES=(postgresql postgresql-postgis gdal-bin libgdal-dev libpq-dev python3-venv python3-dev gcc chromium fonts-noto-cjk gettext)
missing=()
present() {
  case "$1" in
    # Any PostGIS matching an installed server will do; the metapackage follows Debian's default.
    postgresql-postgis) ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 ;;
    *) dpkg -s "$1" >/dev/null 2>&1 ;;
  esac
}
for pkg in "${PACKAGES[@]}"; do
  present "$pkg" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing OS packages: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages into .venv"
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r requirements.txt
  echo "$want" > "$stamp"
fi

# Front-end libraries (Leaflet and its plugins) from the npm registry, exactly
# as package-lock.json pins them; served locally under static/vendor/.
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing Node.js and npm"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q nodejs npm
fi
npm_stamp=frontend/node_modules/.package-lock.sha256
npm_want=$(sha256sum frontend/package-lock.json | cut -d' ' -f1)
if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_want" ]; then
  echo "setup: installing front-end packages (npm ci)"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
  echo "$npm_want" > "$npm_stamp"
fi
