#!/usr/bin/env python3
"""Create ORGS organizations through BASE_URL (a node or the proxy): each signs in (demo), makes one
list and PER_ORG contacts. Writes one line per organization to OUT: `<token> <list id>`.
Used by benches/scale.sh.  scale_setup.py BASE_URL ORGS PER_ORG OUT"""
import json, sys, urllib.request, concurrent.futures

base, orgs, per_org, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
WORDS = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau"]
COMPANIES = ["Tailspin", "Contoso", "Fabrikam", "Northwind", "Litware"]


def call(method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"null")


def one(i):
    tid = "%08x-0000-4000-8000-%012x" % (0x5ca1e000 + i, i)
    tok = call("POST", "/api/v1/demo/token", body={"tid": tid, "oid": "u%d" % i, "name": "User %d" % i,
                                                   "upn": "u%d@org%d.example" % (i, i)})["access_token"]
    call("POST", "/api/v1/login", tok, {})
    lst = call("POST", "/api/v1/lists", tok, {"name": "Crew"})["id"]
    for c in range(per_org):
        w = WORDS[(i + c) % len(WORDS)]
        call("POST", "/api/v1/lists/%s/contacts" % lst, tok,
             {"full_name": "%s %s %d" % (w, WORDS[c % len(WORDS)], c), "company": COMPANIES[c % len(COMPANIES)],
              "email": "p%d@org%d.example" % (c, i), "mobile": "+33 6 %02d %02d %02d %02d" % (i % 100, c % 100, 12, 34)})
    return "%s %s" % (tok, lst)


with concurrent.futures.ThreadPoolExecutor(8) as ex:
    lines = list(ex.map(one, range(orgs)))
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
