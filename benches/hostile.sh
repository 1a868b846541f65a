#!/usr/bin/env bash
# Peak RSS of hostile imports (docs/PERFORMANCE.md, "Hostile imports"): each case on a fresh
# server, peak RSS (VmHWM) read from /proc when its jobs are done.
#   a. xlsx (~20 kB): 400 rows whose Notes reference one 9 MB shared string, Mobile in a style
#      whose number format is a 1 MB "000...0" mask
#   b. CSV: 200,000 invalid rows (a control character as the full name)
#   c. CSV: one cell of 64,000 group names
#   d. 12 parallel uploads of a 42 MB, 100,000-row CSV, from 12 organizations
# Usage: BIN=target/release/contactpro benches/hostile.sh   (ONLY=a|b|c|d for one case)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BIN:-}" ]; then
  cargo build --release --locked -q
  BIN=target/release/contactpro
fi
DIR=$(mktemp -d)
FILES=$(mktemp -d)
PORT=${PORT:-18124}
PID=
trap 'kill $PID 2>/dev/null || true; rm -rf "$DIR" "$FILES"' EXIT

python3 - "$FILES" <<'EOF'
import sys, os, zipfile
d = sys.argv[1]
M = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
P = "http://schemas.openxmlformats.org/package/2006/relationships"
sheet = [f'<?xml version="1.0"?><worksheet xmlns="{M}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Full Name</t></is></c><c r="B1" t="inlineStr"><is><t>Notes</t></is></c><c r="C1" t="inlineStr"><is><t>Mobile</t></is></c></row>']
for i in range(2, 402):
    sheet.append(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>Person {i}</t></is></c><c r="B{i}" t="s"><v>0</v></c><c r="C{i}" s="1"><v>612345678</v></c></row>')
sheet.append('</sheetData></worksheet>')
parts = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
    "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{P}"><Relationship Id="rId1" Type="{R}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{M}" xmlns:r="{R}"><sheets><sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{P}"><Relationship Id="rId1" Type="{R}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{R}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="{R}/styles" Target="styles.xml"/></Relationships>',
    "xl/sharedStrings.xml": f'<?xml version="1.0"?><sst xmlns="{M}" count="1" uniqueCount="1"><si><t>{"N" * (9 << 20)}</t></si></sst>',
    "xl/styles.xml": f'<?xml version="1.0"?><styleSheet xmlns="{M}"><numFmts count="1"><numFmt numFmtId="164" formatCode="{"0" * (1 << 20)}"/></numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>',
    "xl/worksheets/sheet1.xml": "".join(sheet),
}
with zipfile.ZipFile(os.path.join(d, "shared.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
    for name, text in parts.items():
        z.writestr(name, text)
with open(os.path.join(d, "invalid.csv"), "w") as f:
    f.write("Full Name\n" + "\x01\n" * 200_000)
with open(os.path.join(d, "groups.csv"), "w") as f:
    f.write("Full Name,Groups\nMany," + ";".join(f"Group {i}" for i in range(64_000)) + "\n")
with open(os.path.join(d, "big.csv"), "w") as f:
    f.write("Full Name,Job Title,Email,Mobile,Company,Department,City,Notes,Groups\n")
    for i in range(100_000):
        f.write(f"Person {i} Lastname,Engineer {i % 50},person{i}@example.com,+33 6 {i:08d},Company {i % 1000},Dept {i % 20},City {i % 300},"
                + ("note " * 50) + f",Group {i % 30}\n")
EOF
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "files: shared.xlsx $(stat -c %s "$FILES/shared.xlsx") B, invalid.csv $(stat -c %s "$FILES/invalid.csv") B, groups.csv $(stat -c %s "$FILES/groups.csv") B, big.csv $(stat -c %s "$FILES/big.csv") B"

start() {
  rm -rf "$DIR"; mkdir -p "$DIR"
  "$BIN" serve --data-dir "$DIR" --listen "127.0.0.1:$PORT" 2>/dev/null &
  PID=$!
  until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null; do sleep 0.01; done
}
stop() { kill -TERM $PID; wait $PID || true; }
token() {
  local tid=$(printf '00000000-0000-4000-8000-%012d' "$1")
  local tok=$(curl -s -XPOST "http://127.0.0.1:$PORT/api/v1/demo/token" -H 'content-type: application/json' \
        -d "{\"tid\":\"$tid\",\"oid\":\"u1\",\"name\":\"User 1\",\"upn\":\"u1@example.com\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
  curl -s -o /dev/null -XPOST "http://127.0.0.1:$PORT/api/v1/login" -H "authorization: Bearer $tok"
  echo "$tok"
}
new_list() {
  curl -s -XPOST "http://127.0.0.1:$PORT/api/v1/lists" -H "authorization: Bearer $1" -H 'content-type: application/json' \
    -d '{"name":"Hostile"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])'
}
# upload TOKEN LIST FILE CONTENT-TYPE -> job id (or the error)
upload() {
  curl -s -XPOST "http://127.0.0.1:$PORT/api/v1/lists/$2/imports" -H "authorization: Bearer $1" -H "content-type: $4" \
    --data-binary "@$3" | python3 -c 'import json,sys;v=json.load(sys.stdin);print(v.get("id") or v)'
}
wait_job() {
  while :; do
    j=$(curl -s "http://127.0.0.1:$PORT/api/v1/jobs/$2" -H "authorization: Bearer $1")
    case "$j" in *'"status":"queued"'*|*'"status":"running"'*) sleep 0.05 ;; *) break ;; esac
  done
  echo "$j" | python3 -c 'import json,sys;v=json.load(sys.stdin);print({k:v.get(k) for k in ("status","total","imported","error_count","errors_truncated","message")})'
}
peak() { echo "$1: peak RSS $(grep VmHWM /proc/$PID/status | awk '{print $2}') kB"; }

case_one() { # NAME FILE CONTENT-TYPE
  start; tok=$(token 1); list=$(new_list "$tok")
  t0=$(date +%s%N); job=$(upload "$tok" "$list" "$2" "$3")
  case "$job" in *"{"*) echo "$1: refused: $job" ;; *) echo "$1: $(wait_job "$tok" "$job")" ;; esac
  t1=$(date +%s%N); echo "$1: upload to job done $(( (t1 - t0) / 1000000 )) ms"
  peak "$1"; stop
}

O=${ONLY:-all}
[ "$O" = all ] || [ "$O" = a ] && case_one "a. shared string + mask xlsx" "$FILES/shared.xlsx" application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
[ "$O" = all ] || [ "$O" = b ] && case_one "b. 200,000 invalid rows" "$FILES/invalid.csv" text/csv
[ "$O" = all ] || [ "$O" = c ] && case_one "c. 64,000 groups in a cell" "$FILES/groups.csv" text/csv
if [ "$O" = all ] || [ "$O" = d ]; then
  start
  t0=$(date +%s%N)
  pids=()
  for i in $(seq 1 12); do
    ( tok=$(token "$i"); list=$(new_list "$tok"); job=$(upload "$tok" "$list" "$FILES/big.csv" text/csv)
      echo "d. org $i: $(wait_job "$tok" "$job")" ) &
    pids+=($!)
  done
  wait "${pids[@]}"
  t1=$(date +%s%N); echo "d. 12 parallel 100,000-row uploads: $(( (t1 - t0) / 1000000 )) ms"
  peak "d. 12 parallel uploads"; stop
fi
