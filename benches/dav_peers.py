#!/usr/bin/env python3
"""CardDAV side by side: the same N vCards served by contactpro, Radicale and Xandikos (both from
Debian), each started here on loopback with its storage on tmpfs, measured the same way:

- PROPFIND depth 1 on the book (getetag), and a full sync-collection (empty token, getetag),
  each the median of --repeat runs after one untimed warm-up request (Radicale builds its item
  cache on the first one);
- vdirsyncer initial sync into an empty folder on tmpfs (vdirsyncer fsyncs every file), stopped
  after --timeout seconds, with the server's peak RSS during it (VmHWM, reset just before);
- vdirsyncer incremental sync after 10 cards were changed over DAV (GET, edit TITLE, PUT with
  If-Match: the same requests for every server).

Loading: contactpro imports the .vcf through its REST API; Radicale's storage is written as it
keeps it (a folder of .vcf files and .Radicale.props); Xandikos's is a git repository (the .vcf
files committed once: 10,000 PUTs would be 10,000 commits).

Usage: benches/dav_peers.py [N] (CONTACTPRO_BIN, default target/release/contactpro;
PEERS="contactpro radicale xandikos"; --repeat 3; --timeout 150).
"""
import argparse
import base64
import http.client
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

TID = "6e5a1c1e-4b1d-4c1f-9a55-0c0a7e1d2b01"
PROPFIND = b'<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'
SYNC = (
    b'<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level>'
    b"<d:prop><d:getetag/></d:prop></d:sync-collection>"
)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def card(i):
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:person-{i:05d}\r\nFN:Person {i:05d}\r\nN:{i:05d};Person;;;\r\n"
        f"EMAIL:p{i}@contoso.example\r\nTEL;TYPE=CELL:+33 6 {i % 100:02d} {i // 100 % 100:02d} 00 00\r\n"
        f"ORG:Company {i % 50}\r\nTITLE:Title {i % 7}\r\nEND:VCARD\r\n"
    )


class Server:
    def __init__(self, name, port, root_url, book, user, password, proc):
        self.name, self.port, self.root_url, self.book = name, port, root_url, book
        self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.user, self.password, self.proc = user, password, proc

    def req(self, method, path, body=None, headers=None, timeout=600):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        h = {"Authorization": self.auth, **({"Content-Type": "application/xml"} if body else {}), **(headers or {})}
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, r.getheaders(), data


def wait_up(port, proc, log):
    for _ in range(300):
        if proc.poll() is not None:
            sys.exit(f"server exited:\n{open(log).read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"server did not start:\n{open(log).read()}")


def json_req(port, method, path, body, token=None, ctype="application/json"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    h = {"content-type": ctype}
    if token:
        h["authorization"] = f"Bearer {token}"
    c.request(method, path, body=body if isinstance(body, bytes) else json.dumps(body), headers=h)
    r = c.getresponse()
    data = r.read()
    if r.status >= 300:
        sys.exit(f"{method} {path}: {r.status} {data[:500]!r}")
    return json.loads(data) if data else None


def start_contactpro(tmp, cards, binary):
    port = free_port()
    log = f"{tmp}/contactpro.log"
    env = {**os.environ, "CONTACTPRO_AUTH__MODE": "demo"}
    proc = subprocess.Popen(
        [binary, "serve", "--config", "/dev/null", "--listen", f"127.0.0.1:{port}", "--data-dir", f"{tmp}/contactpro"],
        env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT,
    )
    wait_up(port, proc, log)
    who = {"tid": TID, "oid": "adele", "name": "Adèle Vance", "upn": "adele@contoso.example"}
    token = json_req(port, "POST", "/api/v1/demo/token", who)["access_token"]
    json_req(port, "POST", "/api/v1/login", {}, token)
    lst = json_req(port, "POST", "/api/v1/lists", {"name": "Big"}, token)["id"]
    job = json_req(port, "POST", f"/api/v1/lists/{lst}/imports", "".join(cards).encode(), token, "text/vcard")["id"]
    while json_req(port, "GET", f"/api/v1/jobs/{job}", None, token)["status"] in ("queued", "running"):
        time.sleep(0.2)
    pw = json_req(port, "POST", "/api/v1/me/app-passwords", {"name": "bench"}, token)["password"]
    return Server("contactpro", port, f"http://127.0.0.1:{port}/dav/", f"/dav/books/adele/{lst}/", "adele@contoso.example", pw, proc)


def start_radicale(tmp, cards):
    port = free_port()
    root = f"{tmp}/radicale/collection-root/bench/book"
    os.makedirs(root)
    with open(f"{tmp}/radicale/collection-root/bench/.Radicale.props", "w") as f:
        f.write("{}")
    with open(f"{root}/.Radicale.props", "w") as f:
        json.dump({"tag": "VADDRESSBOOK", "D:displayname": "Big"}, f)
    for i, c in enumerate(cards):
        with open(f"{root}/person-{i:05d}.vcf", "w", newline="") as f:
            f.write(c)
    conf = f"{tmp}/radicale.conf"
    with open(conf, "w") as f:
        f.write(
            f"[server]\nhosts = 127.0.0.1:{port}\nmax_content_length = 100000000\n"
            f"[auth]\ntype = none\n[rights]\ntype = owner_only\n"
            # The folder that holds collection-root.
            f"[storage]\nfilesystem_folder = {tmp}/radicale\n"
            f"[logging]\nlevel = warning\nmask_passwords = True\n"
        )
    log = f"{tmp}/radicale.log"
    proc = subprocess.Popen(["radicale", "-C", conf], stdout=open(log, "w"), stderr=subprocess.STDOUT)
    wait_up(port, proc, log)
    return Server("Radicale", port, f"http://127.0.0.1:{port}/", "/bench/book/", "bench", "bench", proc)


def start_xandikos(tmp, cards):
    port = free_port()
    d = f"{tmp}/xandikos"
    log = f"{tmp}/xandikos.log"
    # Once with --defaults to make the principal and its address book, then the cards committed.
    first = subprocess.Popen(
        ["xandikos", "--defaults", "--autocreate", "-d", d, "-l", "127.0.0.1", "-p", str(port)],
        stdout=open(log, "w"), stderr=subprocess.STDOUT,
    )
    wait_up(port, first, log)
    first.terminate()
    first.wait()
    book = f"{d}/user/contacts/addressbook"
    assert os.path.exists(f"{book}/.xandikos"), os.listdir(d)
    for i, c in enumerate(cards):
        with open(f"{book}/person-{i:05d}.vcf", "w", newline="") as f:
            f.write(c)
    git = ["git", "-C", book, "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "10,000 cards"], check=True)
    proc = subprocess.Popen(
        ["xandikos", "--defaults", "-d", d, "-l", "127.0.0.1", "-p", str(port)],
        stdout=open(log, "a"), stderr=subprocess.STDOUT,
    )
    wait_up(port, proc, log)
    return Server("Xandikos", port, f"http://127.0.0.1:{port}/", "/user/contacts/addressbook/", "user", "user", proc)


def stop(proc):
    """SIGTERM, then SIGKILL: a server still busy with a request a stopped client sent may not stop."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def timed(f, *a):
    s = time.monotonic()
    r = f(*a)
    return time.monotonic() - s, r


def hrefs_of(body):
    return re.findall(r"<(?:[\w]+:)?href>([^<]+\.vcf)</(?:[\w]+:)?href>", body.decode())


def peak_rss_reset(pid):
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def peak_rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def server_cpu(pid):
    """User + system CPU seconds the server has used so far."""
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def vdirsyncer(tmp, s, n, timeout):
    base = tempfile.mkdtemp(prefix=f"vds-{s.name}-", dir="/dev/shm")
    conf = f"{base}/config"
    with open(conf, "w") as f:
        f.write(
            f'[general]\nstatus_path = "{base}/status/"\n[pair book]\na = "local"\nb = "remote"\ncollections = ["from b"]\n'
            f'[storage local]\ntype = "filesystem"\npath = "{base}/local/"\nfileext = ".vcf"\n'
            f'[storage remote]\ntype = "carddav"\nurl = "{s.root_url}"\nusername = "{s.user}"\npassword = "{s.password}"\n'
        )
    os.makedirs(f"{base}/local")
    subprocess.run(["vdirsyncer", "-c", conf, "discover", "book"], input=b"y\n" * 10, capture_output=True, check=True)

    def sync():
        """True when it finished; the CPU seconds of vdirsyncer and of the server go to cpu."""
        c0, s0 = child_cpu(), server_cpu(s.proc.pid)
        try:
            p = subprocess.run(["vdirsyncer", "-c", conf, "sync"], capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        finally:
            cpu[:] = [child_cpu() - c0, server_cpu(s.proc.pid) - s0]
        if p.returncode != 0:
            sys.exit(f"vdirsyncer sync against {s.name} failed:\n{p.stderr.decode()[-2000:]}")
        return True

    cpu = [0.0, 0.0]

    def files():
        return sum(len(fs) for _, _, fs in os.walk(f"{base}/local"))

    peak_rss_reset(s.proc.pid)
    t, ok = timed(sync)
    rss = peak_rss_mb(s.proc.pid)
    return base, (t if ok else None), rss, files(), sync, cpu


def change_ten(s, hrefs):
    """10 cards changed over DAV, the same way on every server."""
    step = len(hrefs) // 10
    for h in hrefs[::step][:10]:
        path = h if h.startswith("/") else "/" + h.split("/", 3)[3]
        st, hd, body = s.req("GET", path)
        assert st == 200, (s.name, path, st)
        etag = dict((k.lower(), v) for k, v in hd)["etag"]
        text = body.decode()
        text = re.sub(r"^TITLE:.*$", "TITLE:Changed", text, flags=re.M) if "TITLE:" in text else text.replace(
            "END:VCARD", "TITLE:Changed\r\nEND:VCARD"
        )
        st, _, b = s.req("PUT", path, text.encode(), {"Content-Type": "text/vcard; charset=utf-8", "If-Match": etag})
        assert st in (200, 201, 204), (s.name, path, st, b[:300])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=10000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=150)
    ap.add_argument("--peers", default=os.environ.get("PEERS", "contactpro radicale xandikos"))
    a = ap.parse_args()
    binary = os.environ.get("CONTACTPRO_BIN", "target/release/contactpro")
    tmp = tempfile.mkdtemp(prefix="dav-peers-", dir="/dev/shm")
    cards = [card(i) for i in range(a.n)]
    servers, rows = [], []
    try:
        for p in a.peers.split():
            t0 = time.monotonic()
            s = {"contactpro": lambda: start_contactpro(tmp, cards, binary),
                 "radicale": lambda: start_radicale(tmp, cards),
                 "xandikos": lambda: start_xandikos(tmp, cards)}[p]()
            servers.append(s)
            print(f"{s.name}: loaded {a.n} cards in {time.monotonic() - t0:.1f} s", file=sys.stderr)
            st, _, body = s.req("PROPFIND", s.book, PROPFIND, {"Depth": "1"})  # warm-up
            hrefs = hrefs_of(body)
            assert st == 207 and len(hrefs) == a.n, (s.name, st, len(hrefs), body[:300])
            pf, sc = [], []
            for _ in range(a.repeat):
                t, (st, _, body) = timed(s.req, "PROPFIND", s.book, PROPFIND, {"Depth": "1"})
                assert st == 207 and len(hrefs_of(body)) == a.n, (s.name, st)
                pf.append(t)
                t, (st, _, body) = timed(s.req, "REPORT", s.book, SYNC, {"Depth": "0", "Content-Type": "application/xml"})
                assert st == 207 and len(hrefs_of(body)) == a.n, (s.name, st, len(hrefs_of(body)), body[:300])
                sc.append(t)
            print(f"{s.name}: PROPFIND {pf}, sync-collection {sc}", file=sys.stderr)
            base, initial, rss, nfiles, sync, cpu = vdirsyncer(tmp, s, a.n, a.timeout)
            cpu_initial = tuple(cpu)
            print(f"{s.name}: vdirsyncer initial {initial} s, {nfiles} files, peak RSS {rss:.0f} MB, "
                  f"CPU vdirsyncer {cpu[0]:.2f} s server {cpu[1]:.2f} s", file=sys.stderr)
            incremental, cpu_incremental = None, (float("nan"), float("nan"))
            if initial is not None:
                assert nfiles == a.n, (s.name, nfiles)
                change_ten(s, hrefs)
                incremental, ok = timed(sync)
                cpu_incremental = tuple(cpu)
                if not ok:
                    incremental = None
                changed = subprocess.run(["grep", "-rl", "TITLE:Changed", f"{base}/local"], capture_output=True).stdout
                assert ok is None or len(changed.splitlines()) == 10, (s.name, changed)
            print(f"{s.name}: vdirsyncer incremental {incremental} s, CPU vdirsyncer {cpu_incremental[0]:.2f} s "
                  f"server {cpu_incremental[1]:.2f} s", file=sys.stderr)
            rows.append((s.name, statistics.median(pf), min(pf), max(pf), statistics.median(sc), min(sc), max(sc),
                         initial, incremental, rss, cpu_initial, cpu_incremental))
            stop(s.proc)
            shutil.rmtree(base, ignore_errors=True)
    finally:
        for s in servers:
            if s.proc.poll() is None:
                s.proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    def secs(v):
        return f"> {a.timeout:.0f} s (stopped)" if v is None else f"{v:.2f} s"

    print(f"\n{a.n} cards; PROPFIND and sync-collection: median of {a.repeat} (min-max)\n")
    print("vdirsyncer syncs: wall time [CPU seconds of vdirsyncer / of the server]\n")
    print("| server | PROPFIND depth 1 | sync-collection (full) | vdirsyncer initial sync | vdirsyncer incremental (10 changes) | peak RSS during initial sync |")
    print("| --- | --- | --- | --- | --- | --- |")

    def cpus(c):
        return f" [{c[0]:.1f} / {c[1]:.1f}]"

    for name, pm, pmin, pmax, sm, smin, smax, ini, inc, rss, ci, cn in rows:
        inc_s = "not run (initial sync stopped)" if ini is None else secs(inc) + cpus(cn)
        print(f"| {name} | {pm:.2f} s ({pmin:.2f}-{pmax:.2f}) | {sm:.2f} s ({smin:.2f}-{smax:.2f}) | {secs(ini)}{cpus(ci)} | {inc_s} | {rss:.0f} MB |")


if __name__ == "__main__":
    main()
