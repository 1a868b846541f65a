#!/usr/bin/env bash
# A real CardDAV client against contactpro: Debian's vdirsyncer, two-way sync between a list and a
# folder on tmpfs (vdirsyncer fsyncs every file). Initial sync, an edit and a new card on each
# side, a deletion on each side; khard (Debian) reads the synced folder as an address book.
# Needs: vdirsyncer, khard, curl, python3; a built binary
# (CONTACTPRO_BIN, default target/debug/contactpro).
set -euo pipefail
BIN=${CONTACTPRO_BIN:-target/debug/contactpro}
T=$(mktemp -d /dev/shm/contactpro-vdirsyncer.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -n "${VDS_KEEP:-}" ] && cp -r "$T" "$VDS_KEEP"; rm -rf "$T"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- server log" >&2; tail -20 "$T/server.log" >&2; exit 1; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
U="http://127.0.0.1:$PORT"
CONTACTPRO_AUTH__MODE=demo "$BIN" serve --config /dev/null --listen "127.0.0.1:$PORT" --data-dir "$T/data" >"$T/server.log" 2>&1 &
PID=$!
for _ in $(seq 50); do curl -sf "$U/healthz" >/dev/null && break; sleep 0.1; done

json() { python3 -c "import json,sys; v=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
TOKEN=$(curl -sf -H 'content-type: application/json' \
  -d '{"tid":"6e5a1c1e-4b1d-4c1f-9a55-0c0a7e1d2b01","oid":"adele","name":"Adèle Vance","upn":"adele@contoso.example"}' \
  "$U/api/v1/demo/token" | json 'v["access_token"]')
api() { local m=$1 p=$2; shift 2; curl -sf -X "$m" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' "$@" "$U$p"; }
api POST /api/v1/login -d '{}' >/dev/null
LIST=$(api POST /api/v1/lists -d '{"name":"Suppliers"}' | json 'v["id"]')
i=0
for n in "Clément Laurent" "Zoé Martin" "Nina Keller"; do
  i=$((i + 1))
  api POST "/api/v1/lists/$LIST/contacts" \
    -d "{\"full_name\":\"$n\",\"email\":\"x@contoso.example\",\"mobile\":\"+33 6 00 00 00 0$i\"}" >/dev/null
done
count() { api GET "/api/v1/lists/$LIST/contacts" | json 'v["total"]'; }
PASS=$(api POST /api/v1/me/app-passwords -d '{"name":"vdirsyncer"}' | json 'v["password"]')

mkdir -p "$T/local" "$T/status"
cat >"$T/config" <<CFG
[general]
status_path = "$T/status/"

[pair book]
a = "local"
b = "remote"
collections = ["from b"]
conflict_resolution = "b wins"

[storage local]
type = "filesystem"
path = "$T/local/"
fileext = ".vcf"

[storage remote]
type = "carddav"
url = "$U/"
username = "adele@contoso.example"
password = "$PASS"
CFG
V() { vdirsyncer ${VDS_VERBOSE:+-vdebug} -c "$T/config" "$@" >>"$T/vdirsyncer.log" 2>&1 || { cat "$T/vdirsyncer.log" >&2; fail "vdirsyncer $*"; }; }

start=$(date +%s.%N)
V discover book < <(yes)
V sync
echo "initial sync: $(python3 -c "print(round($(date +%s.%N) - $start, 2))") s"
DIR="$T/local/$LIST"
[ "$(ls "$DIR" | wc -l)" = 3 ] || fail "initial sync: $(ls "$DIR" | wc -l) files, want 3"

# An edit and a new card on the phone side.
F=$(grep -l 'FN:Zoé Martin' "$DIR"/*.vcf)
sed -i -e 's/^FN:Zoé Martin\(\r\?\)$/FN:Zoé Martin-Dupont\1/' -e 's/^N:Martin;Zoé;/N:Martin-Dupont;Zoé;/' "$F"
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:local-1\r\nFN:Local Person\r\nN:Person;Local;;;\r\nBDAY:1990-04-01\r\nEND:VCARD\r\n' >"$DIR/local-1.vcf"
V sync
api GET "/api/v1/lists/$LIST/contacts?q=Dupont" | grep -q 'Zoé Martin-Dupont' || fail "local edit not on the server"
[ "$(count)" = 4 ] || fail "local new card not on the server ($(count))"

# An edit and a deletion on the server side.
ID=$(api GET "/api/v1/lists/$LIST/contacts?q=Keller" | json 'v["items"][0]["id"]')
api PATCH "/api/v1/lists/$LIST/contacts/$ID" -d '{"job_title":"Buyer"}' >/dev/null
ID=$(api GET "/api/v1/lists/$LIST/contacts?q=Laurent" | json 'v["items"][0]["id"]')
api DELETE "/api/v1/lists/$LIST/contacts/$ID" >/dev/null
start=$(date +%s.%N)
V sync
echo "incremental sync: $(python3 -c "print(round($(date +%s.%N) - $start, 2))") s"
grep -q 'TITLE:Buyer' "$DIR"/*.vcf || fail "server edit not in the folder"
grep -q 'Clément' "$DIR"/*.vcf && fail "server deletion not in the folder"
[ "$(ls "$DIR" | wc -l)" = 3 ] || fail "after the server's changes: $(ls "$DIR" | wc -l) files, want 3"
# The phone's BDAY survived the round trip through the server.
grep -q 'BDAY:1990-04-01' "$DIR"/*.vcf || fail "BDAY lost"

# khard, a console address book, over the synced folder: its list and show read the cards.
cat >"$T/khard.conf" <<CFG
[addressbooks]
[[suppliers]]
path = $DIR/
[general]
default_action = list
editor = /bin/false
merge_editor = /bin/false
CFG
K() { khard -c "$T/khard.conf" "$@" 2>>"$T/khard.log" || { cat "$T/khard.log" >&2; fail "khard $*"; }; }
LISTED=$(K list --parsable)
echo "$LISTED" >"$T/khard-list.txt"
[ "$(echo "$LISTED" | grep -c .)" = 3 ] || fail "khard list: want 3 contacts, got: $LISTED"
for n in "Zoé Martin-Dupont" "Nina Keller" "Local Person"; do
  echo "$LISTED" | grep -q "$n" || fail "khard list lacks $n: $LISTED"
done
SHOWN=$(K show --format=yaml Keller)
echo "$SHOWN" | grep -q '+33 6 00 00 00 03' || fail "khard show: Nina Keller's mobile missing: $SHOWN"
echo "$SHOWN" | grep -q 'Buyer' || fail "khard show: Nina Keller's title missing: $SHOWN"
SHOWN=$(K show --format=yaml Dupont)
echo "$SHOWN" | grep -q '+33 6 00 00 00 02' || fail "khard show: Zoé's mobile missing: $SHOWN"
K show --format=yaml Local | grep -q '1990-04-01' || fail "khard show: the phone's birthday missing"

# A deletion on the phone side.
rm "$(grep -l 'Local Person' "$DIR"/*.vcf)"
V sync
[ "$(count)" = 2 ] || fail "local deletion not on the server ($(count))"
V sync
echo "vdirsyncer: OK"
