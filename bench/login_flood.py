#!/usr/bin/env python3
"""Sign-in flood against a running kejing server (bench/soak.sh calls it after the soak).

--clients threads, each from its own loopback address (127.0.1.N, so that the limit per address
is not what stops them), post sign-ins with unknown user names as fast as they are answered for
--seconds. Prints the answers by status, their latency, and the server's RSS before, at the end
and 5 s after (VmRSS of --pid). Python's standard library only.
"""

import argparse
import http.client
import json
import statistics
import threading
import time


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--clients", type=int, default=100)
    p.add_argument("--seconds", type=float, default=10)
    a = p.parse_args()
    lock = threading.Lock()
    answers = {}
    latencies = []
    stop = time.monotonic() + a.seconds

    def flood(n):
        source = (f"127.0.1.{n % 250 + 1}", 0)
        i = 0
        while time.monotonic() < stop:
            i += 1
            body = json.dumps({"username": f"nobody-{n}-{i}", "password": "guess"})
            started = time.monotonic()
            try:
                c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30, source_address=source)
                c.request("POST", "/api/login", body, {"Content-Type": "application/json"})
                status = c.getresponse().status
                c.close()
            except OSError as e:
                status = type(e).__name__
            with lock:
                answers[status] = answers.get(status, 0) + 1
                latencies.append(time.monotonic() - started)

    before = rss_mb(a.pid)
    threads = [threading.Thread(target=flood, args=(n,)) for n in range(a.clients)]
    for t in threads:
        t.start()
    peak = before
    while any(t.is_alive() for t in threads):
        peak = max(peak, rss_mb(a.pid))
        time.sleep(0.2)
    end = rss_mb(a.pid)
    time.sleep(5)
    after = rss_mb(a.pid)
    lat = sorted(x * 1000 for x in latencies)
    print(
        f"{a.clients} clients from {min(a.clients, 250)} addresses, {a.seconds:.0f} s: "
        f"{len(lat)} sign-ins answered {dict(sorted(answers.items(), key=str))}; "
        f"p50 {statistics.median(lat):.0f} ms, p99 {lat[min(len(lat) - 1, int(len(lat) * 0.99))]:.0f} ms; "
        f"server RSS {before:.0f} MB before, {peak:.0f} MB at most, {end:.0f} MB at the end, {after:.0f} MB 5 s later"
    )


if __name__ == "__main__":
    main()
