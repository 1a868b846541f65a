#!/usr/bin/env bash
# CardDAV over a 10,000-card book: PROPFIND depth 1, a full sync-collection, a vdirsyncer initial
# sync into tmpfs and an incremental one after 10 changes; the server's peak RSS.
# Usage: benches/dav.sh [N] (CONTACTPRO_BIN, default target/release/contactpro if built, else debug).
set -euo pipefail
N=${1:-10000}
BIN=${CONTACTPRO_BIN:-$( [ -x target/release/contactpro ] && echo target/release/contactpro || echo target/debug/contactpro )}
T=$(mktemp -d /dev/shm/contactpro-davbench.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
U="http://127.0.0.1:$PORT"
CONTACTPRO_AUTH__MODE=demo "$BIN" serve --config /dev/null --listen "127.0.0.1:$PORT" --data-dir "$T/data" >"$T/server.log" 2>&1 &
PID=$!
for _ in $(seq 100); do curl -sf "$U/healthz" >/dev/null && break; sleep 0.1; done
json() { python3 -c "import json,sys; v=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
TOKEN=$(curl -sf -H 'content-type: application/json' \
  -d '{"tid":"6e5a1c1e-4b1d-4c1f-9a55-0c0a7e1d2b01","oid":"adele","name":"Adèle Vance","upn":"adele@contoso.example"}' \
  "$U/api/v1/demo/token" | json 'v["access_token"]')
api() { local m=$1 p=$2; shift 2; curl -sf -X "$m" -H "authorization: Bearer $TOKEN" "$@" "$U$p"; }
api POST /api/v1/login -H 'content-type: application/json' -d '{}' >/dev/null
LIST=$(api POST /api/v1/lists -H 'content-type: application/json' -d '{"name":"Big"}' | json 'v["id"]')
python3 -c "
import sys
print('Full Name,E-mail,Mobile,Company,Job Title')
for i in range($N): print(f'Person {i:05d},p{i}@contoso.example,+33 6 {i%100:02d} {i//100%100:02d} 00 00,Company {i%50},Title {i%7}')
" >"$T/big.csv"
JOB=$(api POST "/api/v1/lists/$LIST/imports" -H 'content-type: text/csv' --data-binary @"$T/big.csv" | json 'v["id"]')
for _ in $(seq 600); do
  st=$(api GET "/api/v1/jobs/$JOB" | json 'v["status"]'); [ "$st" = running ] || [ "$st" = queued ] || break; sleep 0.2
done
PASS=$(api POST /api/v1/me/app-passwords -H 'content-type: application/json' -d '{"name":"bench"}' | json 'v["password"]')
BOOK="$U/dav/books/adele/$LIST/"
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); python3 -c "print(f'{$e-$s:.2f}')"; }
echo "cards: $(api GET "/api/v1/lists/$LIST/contacts?limit=1" | json 'v["total"]')  binary: $BIN"
echo "PROPFIND depth 1 (getetag): $(t curl -sf -u "adele@contoso.example:$PASS" -X PROPFIND -H 'Depth: 1' --data '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>' "$BOOK") s"
echo "sync-collection full (getetag): $(t curl -sf -u "adele@contoso.example:$PASS" -X REPORT --data '<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>' "$BOOK") s"
mkdir -p "$T/local" "$T/status"
cat >"$T/config" <<CFG
[general]
status_path = "$T/status/"
[pair book]
a = "local"
b = "remote"
collections = ["from b"]
[storage local]
type = "filesystem"
path = "$T/local/"
fileext = ".vcf"
[storage remote]
type = "carddav"
url = "$U/dav/"
username = "adele@contoso.example"
password = "$PASS"
CFG
vdirsyncer -c "$T/config" discover book < <(yes) >/dev/null 2>&1
echo "vdirsyncer initial sync: $(t vdirsyncer -c "$T/config" sync) s ($(ls "$T/local/$LIST" | wc -l) files)"
for i in $(seq 10); do
  ID=$(api GET "/api/v1/lists/$LIST/contacts?q=Person%20$(printf %05d $((i*7)))" | json 'v["items"][0]["id"]')
  api PATCH "/api/v1/lists/$LIST/contacts/$ID" -H 'content-type: application/json' -d '{"job_title":"Changed"}' >/dev/null
done
echo "vdirsyncer incremental sync (10 changes): $(t vdirsyncer -c "$T/config" sync) s"
echo "server peak RSS: $(awk '/VmHWM/ {print int($2/1024)}' /proc/$PID/status) MB"
