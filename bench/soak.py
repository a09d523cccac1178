#!/usr/bin/env python3
"""Soak load for a running kejing server (bench/soak.sh starts one and calls this).

Several users at once, at a steady rate, for a given time: dashboards, statements, client lists
(with and without a search), a client's page, the manager list, disputes raised by a customer
manager and decided by the performance office (API), and imports through the page's form
(preview, then commit, with the form's CSRF token and nonce). Every minute it prints one row:
requests, errors (any answer that is not the expected one, and any broken connection), p50/p99/max
latency and the server's resident memory (VmRSS of --pid). Python's standard library only.
"""

import argparse
import http.client
import json
import random
import re
import secrets
import statistics
import sys
import threading
import time
import urllib.parse

ITEM = "存款绩效薪酬"
TARGETS_CSV = "manager_id,period,measure,target\nM00001,2026-10,deposit_avg,5000000\nM00002,2026-10,deposit_avg,4000000\n"


class Client:
    """One keep-alive connection of one user."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.conn = None
        self.cookie = None
        self.csrf = None
        self.token = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                res = self.conn.getresponse()
                data = res.read()
                return res.status, res.msg, data
            except (ConnectionError, http.client.HTTPException, OSError):
                # A kept-alive connection the server closed while idle: once more on a new one.
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        raise RuntimeError("unreachable")

    def sign_in(self, user, password):
        body = urllib.parse.urlencode({"username": user, "password": password, "next": "/"})
        status, headers, _ = self.request(
            "POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 303:
            sys.exit(f"sign-in of {user} answered {status}")
        cookies = [c for c in headers.get_all("Set-Cookie") or [] if c.startswith("kejing_session=")]
        self.cookie = cookies[0].split(";")[0]
        _, _, page = self.request("GET", "/password")
        self.csrf = re.search(rb'name="_csrf" value="([^"]+)"', page).group(1).decode()
        status, _, data = self.request(
            "POST",
            "/api/login",
            json.dumps({"username": user, "password": password}),
            {"Content-Type": "application/json"},
        )
        self.token = json.loads(data)["token"]

    def api(self, method, path, payload=None):
        saved, self.cookie = self.cookie, None
        try:
            return self.request(
                method,
                path,
                json.dumps(payload) if payload is not None else None,
                {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            )
        finally:
            self.cookie = saved


def multipart(fields, file_name, content):
    boundary = "soak" + secrets.token_hex(8)
    parts = []
    for k, v in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n')
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        f"Content-Type: text/csv\r\n\r\n{content}\r\n--{boundary}--\r\n"
    )
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


class Soak:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.samples = []  # (finished at, op, ok, seconds)
        self.next_slot = time.monotonic()
        self.stop_at = time.monotonic() + args.seconds
        self.password = args.password
        self.readers = {}
        self.cms = []

    def record(self, op, ok, seconds, detail=""):
        with self.lock:
            self.samples.append((time.monotonic(), op, ok, seconds))
            if not ok and self.args.verbose:
                print(f"  error in {op}: {detail}", file=sys.stderr)

    def timed(self, client, op, method, path, expect, body=None, headers=None, api=None):
        started = time.monotonic()
        try:
            if api is not None:
                status, hdrs, data = client.api(method, path, api)
            else:
                status, hdrs, data = client.request(method, path, body, headers)
        except Exception as e:  # a broken connection is an error of the run, not of the script
            self.record(op, False, time.monotonic() - started, repr(e))
            return None, None
        ok = status in expect
        self.record(op, ok, time.monotonic() - started, f"{status} {data[:200]!r}")
        return (status, data) if ok else (status, None)

    def take_slot(self):
        with self.lock:
            now = time.monotonic()
            slot = max(self.next_slot, now - 1.0)
            self.next_slot = slot + 1.0 / self.args.rate
        delay = slot - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        return time.monotonic() < self.stop_at

    # -------------------------------------------------------------- the operations

    def op_read(self, c, who):
        run = self.args.run
        pages = [
            ("dashboard", "/"),
            ("clients", "/clients"),
            ("clients-page", f"/clients?page={random.randint(1, 5)}"),
            ("clients-search", f"/clients?q={urllib.parse.quote(random.choice(['C0', '公司', '00', '先生']))}"),
            ("managers", "/managers"),
            ("statement", f"/statements/{run}/{self.own(who) or random.choice(self.visible[who])}"),
            ("transfers", "/transfers"),
        ]
        if who in self.client_of:
            pages.append(("client", f"/clients/{urllib.parse.quote(random.choice(self.client_of[who]))}"))
        op, path = random.choice(pages)
        self.timed(c, op, "GET", path, {200})

    def own(self, who):
        return self.manager_of.get(who)

    def op_dispute(self, cm_client, manager, admin_client):
        got, data = self.timed(
            cm_client,
            "dispute-raise",
            "POST",
            "/api/disputes",
            {200},
            api={"run": self.args.run, "manager": manager, "item": ITEM, "reason": "soak"},
        )
        if data is None:
            return
        dispute = json.loads(data)["dispute"]
        self.timed(
            admin_client,
            "dispute-decide",
            "POST",
            f"/api/disputes/{dispute}/decide",
            {200},
            api={"approve": "reject", "decision": "soak: no change"},
        )

    def op_import(self, c):
        body, ctype = multipart(
            [("_csrf", c.csrf), ("_nonce", secrets.token_hex(8)), ("table", "targets")],
            "targets.csv",
            TARGETS_CSV,
        )
        status, page = self.timed(
            c, "import-preview", "POST", "/imports", {200}, body, {"Content-Type": ctype}
        )
        if page is None:
            return
        found = re.search(rb'action="/imports/([^"/]+)/commit"', page)
        if not found:
            self.record("import-preview", False, 0, "no commit form")
            return
        form = urllib.parse.urlencode({"_csrf": c.csrf, "_nonce": secrets.token_hex(8)})
        self.timed(
            c,
            "import-commit",
            "POST",
            f"/imports/{found.group(1).decode()}/commit",
            {200, 303},
            form,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    # -------------------------------------------------------------- the run

    def setup(self):
        a = self.args
        self.manager_of = dict(u.split("=") for u in a.cm)  # user=manager
        users = list(a.readers) + list(self.manager_of)
        self.clients = {}
        for u in users:
            c = Client(a.host, a.port)
            c.sign_in(u, self.password)
            self.clients[u] = c
        self.managers = list(self.manager_of.values())
        self.busy = {u: threading.Lock() for u in self.manager_of}
        # The managers each reader may see (their statements are read).
        self.visible = {}
        for u in a.readers:
            _, _, data = self.clients[u].api("GET", "/api/managers")
            self.visible[u] = [r["code"] for r in json.loads(data)["rows"]] or self.managers
        self.client_of = {}
        for u, m in self.manager_of.items():
            _, _, data = self.clients[u].api("GET", "/api/clients")
            codes = [r["code"] for r in json.loads(data)["rows"]]
            if codes:
                self.client_of[u] = codes

    def worker(self, n):
        a = self.args
        users = list(self.clients)
        # Each worker its own connections (one per user), as separate browsers would.
        mine = {}
        for u in users:
            c = Client(a.host, a.port)
            src = self.clients[u]
            c.cookie, c.csrf, c.token = src.cookie, src.csrf, src.token
            mine[u] = c
        cms = list(self.manager_of.items())
        rnd = random.Random(n)
        while self.take_slot():
            r = rnd.random()
            if r < a.write_share * 0.7:
                # One dispute at a time per line (a second open one would rightly be refused):
                # a worker takes a customer manager who has none in flight, or reads instead.
                free = [(u, m) for u, m in cms if self.busy[u].acquire(blocking=False)]
                for u, m in free[1:]:
                    self.busy[u].release()
                if free:
                    user, manager = free[0]
                    try:
                        self.op_dispute(mine[user], manager, mine["admin"])
                    finally:
                        self.busy[user].release()
                else:
                    who = rnd.choice(users)
                    self.op_read(mine[who], who)
            elif r < a.write_share:
                self.op_import(mine["admin"])
            else:
                who = rnd.choice(users)
                self.op_read(mine[who], who)

    def rss_mb(self):
        try:
            with open(f"/proc/{self.args.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            return float("nan")
        return float("nan")

    def report(self):
        started = time.monotonic()
        minute = 0
        print("| minute | requests | req/s | errors | p50 ms | p99 ms | max ms | server RSS MB |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|")
        sys.stdout.flush()
        rows = []
        while True:
            minute += 1
            end = started + 60 * minute
            while time.monotonic() < min(end, self.stop_at + 5):
                time.sleep(0.5)
            with self.lock:
                window = [s for s in self.samples if end - 60 <= s[0] < end]
            if not window:
                break
            lat = sorted(s[3] * 1000 for s in window)
            errors = sum(1 for s in window if not s[2])
            p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
            row = (minute, len(window), len(window) / 60, errors, statistics.median(lat), p99, lat[-1], self.rss_mb())
            rows.append(row)
            print("| %d | %d | %.1f | %d | %.1f | %.1f | %.1f | %.0f |" % row)
            sys.stdout.flush()
            if time.monotonic() >= self.stop_at:
                break
        return rows


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True, help="the server's process id (for its RSS)")
    p.add_argument("--run", type=int, required=True, help="the settlement run whose statements are read and disputed")
    p.add_argument("--password", required=True)
    p.add_argument("--readers", nargs="+", default=["admin", "branch", "team", "auditor"])
    p.add_argument("--cm", nargs="+", default=["cm=M00001"], help="user=manager of customer managers")
    p.add_argument("--rate", type=float, default=200, help="requests per second in all")
    p.add_argument("--seconds", type=int, default=600)
    p.add_argument("--workers", type=int, default=32)
    p.add_argument("--write-share", type=float, default=0.1, help="share of iterations that write")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args()
    soak = Soak(args)
    soak.setup()
    soak.stop_at = time.monotonic() + args.seconds
    soak.next_slot = time.monotonic()
    threads = [threading.Thread(target=soak.worker, args=(n,), daemon=True) for n in range(args.workers)]
    for t in threads:
        t.start()
    rows = soak.report()
    for t in threads:
        t.join(timeout=30)
    total = sum(r[1] for r in rows)
    errors = sum(r[3] for r in rows)
    ops = {}
    for s in soak.samples:
        ops.setdefault(s[1], []).append(s)
    print()
    print("| operation | requests | errors | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for op, ss in sorted(ops.items()):
        lat = sorted(s[3] * 1000 for s in ss)
        print(
            "| %s | %d | %d | %.1f | %.1f |"
            % (op, len(ss), sum(1 for s in ss if not s[2]), statistics.median(lat), lat[min(len(lat) - 1, int(len(lat) * 0.99))])
        )
    rss = [r[7] for r in rows[1:]] or [rows[0][7]]
    base = rows[0][7]
    print()
    print(
        f"total {total} requests, {errors} errors; RSS after minute 1: {base:.0f} MB, "
        f"then {min(rss):.0f}–{max(rss):.0f} MB ({(max(rss) - base) / base * 100:+.1f} % at most)"
    )
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
