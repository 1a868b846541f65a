#!/usr/bin/env bash
# Server benchmarks for docs/PERFORMANCE.md: start-to-ready with 1,000 organizations on disk,
# idle RSS, release binary size, and GET /api/v1/me throughput under wrk.
# Usage: benches/server.sh   (needs wrk: apt-get install -y wrk)
#        ONLY=import benches/server.sh   (only the HTTP import/export section)
set -euo pipefail
cd "$(dirname "$0")/.."
# BIN=path/to/contactpro compares another build (e.g. before/after a change) without rebuilding.
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked -q
  BIN=target/release/contactpro
fi
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

if [ "${ONLY:-all}" = all ]; then
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
else
  start; wait_ready
  tok=$(curl -s -XPOST "http://127.0.0.1:$PORT/api/v1/demo/token" -H 'content-type: application/json' \
        -d '{"tid":"00000000-0000-4000-8000-000000000001","oid":"u1","name":"User 1","upn":"u1@example.com"}' | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
  curl -s -o /dev/null -XPOST "http://127.0.0.1:$PORT/api/v1/login" -H "authorization: Bearer $tok"
fi

# Import over HTTP: 100,000-row CSV and xlsx (xlsx written by openpyxl when installed), upload to job done.
python3 - "$DIR" <<'PY'
import sys, csv, os
d = sys.argv[1]
rows = [["Full Name", "Job Title", "Email", "Mobile", "Company", "Department", "City", "Notes", "Groups"]]
for i in range(100_000):
    rows.append([f"Person {i} Müller", "Buyer", f"p{i}@example.com", f"06 {i % 100:02d} {i // 100 % 100:02d} 00 00",
                 f"Company {i % 2000}", "Sales", "Lyon", "Met at the fair", f"Group {i % 5}"])
with open(os.path.join(d, "import.csv"), "w", newline="") as f:
    csv.writer(f).writerows(rows)
try:
    import openpyxl
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    for r in rows:
        ws.append(r)
    wb.save(os.path.join(d, "import.xlsx"))
except ImportError:
    pass
PY
for f in import.csv import.xlsx; do
  [ -f "$DIR/$f" ] || continue
  list=$(curl -s -XPOST "http://127.0.0.1:$PORT/api/v1/lists" -H "authorization: Bearer $tok" -H 'content-type: application/json'          -d "{\"name\":\"$f\"}" | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
  t0=$(date +%s%N)
  job=$(curl -s -XPOST "http://127.0.0.1:$PORT/api/v1/lists/$list/imports" -H "authorization: Bearer $tok" --data-binary "@$DIR/$f" \
        | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
  until curl -s "http://127.0.0.1:$PORT/api/v1/jobs/$job" -H "authorization: Bearer $tok" | grep -q '"status":"succeeded"\|"status":"failed"'; do sleep 0.05; done
  t1=$(date +%s%N)
  echo "import $f (100,000 rows), upload to job done: $(( (t1 - t0) / 1000000 )) ms; $(curl -s "http://127.0.0.1:$PORT/api/v1/jobs/$job" -H "authorization: Bearer $tok" | grep -o '"imported":[0-9]*')"
  echo "RSS after import: $(grep VmHWM /proc/$PID/status | awk '{print $2}') kB peak"
  for fmt in xlsx csv vcf; do
    t0=$(date +%s%N)
    curl -s -o /dev/null "http://127.0.0.1:$PORT/api/v1/lists/$list/export?format=$fmt" -H "authorization: Bearer $tok"
    t1=$(date +%s%N)
    echo "export $fmt of 100,000 contacts: $(( (t1 - t0) / 1000000 )) ms"
  done
  # A search under load on the 100,000-contact list.
  wrk -t2 -c32 -d10s -H "Authorization: Bearer $tok" "http://127.0.0.1:$PORT/api/v1/lists/$list/contacts?q=mull%20comp&per_page=50" | grep -E "Requests/sec|Latency"
  break
done
echo "peak RSS: $(grep VmHWM /proc/$PID/status | awk '{print $2}') kB"
