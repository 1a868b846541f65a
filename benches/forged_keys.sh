#!/usr/bin/env bash
# Search latency on a real organization's list, alone and during a flood of forged API keys
# (random organizations and MACs), in one run. Before keys were verified by MAC, each forged key
# created and opened a database and evicted real ones (search 36 ms -> 510 ms on 150,000 contacts).
# Usage: benches/forged_keys.sh   (needs wrk: apt-get install -y wrk)   N=contacts (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked -q
  BIN=target/release/contactpro
fi
N=${N:-100000}
DIR=$(mktemp -d)
PORT=${PORT:-18124}
trap 'kill $PID 2>/dev/null || true; kill $FLOOD 2>/dev/null || true; rm -rf "$DIR"' EXIT
URL="http://127.0.0.1:$PORT"
# Defaults only (not ./contactpro.toml): the bench measures the shipped behaviour.
: > "$DIR/empty.toml"
CONTACTPRO_STORAGE__MAX_OPEN_ORGS=4 "$BIN" serve --config "$DIR/empty.toml" --data-dir "$DIR/data" \
  --listen "127.0.0.1:$PORT" 2>/dev/null &
PID=$!
until curl -sf "$URL/readyz" >/dev/null; do sleep 0.01; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $N contacts"

tok=$(curl -s -XPOST "$URL/api/v1/demo/token" -H 'content-type: application/json' \
  -d '{"tid":"00000000-0000-4000-8000-000000000001","oid":"u1","name":"User 1","upn":"u1@example.com"}' \
  | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
curl -s -o /dev/null -XPOST "$URL/api/v1/login" -H "authorization: Bearer $tok"
json_id() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
list=$(curl -s -XPOST "$URL/api/v1/lists" -H "authorization: Bearer $tok" -H 'content-type: application/json' \
  -d '{"name":"Bench"}' | json_id)
python3 - "$N" > "$DIR/rows.csv" <<'PY'
import sys, random
random.seed(7)
first = ["Adèle", "Clément", "Chloé", "Søren", "Zoë", "Łukasz", "Marie", "Jean", "Anna", "Paul"]
last = ["Kaya", "Laurent", "Costa", "Müller", "Hansen", "Martin", "Dubois", "Rossi", "Novak", "Smith"]
print("Full Name,Email,Company,Mobile")
for i in range(int(sys.argv[1])):
    f, l = random.choice(first), random.choice(last)
    print(f"{f} {l} {i},{f.lower()}.{i}@example.com,Company {i % 500},+33 6 {i % 100:02d} {i % 97:02d} 11 22")
PY
job=$(curl -s -XPOST "$URL/api/v1/lists/$list/imports?on_duplicate=create" -H "authorization: Bearer $tok" \
  -H 'content-type: text/csv' --data-binary @"$DIR/rows.csv" | json_id)
until curl -s "$URL/api/v1/jobs/$job" -H "authorization: Bearer $tok" | grep -q '"status":"succeeded"'; do sleep 0.2; done

search() {
  wrk -t1 -c8 -d10s --latency -H "Authorization: Bearer $tok" "$URL/api/v1/lists/$list/contacts?q=marie%20ros" \
    | grep -E "Requests/sec|50%|99%"
}
echo "== search alone"
search
cat > "$DIR/flood.lua" <<'LUA'
math.randomseed(os.time())
local function hex(n) local t = {} for i = 1, n do t[i] = string.format("%x", math.random(0, 15)) end return table.concat(t) end
request = function()
  local org = hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-8" .. hex(3) .. "-" .. hex(12)
  return wrk.format("GET", nil, { ["X-API-Key"] = "cpk_" .. hex(32) .. "_" .. org .. "_" .. hex(64) })
end
LUA
wrk -t1 -c32 -d14s -s "$DIR/flood.lua" "$URL/api/v1/lists/$list/contacts" > "$DIR/flood.out" &
FLOOD=$!
sleep 2
echo "== search during a flood of forged keys"
search
wait $FLOOD || true
echo "== the flood: $(grep -E 'Requests/sec' "$DIR/flood.out")"
echo "organization files after the flood: $(ls "$DIR/data/orgs" | grep -c redb) (1 before)"
