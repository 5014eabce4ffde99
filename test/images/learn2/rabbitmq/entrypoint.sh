#!/bin/sh
# As the official image's docker-entrypoint.sh does when started as root: own the data, drop.
set -e
if [ "$(id -u)" = 0 ]; then
  find /var/lib/rabbitmq \! -user rabbitmq -exec chown rabbitmq:rabbitmq '{}' +
  exec gosu rabbitmq "$0" "$@"
fi
exec "$@"
