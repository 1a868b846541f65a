#!/usr/bin/env bash
# Capacity of one node and of three nodes behind HAProxy (docs/SCALE.md), with a Teams-like
# request mix (benches/scale.lua) from wrk over many organizations.
#   MODE=one    one node, wrk straight to it
#   MODE=proxy1 one node behind HAProxy (the shipped configuration, its three servers all that
#               one node): the proxy's own cost
#   MODE=three  three nodes behind HAProxy
#   MODE=hop    one node; the same mix with one connection, straight and through HAProxy in
#               turn (ROUNDS, 3), for the latency the proxy adds
# ORGS (1000) organizations with PER_ORG (20) contacts each; the load goes to the first ACTIVE
# (= ORGS) of them; MAX_OPEN (128) = storage.max_open_orgs;
# wrk -t2 -c$CONNS (32) -d$DURATION (15s). Needs wrk, haproxy, python3, curl and a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
BIN=${BIN:-$repo/target/release/contactpro}
MODE=${MODE:-one} ORGS=${ORGS:-1000} PER_ORG=${PER_ORG:-20} MAX_OPEN=${MAX_OPEN:-128}
DURATION=${DURATION:-15} CONNS=${CONNS:-32} ACTIVE=${ACTIVE:-$ORGS}
T=$(mktemp -d /tmp/contactpro-scale.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$T"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

case $MODE in one|proxy1|hop) NODES=1 ;; three) NODES=3 ;; *) echo "MODE=one|proxy1|three|hop" >&2; exit 2 ;; esac
python3 -c 'import secrets; print(secrets.token_hex(32))' > "$T/server-key"
python3 -c 'import secrets; print(secrets.token_hex(32))' > "$T/demo-secret"
declare -A PORT PID
for n in $(seq "$NODES"); do
  PORT[$n]=$(free_port)
  install -d -m 0700 "$T/node$n"
  install -m 0600 "$T/server-key" "$T/demo-secret" "$T/node$n/"
  (cd "$T" && exec env CONTACTPRO_AUTH__MODE=demo CONTACTPRO_STORAGE__MAX_OPEN_ORGS="$MAX_OPEN" RUST_LOG=error \
    "$BIN" serve --data-dir "$T/node$n" --listen "127.0.0.1:${PORT[$n]}") >"$T/node$n.log" 2>&1 &
  PID[$n]=$!; pids+=("$!")
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:${PORT[$n]}/readyz" && break; sleep 0.05; done
done
URL="http://127.0.0.1:${PORT[1]}"
if [ "$MODE" != one ]; then
  pp=$(free_port)
  export CP_PROXY_BIND=127.0.0.1:$pp
  for n in 1 2 3; do
    m=$n; [ "$NODES" = 1 ] && m=1
    export "CP_NODE$n=127.0.0.1:${PORT[$m]}"
  done
  haproxy -db -f deploy/haproxy/haproxy.cfg >"$T/haproxy.log" 2>&1 &
  pids+=("$!")
  URL="http://127.0.0.1:$pp"
  for _ in $(seq 100); do curl -sf -o /dev/null "$URL/healthz" && break; sleep 0.1; done
fi

t0=$(date +%s.%N)
python3 benches/scale_setup.py "$URL" "$ORGS" "$PER_ORG" "$T/orgs.txt"
t1=$(date +%s.%N)
rss() { awk '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 } END { printf "%.1f/%.1f MB", r / 1024, h / 1024 }' "/proc/$1/status"; }
files() { find "$T/node$1/orgs" -name '*.redb' | wc -l; }
echo "mode=$MODE orgs=$ORGS per_org=$PER_ORG max_open_orgs=$MAX_OPEN: setup $(python3 -c "print(round($t1 - $t0, 1))") s"
for n in $(seq "$NODES"); do echo "  node$n after setup: $(files "$n") organization files, RSS/peak $(rss "${PID[$n]}")"; done
head -n "$ACTIVE" "$T/orgs.txt" > "$T/active.txt"
if [ "$MODE" = hop ]; then
  for r in $(seq "${ROUNDS:-3}"); do
    for target in "http://127.0.0.1:${PORT[1]}" "$URL"; do
      printf '  round %s %-28s ' "$r" "$target"
      ORGS_FILE="$T/active.txt" wrk -t1 -c1 -d"$DURATION" --latency -s benches/scale.lua "$target" |
        awk '/^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 } /^Requests\/sec/ { rps = $2 } END { print "p50", p50, "p99", p99, "req/s", rps }'
    done
  done
  echo "  (first of each pair: straight to the node; second: through HAProxy) load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi
echo "  load over $ACTIVE organizations"
ORGS_FILE="$T/active.txt" wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s benches/scale.lua "$URL" | tee "$T/wrk.txt"
for n in $(seq "$NODES"); do echo "  node$n after the run: RSS/peak $(rss "${PID[$n]}")"; done
echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)"
