#!/usr/bin/env bash
# Issue 13 benchmarks for docs/PERFORMANCE.md: what the change log and history cost, side by
# side with a build from before them, in one run, on the same machine:
#   - write latency: POST (create) and PATCH (edit one contact) for 10 s each, 1 connection (wrk);
#   - import throughput: a 100,000-row CSV, upload to job done;
#   - storage: the organization file after 10,000 contacts, then after 10 update imports that
#     edit each of them (10 versions each), per contact;
#   - live updates: 500 open event streams on one list, time from a write to the last stream
#     receiving it (after build only).
# Usage: BEFORE=path/to/old/contactpro benches/changes.sh   (needs wrk and node)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${AFTER:-}" ]; then
  cargo build --release --locked -q
  AFTER=target/release/contactpro
fi
BEFORE=${BEFORE:?set BEFORE to a release build from before the change log}
PORT=${PORT:-18131}
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
U=http://127.0.0.1:$PORT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$WORK" <<'PY'
import sys, csv, os
d = sys.argv[1]
def write(name, n, note):
    with open(os.path.join(d, name), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Full Name", "Job Title", "Email", "Mobile", "Company", "Department", "City", "Notes", "Groups"])
        for i in range(n):
            w.writerow([f"Person {i} Müller", "Buyer", f"p{i}@example.com", f"06 {i % 100:02d} {i // 100 % 100:02d} 00 00",
                        f"Company {i % 2000}", "Sales", "Lyon", note, f"Group {i % 5}"])
write("import.csv", 100_000, "Met at the fair")
write("small.csv", 10_000, "Met at the fair")
for k in range(10):
    write(f"edit{k}.csv", 10_000, f"Edit number {k}")
PY
cat > "$WORK/post.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"},
    '{"full_name":"Bench Person ' .. n .. '","email":"b' .. n .. '@example.com","company":"Tailspin"}')
end
LUA
cat > "$WORK/patch.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("PATCH", nil, {["Content-Type"] = "application/json"}, '{"mobile":"06 15 88 ' .. (n % 100) .. ' 17"}')
end
LUA

json() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
run() {
  local name=$1 bin=$2 data="$WORK/data-$1"
  mkdir -p "$data"
  CONTACTPRO_EVENTS__MAX_STREAMS_PER_USER=1000 "$bin" serve --data-dir "$data" --listen "127.0.0.1:$PORT" 2>/dev/null &
  PID=$!
  until curl -sf "$U/readyz" >/dev/null; do sleep 0.01; done
  tok=$(curl -s -XPOST "$U/api/v1/demo/token" -H 'content-type: application/json' \
        -d '{"tid":"00000000-0000-4000-8000-000000000001","oid":"u1","name":"User 1","upn":"u1@example.com"}' | json '["access_token"]')
  curl -s -o /dev/null -XPOST "$U/api/v1/login" -H "authorization: Bearer $tok"
  mk() { curl -s -XPOST "$U/api/v1/lists" -H "authorization: Bearer $tok" -H 'content-type: application/json' -d "{\"name\":\"$1\"}" | json '["id"]'; }
  import() {
    local t0 t1 job
    t0=$(date +%s%N)
    job=$(curl -s -XPOST "$U/api/v1/lists/$1/imports?on_duplicate=${3:-skip}" -H "authorization: Bearer $tok" -H 'content-type: text/csv' --data-binary "@$2" | json '["id"]')
    until curl -s "$U/api/v1/jobs/$job" -H "authorization: Bearer $tok" | grep -q '"status":"succeeded"\|"status":"failed"'; do sleep 0.02; done
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
  }
  echo "== $name ($bin)"
  writes=$(mk writes)
  wrk -t1 -c1 -d10s -s "$WORK/post.lua" -H "Authorization: Bearer $tok" --latency "$U/api/v1/lists/$writes/contacts" \
    | grep -E "Requests/sec|^ +50%|^ +99%" | sed 's/^/  create: /'
  one=$(curl -s -XPOST "$U/api/v1/lists/$writes/contacts" -H "authorization: Bearer $tok" -H 'content-type: application/json' -d '{"full_name":"Edited Often"}' | json '["id"]')
  wrk -t1 -c1 -d10s -s "$WORK/patch.lua" -H "Authorization: Bearer $tok" --latency "$U/api/v1/lists/$writes/contacts/$one" \
    | grep -E "Requests/sec|^ +50%|^ +99%" | sed 's/^/  edit:   /'
  big=$(mk big)
  echo "  import 100,000 rows: $(import "$big" "$WORK/import.csv") ms"
  small=$(mk small)
  import "$small" "$WORK/small.csv" >/dev/null
  kill -TERM $PID; wait $PID || true
  local before_edits; before_edits=$(stat -c %s "$data"/orgs/*.redb)
  CONTACTPRO_EVENTS__MAX_STREAMS_PER_USER=1000 "$bin" serve --data-dir "$data" --listen "127.0.0.1:$PORT" 2>/dev/null &
  PID=$!
  until curl -sf "$U/readyz" >/dev/null; do sleep 0.01; done
  local total=0
  for k in 0 1 2 3 4 5 6 7 8 9; do total=$(( total + $(import "$small" "$WORK/edit$k.csv" update) )); done
  echo "  10 update imports of 10,000 rows: $total ms in all"
  kill -TERM $PID; wait $PID || true
  local after_edits; after_edits=$(stat -c %s "$data"/orgs/*.redb)
  echo "  organization file: $before_edits bytes before the edits, $after_edits after; growth per contact for 10 edits: $(( (after_edits - before_edits) / 10000 )) bytes"
  if [ "$name" = after ]; then
    CONTACTPRO_EVENTS__MAX_STREAMS_PER_USER=1000 "$bin" serve --data-dir "$data" --listen "127.0.0.1:$PORT" 2>/dev/null &
    PID=$!
    until curl -sf "$U/readyz" >/dev/null; do sleep 0.01; done
    node benches/sse_fanout.mjs "$U" "$tok" "$small" 500
    echo "  server RSS with the streams open (peak): $(grep VmHWM /proc/$PID/status | awk '{print $2}') kB"
    kill -TERM $PID; wait $PID || true
  fi
}
run before "$BEFORE"
run after "$AFTER"
