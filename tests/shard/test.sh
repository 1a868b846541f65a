#!/usr/bin/env bash
# Sharding by organization behind HAProxy, on loopback, with the shipped configuration
# (deploy/haproxy/haproxy.cfg, addresses from the environment) and the release binary:
#   - three nodes, 30 organizations sign in and write through the proxy; each organization's file
#     is on exactly one node, the node that answered its users; its API key and an app password
#     (HTTP Basic, routing only: CardDAV is not built yet) reach that same node;
#   - one node stopped: every other organization keeps working, its own get 503 + Retry-After;
#   - a fourth node added with the procedure of docs/SCALE.md ("Adding a node"), step by step:
#     the moved organizations are complete on the new node and gone from the old one.
#   tests/shard/test.sh            (CONTACTPRO_BIN=path to use another binary; needs haproxy, curl, python3)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
BIN=${CONTACTPRO_BIN:-$repo/target/release/contactpro}
[ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --release)" >&2; exit 1; }
command -v haproxy >/dev/null || { echo "haproxy is not installed (apt-get install haproxy)" >&2; exit 1; }
N_ORGS=${N_ORGS:-30}

T=$(mktemp -d /tmp/contactpro-shard.XXXXXX)
pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$rc" != 0 ]; then
    echo "--- FAILED; logs in $T:" >&2
    tail -n 20 "$T"/*.log >&2 || true
  else
    rm -rf "$T"
  fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
jget() { python3 -c "import sys, json; v = json.load(sys.stdin); print($1)"; }

declare -A PORT NODEPID
for n in 1 2 3 4; do PORT[$n]=$(free_port); done
PROXY_PORT=$(free_port)
P="http://127.0.0.1:$PROXY_PORT"

# Every node shares the key files (docs/SCALE.md): API keys verify on whichever node holds the
# organization after a move; in demo mode a token issued by one node verifies on all.
mkdir -m 0700 "$T/keys"
python3 -c 'import secrets; print(secrets.token_hex(32))' > "$T/keys/server-key"
python3 -c 'import secrets; print(secrets.token_hex(32))' > "$T/keys/demo-secret"
for n in 1 2 3 4; do
  install -d -m 0700 "$T/node$n"
  install -m 0600 "$T/keys/server-key" "$T/keys/demo-secret" "$T/node$n/"
done

start_node() {
  local n=$1
  # cwd $T: no contactpro.toml is picked up; demo sign-in, loopback.
  # A short shutdown grace: HAProxy's idle keep-alive connections would hold a stop for 20 s.
  (cd "$T" && exec env CONTACTPRO_AUTH__MODE=demo CONTACTPRO_SERVER__SHUTDOWN_GRACE_SECS=2 RUST_LOG=warn "$BIN" serve --data-dir "$T/node$n" \
    --listen "127.0.0.1:${PORT[$n]}") >>"$T/node$n.log" 2>&1 &
  NODEPID[$n]=$!
  pids+=("$!")
  for _ in $(seq 200); do
    curl -sf -o /dev/null "http://127.0.0.1:${PORT[$n]}/readyz" && return 0
    sleep 0.05
  done
  fail "node$n did not start"
}
stop_node() { kill "${NODEPID[$1]}"; wait "${NODEPID[$1]}" 2>/dev/null || true; }

for n in 1 2 3; do start_node "$n"; done

# HAProxy in master-worker mode, as Debian's haproxy.service runs it (reload = SIGUSR2).
cp deploy/haproxy/haproxy.cfg "$T/haproxy.cfg"
export CP_PROXY_BIND=127.0.0.1:$PROXY_PORT
for n in 1 2 3; do export "CP_NODE$n=127.0.0.1:${PORT[$n]}"; done
haproxy -c -q -f "$T/haproxy.cfg" || fail "the shipped haproxy.cfg does not validate"
haproxy -W -db -f "$T/haproxy.cfg" >>"$T/haproxy.log" 2>&1 &
HAPROXY=$!
pids+=("$HAPROXY")
for _ in $(seq 100); do curl -sf -o /dev/null "$P/healthz" && break; sleep 0.1; done
curl -sf -o /dev/null "$P/healthz" || fail "haproxy does not answer"

# One request through the proxy: sets STATUS, NODE (the X-Contactpro-Node header), BODY, RETRY.
call() {
  local method=$1 url=$2; shift 2
  STATUS=$(curl -s -X "$method" -o "$T/body" -D "$T/head" -w '%{http_code}' "$@" "$url")
  NODE=$(tr -d '\r' < "$T/head" | awk -F': ' 'tolower($1) == "x-contactpro-node" { print $2 }')
  RETRY=$(tr -d '\r' < "$T/head" | awk -F': ' 'tolower($1) == "retry-after" { print $2 }')
  BODY=$(cat "$T/body")
}
expect() { [ "$STATUS" = "$1" ] || fail "$2: expected $1, got $STATUS: $BODY"; }
JSON=(-H 'Content-Type: application/json')

declare -A TOKEN LIST KEY OWNER COUNT
tids=()
for i in $(seq 1 "$N_ORGS"); do
  # Fixed, well-spread ids (as random as real tenant ids, the same in every run).
  tid=$(python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, 'contactpro-shard-test/$i'))")
  tids+=("$tid")
  # The token endpoint belongs to no organization: any node issues it (shared demo-secret).
  call POST "$P/api/v1/demo/token" "${JSON[@]}" -d "{\"tid\":\"$tid\",\"oid\":\"owner-$i\",\"name\":\"Owner $i\",\"upn\":\"owner$i@org$i.example\"}"
  expect 200 "token for org $i"
  TOKEN[$tid]=$(jget 'v["access_token"]' <<<"$BODY")
  auth=(-H "Authorization: Bearer ${TOKEN[$tid]}")
  call POST "$P/api/v1/login" "${JSON[@]}" "${auth[@]}" -d '{}'
  expect 200 "sign-in of org $i"
  OWNER[$tid]=$NODE
  [ -n "$NODE" ] || fail "no X-Contactpro-Node on an organization's request"
  call POST "$P/api/v1/lists" "${JSON[@]}" "${auth[@]}" -d "{\"name\":\"Crew $i\"}"
  expect 201 "list of org $i"
  [ "$NODE" = "${OWNER[$tid]}" ] || fail "org $i: sign-in on ${OWNER[$tid]}, list created on $NODE"
  LIST[$tid]=$(jget 'v["id"]' <<<"$BODY")
  for c in 1 2 3; do
    call POST "$P/api/v1/lists/${LIST[$tid]}/contacts" "${JSON[@]}" "${auth[@]}" -d "{\"full_name\":\"Contact $c of org $i\",\"company\":\"Org $i\"}"
    expect 201 "contact of org $i"
    [ "$NODE" = "${OWNER[$tid]}" ] || fail "org $i: contact written on $NODE, not ${OWNER[$tid]}"
  done
  COUNT[$tid]=3
  call POST "$P/api/v1/lists/${LIST[$tid]}/api-keys" "${JSON[@]}" "${auth[@]}" -d '{"name":"automation"}'
  expect 201 "API key of org $i"
  KEY[$tid]=$(jget 'v["secret"]' <<<"$BODY")
done

# Where each organization's file is: exactly one node, the one that answered its users.
nodes_with() { local n out=""; for n in 1 2 3 4; do [ -f "$T/node$n/orgs/$1.redb" ] && out+="node$n "; done; echo "${out% }"; }
check_placement() {
  local tid where
  for tid in "${tids[@]}"; do
    where=$(nodes_with "$tid")
    [ "$where" = "${OWNER[$tid]}" ] || fail "org $tid: file on '$where', its users reach '${OWNER[$tid]}'"
  done
}
check_placement
declare -A PER_NODE=()
for tid in "${tids[@]}"; do PER_NODE[${OWNER[$tid]}]=$(( ${PER_NODE[${OWNER[$tid]}]:-0} + 1 )); done
echo "placement of $N_ORGS organizations on 3 nodes: $(for k in "${!PER_NODE[@]}"; do printf '%s=%s ' "$k" "${PER_NODE[$k]}"; done)"
[ "${#PER_NODE[@]}" = 3 ] || fail "not every node got an organization"

# API keys and app passwords reach their organization's node.
for tid in "${tids[@]}"; do
  call GET "$P/api/v1/lists/${LIST[$tid]}/contacts" -H "X-API-Key: ${KEY[$tid]}"
  expect 200 "API key of $tid"
  [ "$NODE" = "${OWNER[$tid]}" ] || fail "API key of $tid reached $NODE, not ${OWNER[$tid]}"
  [ "$(jget 'v["total"]' <<<"$BODY")" = 3 ] || fail "API key of $tid: $BODY"
  # An app password: cpa_<id>_<org>_<MAC> (docs/SCALE.md). CardDAV is not built: only the route.
  call PROPFIND "$P/dav/" -u "owner@example:cpa_$(printf '%032x' 1)_${tid}_$(printf '%064x' 2)"
  [ "$NODE" = "${OWNER[$tid]}" ] || fail "app password of $tid reached '$NODE', not ${OWNER[$tid]}"
done
echo "ok: API keys and app passwords of $N_ORGS organizations reach their organization's node"

# Static files: any node.
declare -A STATIC=()
for _ in 1 2 3 4 5 6; do call GET "$P/"; expect 200 "web app"; STATIC[$NODE]=1; done
[ "${#STATIC[@]}" -ge 2 ] || fail "the web app's files all came from one node: ${!STATIC[*]}"

# A node down: only its organizations are affected.
stop_node 2
down=0
for tid in "${tids[@]}"; do
  auth=(-H "Authorization: Bearer ${TOKEN[$tid]}")
  if [ "${OWNER[$tid]}" = node2 ]; then
    call GET "$P/api/v1/lists/${LIST[$tid]}/contacts" "${auth[@]}"
    expect 503 "org $tid on the stopped node"
    [ "$RETRY" = 30 ] || fail "no Retry-After on the stopped node's 503"
    down=$((down + 1))
    continue
  fi
  call POST "$P/api/v1/lists/${LIST[$tid]}/contacts" "${JSON[@]}" "${auth[@]}" -d '{"full_name":"Written while node2 was down"}'
  expect 201 "write of $tid with node2 down"
  COUNT[$tid]=$(( ${COUNT[$tid]} + 1 ))
  call GET "$P/api/v1/lists/${LIST[$tid]}/contacts" -H "X-API-Key: ${KEY[$tid]}"
  expect 200 "read of $tid with node2 down"
done
sleep 5 # two failed health checks (inter 2s, fall 2): the web app's files avoid node2 from now on
for _ in 1 2 3 4 5 6; do call GET "$P/"; expect 200 "web app with node2 down"; [ "$NODE" != node2 ] || fail "static file from node2"; done
[ "$down" -gt 0 ] || fail "node2 held no organization"
echo "ok: node2 down: $down organizations get 503 + Retry-After, the other $((N_ORGS - down)) kept working"
start_node 2

# ---- Adding a node: docs/SCALE.md "Adding a node", step by step ----
# 1. Start the new node with the cluster's key files (copied above).
start_node 4
# 2. The new configuration: the node in both backends.
sed -e "/^    server node3 .* id 3\$/a\\    server node4 127.0.0.1:${PORT[4]} id 4" "$T/haproxy.cfg" > "$T/haproxy.cfg.new"
[ "$(grep -c 'server node4' "$T/haproxy.cfg.new")" = 2 ] || fail "node4 not added to both backends"
haproxy -c -q -f "$T/haproxy.cfg.new" || fail "new configuration invalid"
# 3. Which organizations move: HAProxy itself says, from every node's `contactpro org list`.
for n in 1 2 3; do (cd "$T" && "$BIN" org list --data-dir "$T/node$n") ; done |
  grep -oE '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' | sort > "$T/orgs.txt"
[ "$(wc -l < "$T/orgs.txt")" = "$N_ORGS" ] || fail "org list found $(wc -l < "$T/orgs.txt") organizations"
deploy/haproxy/plan.sh "$P" "$T/haproxy.cfg.new" < "$T/orgs.txt" > "$T/moves.txt"
moves=$(wc -l < "$T/moves.txt")
echo "rebalance: $moves of $N_ORGS organizations move to node4"
[ "$moves" -gt 0 ] || fail "no organization moves to the new node"
while read -r tid from to; do
  [ "$to" = node4 ] || fail "consistent hashing moved $tid from $from to $to, not to the new node"
done < "$T/moves.txt"
# 4. Export each one from its node (read-only there from now on), copy it, import it on node4.
mkdir -m 0700 "$T/moving"
started=$(date +%s.%N)
first=1
while read -r tid from to; do
  n=${from#node}
  export_file="$T/moving/$tid.export"
  (cd "$T" && "$BIN" org export --data-dir "$T/node$n" --org "$tid" --out "$export_file") >/dev/null
  if [ "$first" = 1 ]; then
    first=0
    # While it moves: writes get 503 + Retry-After, reads still work.
    call POST "$P/api/v1/lists/${LIST[$tid]}/contacts" "${JSON[@]}" -H "Authorization: Bearer ${TOKEN[$tid]}" -d '{"full_name":"Too late"}'
    expect 503 "write during the move"
    [ "$(jget 'v["error"]["code"]' <<<"$BODY")" = org_moving ] || fail "503 without org_moving: $BODY"
    [ "$RETRY" = 30 ] || fail "503 during the move without Retry-After"
    call GET "$P/api/v1/lists/${LIST[$tid]}/contacts" -H "Authorization: Bearer ${TOKEN[$tid]}"
    expect 200 "read during the move"
    # Importing over an existing organization is refused; so is a file that is not an export.
    if (cd "$T" && "$BIN" org import --data-dir "$T/node$n" "$T/moving/$tid.export") 2>/dev/null; then
      fail "import over an existing organization succeeded"
    fi
    echo junk > "$T/junk.export"
    if (cd "$T" && "$BIN" org import --data-dir "$T/node4" "$T/junk.export") 2>/dev/null; then
      fail "import of a file that is not an export succeeded"
    fi
    # A cancelled move (org resume) makes it writable again; the next export has that write.
    (cd "$T" && "$BIN" org resume --data-dir "$T/node$n" "$tid") >/dev/null
    call POST "$P/api/v1/lists/${LIST[$tid]}/contacts" "${JSON[@]}" -H "Authorization: Bearer ${TOKEN[$tid]}" -d '{"full_name":"Written after a cancelled move"}'
    expect 201 "write after org resume"
    COUNT[$tid]=$(( ${COUNT[$tid]} + 1 ))
    export_file="$T/moving/$tid.export-again"
    (cd "$T" && "$BIN" org export --data-dir "$T/node$n" --org "$tid" --out "$export_file") >/dev/null
    moved_first=$tid
  fi
  cp "$export_file" "$T/node4-incoming.export" # scp to the new node, in real life
  (cd "$T" && "$BIN" org import --data-dir "$T/node4" "$T/node4-incoming.export") >/dev/null
  rm "$T/node4-incoming.export"
done < "$T/moves.txt"
# 5. Switch the proxy to the new configuration (systemctl reload haproxy: SIGUSR2 to the master).
cp "$T/haproxy.cfg.new" "$T/haproxy.cfg"
kill -USR2 "$HAPROXY"
sleep 1
ended=$(date +%s.%N)
# 6. Delete each moved organization from its old node (a tombstone answers 503 there).
while read -r tid from to; do
  (cd "$T" && "$BIN" org delete --data-dir "$T/node${from#node}" "$tid") >/dev/null
  OWNER[$tid]=$to
done < "$T/moves.txt"
echo "rebalance: read-only for $(python3 -c "print(round($ended - $started, 1))") s ($moves organizations exported, imported, proxy reloaded)"

# Nothing lost: every organization is on exactly one node, answers there with all its contacts,
# takes writes again, and its API key works.
check_placement
for tid in "${tids[@]}"; do
  auth=(-H "Authorization: Bearer ${TOKEN[$tid]}")
  call GET "$P/api/v1/lists/${LIST[$tid]}/contacts" "${auth[@]}"
  expect 200 "read of $tid after the rebalance"
  [ "$NODE" = "${OWNER[$tid]}" ] || fail "$tid answered by $NODE, expected ${OWNER[$tid]}"
  [ "$(jget 'v["total"]' <<<"$BODY")" = "${COUNT[$tid]}" ] || fail "$tid has $(jget 'v["total"]' <<<"$BODY") contacts, expected ${COUNT[$tid]}"
  call POST "$P/api/v1/lists/${LIST[$tid]}/contacts" "${JSON[@]}" "${auth[@]}" -d '{"full_name":"After the rebalance"}'
  expect 201 "write of $tid after the rebalance"
  call GET "$P/api/v1/lists/${LIST[$tid]}/contacts" -H "X-API-Key: ${KEY[$tid]}"
  expect 200 "API key of $tid after the rebalance"
  [ "$(jget 'v["total"]' <<<"$BODY")" = "$(( ${COUNT[$tid]} + 1 ))" ] || fail "$tid: API key sees $BODY"
done
# A stale route to the old node (an old proxy) gets 503, and a sign-in there creates nothing.
read -r tid from _ < "$T/moves.txt"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{}' \
  -H "Authorization: Bearer ${TOKEN[$tid]}" "http://127.0.0.1:${PORT[${from#node}]}/api/v1/login")
[ "$STATUS" = 503 ] || fail "sign-in on the old node of a moved organization answered $STATUS"
[ ! -e "$T/${from}/orgs/$tid.redb" ] || fail "the old node recreated $tid"
if (cd "$T" && "$BIN" org resume --data-dir "$T/$from" "$tid") 2>/dev/null; then
  fail "org resume of an organization that moved away succeeded"
fi
[ -n "${moved_first:-}" ] || fail "no organization went through the cancelled move"
echo "ok: rebalance to 4 nodes: $moves organizations moved complete, none left behind, nothing lost"
echo "== shard test passed (${SECONDS} s)"
