#!/bin/sh
# A small stand-in for the official image's entrypoint (docker-library/postgres
# docker-entrypoint.sh, docker_create_db_directories and _main), written here, not copied.
# Started as root it does what the official one does as root, the steps whose capabilities the
# postgres profile grants: create PGDATA and the socket folder, chmod them 00700 and 03775
# (a failed chmod is ignored, as there), chown to postgres whatever in them postgres does not
# own (find exits non-zero, and with it the script, when it cannot read a folder), then start
# itself again as postgres (gosu there; setpriv here: the same setgroups, setgid, setuid).
# As postgres: initialise PGDATA on first start, then run postgres listening on every
# interface, with its socket in /var/run/postgresql.
set -e
if [ "$1" = postgres ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA" || :
  mkdir -p /var/run/postgresql || :
  chmod 03775 /var/run/postgresql || :
  find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
  find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
  exec setpriv --reuid=postgres --regid=postgres --init-groups sh "$0" "$@"
fi
if [ "$1" = postgres ]; then
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    pwfile=$(mktemp)
    printf '%s\n' "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}" >"$pwfile"
    initdb --username=postgres --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -D "$PGDATA" >/dev/null
    rm -f "$pwfile"
    echo 'host all all all scram-sha-256' >>"$PGDATA/pg_hba.conf"
  fi
  exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql
fi
exec "$@"
