#!/usr/bin/env bash
# Backup benchmark for docs/PERFORMANCE.md: 100 organizations with 1,000,000 contacts in all
# (10,000 each, imported over HTTP), then
#   - `contactpro backup` against the running server, and against the stopped one: time and size;
#   - GET /api/v1/me latency without a backup and while backups run back to back (wrk, 16
#     connections, and a one-connection probe that times every request);
#   - `contactpro restore` of everything into an empty directory.
# Usage: benches/backup.sh   (needs wrk and curl; ORGS=10 PER_ORG=1000 for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked -q
  BIN=target/release/contactpro
fi
ORGS=${ORGS:-100}
PER_ORG=${PER_ORG:-10000}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
DIR=$WORK/data
PORT=${PORT:-18124}
DURATION=${DURATION:-20}
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT
URL=http://127.0.0.1:$PORT

start() {
  "$BIN" serve --data-dir "$DIR" --listen "127.0.0.1:$PORT" 2>"$WORK/server.log" &
  PID=$!
  until curl -sf "$URL/readyz" >/dev/null; do sleep 0.01; done
}
stop() { kill -TERM $PID; wait $PID || true; PID=; }
token() {
  curl -s -XPOST "$URL/api/v1/demo/token" -H 'content-type: application/json' \
    -d "{\"tid\":\"$1\",\"oid\":\"u$2\",\"name\":\"User $2\",\"upn\":\"u$2@example.com\"}" |
    sed 's/.*"access_token":"\([^"]*\)".*/\1/'
}
elapsed() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }
json_field() { python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM"
echo "disk: $(df -h "$WORK" | awk 'NR==2{print $1" ("$2")"}')"

# One CSV of PER_ORG realistic rows, imported into one list per organization.
awk -v n="$PER_ORG" 'BEGIN {
  print "Full Name,Email,Company,Job Title,Mobile,Business Phone,City,Notes,Groups";
  for (i = 0; i < n; i++)
    printf "Person %d Lastname%d,person%d@example.com,Company %d,Engineer,+33 6 %02d %02d %02d %02d,+33 1 40 %02d %02d %02d,City %d,Met at the trade fair in %d,Crew %d;Region %d\n",
      i, i, i, i % 500, i % 100, int(i / 100) % 100, i % 97, i % 89, i % 83, i % 79, i % 73, i % 300, 2000 + i % 25, i % 20, i % 7
}' > "$WORK/contacts.csv"

mkdir -p "$DIR"
start
t0=$(date +%s.%N)
for i in $(seq 1 "$ORGS"); do
  tid=$(printf '00000000-0000-4000-8000-%012d' "$i")
  tok=$(token "$tid" "$i")
  curl -s -o /dev/null -XPOST "$URL/api/v1/login" -H "authorization: Bearer $tok"
  list=$(curl -s -XPOST "$URL/api/v1/lists" -H "authorization: Bearer $tok" -H 'content-type: application/json' \
    -d '{"name":"Contacts"}' | json_field id)
  job=$(curl -s -XPOST "$URL/api/v1/lists/$list/imports" -H "authorization: Bearer $tok" \
    -H 'content-type: text/csv' --data-binary @"$WORK/contacts.csv" | json_field id)
  while :; do
    status=$(curl -s "$URL/api/v1/jobs/$job" -H "authorization: Bearer $tok" | json_field status)
    [ "$status" = succeeded ] && break
    [ "$status" = failed ] && { echo "import failed" >&2; exit 1; }
    sleep 0.2
  done
done
echo "data: $ORGS organizations x $PER_ORG contacts imported in $(elapsed "$t0") s;" \
  "orgs/ holds $(du -sb "$DIR/orgs" | cut -f1) bytes"
# What writers of one organization wait for: the copy of its file (page-cached) under its lock.
mkdir -p "$WORK/raw"; s=$(date +%s.%N)
for f in "$DIR"/orgs/*.redb; do cp --reflink=never "$f" "$WORK/raw/"; done
echo "plain copy of each organization's file (what a backup holds writers for): $(awk -v s="$s" -v e="$(date +%s.%N)" -v n="$ORGS" 'BEGIN { printf "%.1f", (e - s) * 1000 / n }') ms on average"
rm -rf "$WORK/raw"
TOKEN=$(token 00000000-0000-4000-8000-000000000001 1)

# A Lua script so that wrk sends the bearer token.
cat > "$WORK/me.lua" <<EOF
wrk.headers["Authorization"] = "Bearer $TOKEN"
EOF
# One connection, one request at a time: every latency, in ms, one per line.
probe() {
  python3 - "$PORT" "$TOKEN" "$1" <<'EOF'
import http.client, sys, time
port, token, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
c = http.client.HTTPConnection("127.0.0.1", port)
lat, end = [], time.monotonic() + seconds
while time.monotonic() < end:
    t = time.perf_counter()
    c.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + token})
    c.getresponse().read()
    lat.append((time.perf_counter() - t) * 1000)
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"{len(lat)} requests, p50 {q(0.5):.2f} ms, p99 {q(0.99):.2f} ms, max {lat[-1]:.2f} ms")
EOF
}
summary() { grep -E 'Requests/sec|^ +50%|^ +99%' | xargs; }

backups_until() { # take backups back to back until the file $1 exists; print each one's time
  local n=0
  while [ ! -e "$1" ]; do
    n=$((n + 1))
    local s; s=$(date +%s.%N)
    "$BIN" backup --data-dir "$DIR" --out "$WORK/loop-$n" >/dev/null
    elapsed "$s" >> "$WORK/loop.times"; echo >> "$WORK/loop.times"
    rm -rf "$WORK/loop-$n"
  done
}

echo "GET /api/v1/me without a backup:"
echo "  wrk -t2 -c16 -d${DURATION}s: $(wrk -t2 -c16 -d"${DURATION}s" --latency -s "$WORK/me.lua" "$URL/api/v1/me" | summary)"
echo "  one connection: $(probe "$DURATION")"

echo "GET /api/v1/me while backups run back to back:"
rm -f "$WORK/stop"
backups_until "$WORK/stop" & LOOP=$!
echo "  wrk -t2 -c16 -d${DURATION}s: $(wrk -t2 -c16 -d"${DURATION}s" --latency -s "$WORK/me.lua" "$URL/api/v1/me" | summary)"
echo "  one connection: $(probe "$DURATION")"
touch "$WORK/stop"; wait $LOOP
echo "  (meanwhile $(awk 'NF { n++; t += $1; if ($1 > m) m = $1 } END { printf "%d backups, %.1f s each on average, %.1f s the longest", n, t / n, m }' "$WORK/loop.times"))"

s=$(date +%s.%N)
"$BIN" backup --data-dir "$DIR" --out "$WORK/online" >/dev/null
echo "backup of the running server, idle: $(elapsed "$s") s, $(du -sb "$WORK/online" | cut -f1) bytes"
stop
s=$(date +%s.%N)
"$BIN" backup --data-dir "$DIR" --out "$WORK/offline" >/dev/null
echo "backup of the stopped server: $(elapsed "$s") s, $(du -sb "$WORK/offline" | cut -f1) bytes"
s=$(date +%s.%N)
"$BIN" restore --data-dir "$WORK/restored" --from "$WORK/online" >/dev/null
echo "restore of everything into an empty directory: $(elapsed "$s") s"
