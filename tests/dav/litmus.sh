#!/usr/bin/env bash
# The litmus WebDAV suite (Debian's litmus 0.13) against one address book, signed in with an app
# password. Every litmus suite (basic, copymove, props, locks, http) first makes a scratch
# collection with MKCOL inside the URL it is given and runs all its tests in there, with text
# bodies, dead properties, COPY/MOVE and locks. A CardDAV book is not a general WebDAV store: it
# holds vCards only and no collections, so that MKCOL is refused by design (405) and litmus stops
# each suite there. What applies is each suite's `init` (OPTIONS advertises DAV class 1, Basic
# sign-in with an app password works); docs/CARDDAV.md ("litmus") lists and explains the rest.
# This script fails on any result that is not in EXPECTED below (a new failure, a missing pass,
# or a test that starts running because the server changed: then update the list and the docs).
# Needs: litmus, curl, python3; a built binary (CONTACTPRO_BIN, default target/debug/contactpro).
set -euo pipefail
BIN=${CONTACTPRO_BIN:-target/debug/contactpro}
T=$(mktemp -d /dev/shm/contactpro-litmus.XXXXXX)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$T"; }
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
PASS=$(api POST /api/v1/me/app-passwords -d '{"name":"litmus"}' | json 'v["password"]')
BOOK="$U/dav/books/adele/$LIST/"

SUITES="basic copymove props locks http"
# litmus writes debug.log and child.log into its working directory.
(cd "$T" && TESTS="$SUITES" timeout 120 litmus -k "$BOOK" adele@contoso.example "$PASS" >"$T/litmus.out" 2>&1) || true
cat "$T/litmus.out"

# suite test -> expected result (and, for a failure, a text its message must contain).
python3 - "$T/litmus.out" "$SUITES" <<'PY' || fail "litmus: unexpected results (see above; docs/CARDDAV.md lists the expected ones)"
import re, sys
out, suites = open(sys.argv[1]).read(), sys.argv[2].split()
EXPECTED = {}
for s in suites:
    EXPECTED[(s, "init")] = ("pass", "")
    # MKCOL of the scratch collection `litmus/` inside the book: a book holds no collections.
    EXPECTED[(s, "begin")] = ("FAIL", "405 Method Not Allowed")
got, suite = {}, None
lines = out.splitlines()
for i, line in enumerate(lines):
    m = re.match(r"-> running `(\w+)'", line)
    if m:
        suite = m.group(1)
        continue
    for name, status in re.findall(r"\d+\.\s(\w+)\.+\s(pass|FAIL|SKIPPED|WARNING)", line):
        # A failure's message may go on over the next lines.
        msg = "\n".join([line] + lines[i + 1 : i + 3]) if status == "FAIL" else ""
        got[(suite, name)] = (status, msg)
bad = []
for key, (status, msg) in sorted(got.items(), key=str):
    want = EXPECTED.get(key)
    if want is None:
        bad.append(f"{key[0]}/{key[1]}: {status} was not expected to run at all")
    elif status != want[0] or want[1] not in msg:
        bad.append(f"{key[0]}/{key[1]}: {status}, expected {want[0]} {want[1]!r}\n{msg}")
for key in EXPECTED:
    if key not in got:
        bad.append(f"{key[0]}/{key[1]}: did not run")
for b in bad:
    print("UNEXPECTED:", b, file=sys.stderr)
passed = sum(1 for s, _ in got.values() if s == "pass")
print(f"litmus: {len(got)} results, {passed} passed, every result as expected" if not bad else "", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo "litmus: OK"
