#!/bin/sh
# free-ids.sh UID GID (in sdocker-test/debian:1): renumber any user or group holding these ids, so an image can give them
# to the account the official image uses.
set -e
for user in $(awk -F: -v id="$1" '$3 == id { print $1 }' /etc/passwd); do usermod -u "$((20000 + $1))" "$user"; done
for group in $(awk -F: -v id="$2" '$3 == id { print $1 }' /etc/group); do groupmod -g "$((20000 + $2))" "$group"; done
