#!/usr/bin/env bash
# Ensures the database is up. With DATABASE_URL set, that server is used and
# nothing is done here. Without it, a project-local PostgreSQL + PostGIS
# cluster is reached through .pgdata (git-ignored), listening only on a Unix
# socket in .pgdata/run; it is created and started on demand.
#
# initdb refuses to run as root, so as root the cluster belongs to the
# 'postgres' system user. That user may not be able to enter the clone (a
# clone under /root, or any folder only its owner can enter), so as root the
# cluster lives in /var/lib/gridmgmt/<hash of the clone's path>, which the
# postgres user owns, and .pgdata is a symlink to it. As anyone else the
# cluster is .pgdata itself and runs as that user.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${DATABASE_URL:-}" ] && exit 0

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] || { echo "db: no PostgreSQL server binaries found; run scripts/setup.sh" >&2; exit 1; }

as_owner() {
  # (from /: the postgres user may not be able to enter the clone)
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# (.pgdata may also be a symlink whose folder was removed: make it again.)
if [ "$(id -u)" -eq 0 ] && { [ -L .pgdata ] || [ ! -e .pgdata ]; } && [ ! -d .pgdata/cluster ]; then
  state=/var/lib/gridmgmt/$(pwd -P | sha256sum | cut -c1-16)
  mkdir -p "$state"
  chown postgres:postgres "$state" && chmod 700 "$state"
  printf '%s\n' "$(pwd -P)" > "$state.clone"  # which clone a folder belongs to, for whoever cleans up
  ln -sfn "$state" .pgdata
fi
mkdir -p .pgdata
DATA=$(readlink -f .pgdata)
RUN=$DATA/run

# `scripts/db.sh stop` (make stop): the cluster keeps running after make run ends, for the next run.
if [ "${1:-}" = "stop" ]; then
  if [ -f "$DATA/cluster/PG_VERSION" ] && as_owner "$PGBIN/pg_ctl" -D "$DATA/cluster" status >/dev/null 2>&1; then
    as_owner "$PGBIN/pg_ctl" -D "$DATA/cluster" -w -m fast stop >/dev/null
    echo "db: stopped the project's PostgreSQL cluster ($DATA)"
  else
    echo "db: the project's PostgreSQL cluster is not running"
  fi
  exit 0
fi

if [ ! -f "$DATA/cluster/PG_VERSION" ]; then
  mkdir -p "$DATA/cluster" "$RUN"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$DATA"
  if ! as_owner test -w "$DATA/cluster"; then
    echo "db: the postgres user cannot write $DATA (a parent folder is not traversable); remove it and run again, or set DATABASE_URL" >&2
    exit 1
  fi
  as_owner "$PGBIN/initdb" -D "$DATA/cluster" -U gridmgmt --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi

# max_prepared_transactions: big imports commit over two connections at once
# (gridmgmt/events/import_parallel.py). shared_buffers: the default 128 MB
# is for small machines. fsync is off: this cluster is for
# development and tests, never for data that must survive a power cut.
OPTIONS="-c listen_addresses='' -k $RUN -c fsync=off -c full_page_writes=off -c max_prepared_transactions=16 -c shared_buffers=1GB -c max_wal_size=4GB"
if ! as_owner "$PGBIN/pg_ctl" -D "$DATA/cluster" status >/dev/null 2>&1; then
  rm -f "$RUN"/.s.PGSQL.* "$RUN"/.s.PGSQL.*.lock
  as_owner "$PGBIN/pg_ctl" -D "$DATA/cluster" -l "$DATA/server.log" -w -o "$OPTIONS" start >/dev/null
elif [ "$("$PGBIN/psql" -h "$RUN" -U gridmgmt -d postgres -tAc 'show max_prepared_transactions')" = "0" ]; then
  # started by an older version of this script
  as_owner "$PGBIN/pg_ctl" -D "$DATA/cluster" -l "$DATA/server.log" -w -m fast -o "$OPTIONS" restart >/dev/null
fi

if ! "$PGBIN/psql" -h "$RUN" -U gridmgmt -d postgres -tAc "select 1 from pg_database where datname='gridmgmt'" | grep -q 1; then
  "$PGBIN/createdb" -h "$RUN" -U gridmgmt gridmgmt
fi
PGOPTIONS="-c client_min_messages=warning" "$PGBIN/psql" -q -h "$RUN" -U gridmgmt -d gridmgmt -c "create extension if not exists postgis" >/dev/null
