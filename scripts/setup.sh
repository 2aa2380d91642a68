#!/usr/bin/env bash
# Installs what is missing on a Debian/Ubuntu machine: OS packages (PostGIS,
# GDAL, Chromium for browser tests, the brokers, npm), the Python packages in
# .venv and the front-end packages in frontend/node_modules.
# Idempotent and quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# redis-server: Celery's broker; mosquitto: the sensors' MQTT broker (both
# started by scripts/services.sh). nginx and systemd: deploy/ is validated
# with `nginx -t` and `systemd-analyze verify` by the tests.
PACKAGES=(postgresql postgresql-postgis gdal-bin libgdal-dev libpq-dev python3-venv python3-dev gcc chromium fonts-noto-cjk gettext
          redis-server mosquitto nginx systemd npm)
missing=()
present() {
  case "$1" in
    # Any PostGIS matching an installed server will do; the metapackage follows Debian's default.
    postgresql-postgis) ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 ;;
    # Node.js from elsewhere (e.g. NodeSource) brings its own npm.
    npm) command -v npm >/dev/null 2>&1 ;;
    *) dpkg -s "$1" >/dev/null 2>&1 ;;
  esac
}
for pkg in "${PACKAGES[@]}"; do
  present "$pkg" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing OS packages: ${missing[*]}"
  $SUDO apt-get update -q
  # The packages' own services (a PostgreSQL cluster, nginx on port 80, ...)
  # are not started on install: scripts/db.sh and scripts/services.sh start
  # what the project uses. policy-rc.d is Debian's switch for that.
  guard=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    guard=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$guard" >/dev/null && $SUDO chmod 755 "$guard"
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}" || { [ -z "$guard" ] || $SUDO rm -f "$guard"; exit 1; }
  [ -z "$guard" ] || $SUDO rm -f "$guard"
fi

# The distribution's interpreter (python3-venv above), even where another
# python3 comes first on PATH: Debian's is built with profile-guided and
# link-time optimisation, and generating the Yuexiu grids takes ~18 % less CPU
# on it than on a plain source build (pyenv's default), with the same grids.
PYTHON=/usr/bin/python3
stamp=.venv/.requirements.sha256
# The stamp covers the interpreter too: a venv made by another one is rebuilt.
want=$({ sha256sum requirements.txt; "$PYTHON" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages into .venv"
  "$PYTHON" -m venv --clear .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r requirements.txt
  echo "$want" > "$stamp"
fi

# The grid generator's numba kernels, compiled once into spatial/__pycache__
# (numba checks they match the source), so no process compiles them on its
# first generation: about 20 s of CPU after an install, then 1-2 s to load.
.venv/bin/python -c 'from spatial.partition import load_kernels; load_kernels()'

# Front-end libraries (Leaflet and its plugins) from the npm registry, exactly
# as package-lock.json pins them; served locally under static/vendor/.
npm_stamp=frontend/node_modules/.package-lock.sha256
npm_want=$(sha256sum frontend/package-lock.json | cut -d' ' -f1)
if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_want" ]; then
  echo "setup: installing front-end packages (npm ci)"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
  echo "$npm_want" > "$npm_stamp"
fi
