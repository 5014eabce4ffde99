#!/usr/bin/env bash
# The images `sdocker audit` is tested on (issue 10): each folder here is one image, tagged
# sdtest/audit-FOLDER:1, built FROM sdocker-test/busybox:1 with docker's legacy builder and no
# network. An image is rebuilt when the busybox image, this script or its folder changes (the
# hash is its io.sdocker.test.hash label). Called by scripts/test-images.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
base_id=$(docker image inspect --format '{{.Id}}' sdocker-test/busybox:1)

current() { docker image inspect --format '{{index .Config.Labels "io.sdocker.test.hash"}}' "$1" 2>/dev/null || true; }

# A private key and a token made fresh for each build, so none is committed.
prepare_secret_deleted() {
  openssl genpkey -algorithm ed25519 -out "$1/id_ed25519" 2>/dev/null
  printf 'API_URL=https://api.example.com\nGITHUB_TOKEN=ghp_%s\n' "$(openssl rand -hex 18)" >"$1/.env"
}

# ADD from a URL without a network: a one-file HTTP server on loopback for the build's length
# (dockerd fetches ADD URLs itself, from the host's network namespace).
# Sets `server` to its pid (not via $(...): that would wait for the server's end).
serve_file() {
  local file=$1 port_file=$2
  node -e '
    const fs = require("fs");
    const server = require("http").createServer((_, res) => res.end(fs.readFileSync(process.argv[1])));
    server.listen(0, "127.0.0.1", () => fs.writeFileSync(process.argv[2], String(server.address().port)));
  ' "$file" "$port_file" </dev/null >/dev/null &
  server=$!
}

wait_for_file() {
  local file=$1 deadline=$((SECONDS + 20))
  until [ -s "$file" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "test-images: the build's file server did not start" >&2; return 1; }
    sleep 0.1
  done
}

build_one() {
  local dir=$1 tag=$2 hash=$3 ctx log server='' status=0
  ctx=$(mktemp -d)
  log="$ctx.log"
  cp -r "$dir/." "$ctx/"
  local args=(-q --label "io.sdocker.test.hash=$hash" -t "$tag")
  case "$(basename "$dir")" in
    secret-deleted) prepare_secret_deleted "$ctx" ;;
    add-url)
      printf '#!/bin/sh\necho fetched by ADD\n' >"$ctx/tool.sh"
      serve_file "$ctx/tool.sh" "$ctx/port"
      wait_for_file "$ctx/port" || { kill "$server"; return 1; }
      args+=(--build-arg "SRC_PORT=$(cat "$ctx/port")")
      ;;
  esac
  docker build "${args[@]}" "$ctx" >"$log" 2>&1 || status=$?
  [ -z "$server" ] || kill "$server"
  [ "$status" -eq 0 ] || cat "$log" >&2
  rm -rf "$ctx" "$log"
  return "$status"
}

for dir in "$here"/*/; do
  name=$(basename "$dir")
  tag="sdtest/audit-$name:1"
  hash=$( (echo "$base_id"; cat "$0"; cat "$dir"Dockerfile) | sha256sum | cut -c1-16)
  [ "$(current "$tag")" = "$hash" ] || build_one "${dir%/}" "$tag" "$hash"
done
