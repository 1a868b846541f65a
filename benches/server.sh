#!/usr/bin/env bash
# Server benchmarks for docs/PERFORMANCE.md: start-to-ready with 1,000 organizations on disk,
# idle RSS, release binary size, and GET /api/v1/me throughput under wrk.
# Usage: benches/server.sh   (needs wrk: apt-get install -y wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q
BIN=target/release/contactpro
DIR=$(mktemp -d)
PORT=${PORT:-18123}
trap 'kill $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT

start() {
  "$BIN" serve --data-dir "$DIR" --listen "127.0.0.1:$PORT" 2>/dev/null &
  PID=$!
}
wait_ready() {
  until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.002; done
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "binary size: $(stat -c %s $BIN) bytes"

# 1,000 organizations on disk, each created through the API (token + login writes its database).
start; wait_ready
for i in $(seq 1 1000); do
  tid=$(printf '00000000-0000-4000-8000-%012d' "$i")
  tok=$(curl -s -XPOST "http://127.0.0.1:$PORT/api/v1/demo/token" -H 'content-type: application/json' \
        -d "{\"tid\":\"$tid\",\"oid\":\"u$i\",\"name\":\"User $i\",\"upn\":\"u$i@example.com\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
  curl -s -o /dev/null -XPOST "http://127.0.0.1:$PORT/api/v1/login" -H "authorization: Bearer $tok"
done
kill -TERM $PID; wait $PID || true
echo "organizations on disk: $(ls "$DIR/orgs" | grep -c redb)"

# Start to ready, 5 runs (databases open lazily: nothing is opened at start).
for run in 1 2 3 4 5; do
  t0=$(date +%s%N); start; wait_ready; t1=$(date +%s%N)
  echo "start to ready (run $run): $(( (t1 - t0) / 1000000 )) ms"
  if [ "$run" = 5 ]; then
    sleep 1
    echo "idle RSS: $(grep VmRSS /proc/$PID/status | awk '{print $2}') kB"
  else
    kill -TERM $PID; wait $PID || true
  fi
done

# GET /api/v1/me throughput (profile cache hit path), 2 wrk threads, 64 connections, 15 s.
tok=$(curl -s -XPOST "http://127.0.0.1:$PORT/api/v1/demo/token" -H 'content-type: application/json' \
      -d '{"tid":"00000000-0000-4000-8000-000000000001","oid":"u1","name":"User 1","upn":"u1@example.com"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
curl -s -o /dev/null -XPOST "http://127.0.0.1:$PORT/api/v1/login" -H "authorization: Bearer $tok"
wrk -t2 -c64 -d15s -H "Authorization: Bearer $tok" "http://127.0.0.1:$PORT/api/v1/me"
echo "RSS after load: $(grep VmRSS /proc/$PID/status | awk '{print $2}') kB"
