#!/bin/sh
# As the official image's docker-entrypoint.sh does, in short: as root, own the folders and
# drop to mysql; on an empty data folder, initialise it with a temporary socket-only server.
set -e
if [ "$(id -u)" = 0 ]; then
  find /var/lib/mysql /run/mysqld \! -user mysql -exec chown mysql:mysql '{}' +
  exec gosu mysql "$0" "$@"
fi
if [ ! -d /var/lib/mysql/mysql ]; then
  echo "entrypoint: initialising the database in /var/lib/mysql"
  mariadb-install-db --datadir=/var/lib/mysql --skip-test-db --auth-root-authentication-method=socket --auth-root-socket-user="$(id -un)" >/dev/null
  mariadbd --skip-networking --socket=/run/mysqld/init.sock &
  pid=$!
  for i in $(seq 60); do mariadb --socket=/run/mysqld/init.sock -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.5; done
  mariadb --socket=/run/mysqld/init.sock <<SQL
CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\`;
CREATE USER '$MARIADB_USER'@'%' IDENTIFIED BY '$MARIADB_PASSWORD';
GRANT ALL ON \`$MARIADB_DATABASE\`.* TO '$MARIADB_USER'@'%';
SQL
  kill "$pid"; wait "$pid" || true
  echo "entrypoint: initialised; starting the server"
fi
exec "$@"
