#!/usr/bin/env bash
# Ensures the database is up. With DATABASE_URL set, that server is used and
# nothing is done here. Without it, a project-local PostgreSQL + PostGIS
# cluster lives in .pgdata (git-ignored), listening only on a Unix socket in
# .pgdata/run; it is created and started on demand.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${DATABASE_URL:-}" ] && exit 0

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] || { echo "db: no PostgreSQL server binaries found; run scripts/setup.sh" >&2; exit 1; }
DATA=$PWD/.pgdata
RUN=$DATA/run

# initdb refuses to run as root, so as root the cluster belongs to the
# 'postgres' system user (created by the Debian package).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ ! -f "$DATA/cluster/PG_VERSION" ]; then
  mkdir -p "$DATA/cluster" "$RUN"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$DATA"
  if ! as_owner test -w "$DATA/cluster"; then
    echo "db: the postgres user cannot write $DATA (a parent folder is not traversable); set DATABASE_URL instead" >&2
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
"$PGBIN/psql" -q -h "$RUN" -U gridmgmt -d gridmgmt -c "create extension if not exists postgis" >/dev/null
