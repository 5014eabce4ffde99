#!/usr/bin/env bash
# The second set of servers for `sdocker learn` (issue 19), tagged localhost/sdlearn2/NAME:1: a
# base image FROM sdocker-test/debian:1 with the servers' Debian packages installed by apt-get
# in the build (containers reach the Debian mirror; about 40 s and 640 MB once), then one image
# per folder FROM it, laid out like the server's official image. An image is rebuilt when the
# Debian image's id, the base's Dockerfile or its own folder changes (its io.sdocker.test.hash
# label). Called by scripts/test-images.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
debian_id=$(docker image inspect --format '{{.Id}}' sdocker-test/debian:1)

current() { docker image inspect --format '{{index .Config.Labels "io.sdocker.test.hash"}}' "$1" 2>/dev/null || true; }

build() {
  local dir=$1 tag=$2 hash=$3 log
  log=$(mktemp)
  docker build -q --label "io.sdocker.test.hash=$hash" -t "$tag" "$dir" >"$log" 2>&1 \
    || { cat "$log" >&2; rm -f "$log"; return 1; }
  rm -f "$log"
}

base_hash=$( (echo "$debian_id"; cat "$here/base/Dockerfile") | sha256sum | cut -c1-16)
if [ "$(current localhost/sdlearn2/base:1)" != "$base_hash" ]; then
  echo "engine-up: localhost/sdlearn2/base:1 (apt-get install of the second learn set; about a minute)" >&2
  build "$here/base" localhost/sdlearn2/base:1 "$base_hash"
fi
for dir in "$here"/*/; do
  name=$(basename "$dir")
  [ "$name" != base ] || continue
  hash=$( (echo "$base_hash"; cd "$dir" && cat -- *) | sha256sum | cut -c1-16)
  [ "$(current "localhost/sdlearn2/$name:1")" = "$hash" ] || build "$dir" "localhost/sdlearn2/$name:1" "$hash"
done
