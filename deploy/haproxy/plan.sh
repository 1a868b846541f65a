#!/usr/bin/env bash
# Which organizations move when the HAProxy configuration changes (a node is added), asked of
# HAProxy itself, so the answer is exactly its consistent hashing:
#
#   deploy/haproxy/plan.sh CURRENT_PROXY_URL NEW_CONFIG < tenant-ids
#
# prints `TID FROM TO` (node names) for each organization whose node changes, nothing else.
# It starts a second HAProxy from NEW_CONFIG on a spare loopback port for a few seconds (same
# environment as the live one: CP_NODE1..N), and asks both proxies which node answers for
# each organization: GET /healthz with X-Contactpro-Route-Org and no credential (no data is
# reachable that way). Every node of NEW_CONFIG must be running. Needs curl and haproxy.
set -euo pipefail
current=${1:?usage: plan.sh CURRENT_PROXY_URL NEW_CONFIG < tenant-ids}
config=${2:?usage: plan.sh CURRENT_PROXY_URL NEW_CONFIG < tenant-ids}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
CP_PROXY_BIND=127.0.0.1:$port haproxy -db -f "$config" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "plan.sh: haproxy did not start with $config" >&2; exit 1; }
  sleep 0.1
done

# The node that answers for organization $2 through the proxy at $1 ("-" when none does).
owner() {
  local node
  node=$(curl -s -o /dev/null -D - --max-time 10 -H "X-Contactpro-Route-Org: $2" "$1/healthz" |
    tr -d '\r' | awk -F': ' 'tolower($1) == "x-contactpro-node" { print $2 }')
  echo "${node:--}"
}

while read -r tid; do
  [ -n "$tid" ] || continue
  from=$(owner "$current" "$tid")
  to=$(owner "http://127.0.0.1:$port" "$tid")
  if [ "$from" = - ] || [ "$to" = - ]; then
    echo "plan.sh: no node answers for $tid (current: $from, new: $to): start every node first" >&2
    exit 1
  fi
  [ "$from" = "$to" ] || echo "$tid $from $to"
done
