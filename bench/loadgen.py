"""The client side of bench/checkin.py: the scan plan, the load of keep-alive HTTP clients
(saturated or at a door phone's pace) and the latency summary. Not part of the product."""
from __future__ import annotations

import http.client
import json
import secrets
import statistics
import threading
import time
import uuid


def plan(tokens: list[str], scans: int, dup: float, invalid: float, base_url: str, rng):
    """A list of (scan_id, code): first scans, replays, second scans and invalid codes."""
    n_invalid = int(scans * invalid)
    n_dup = int(scans * dup)
    n_first = scans - n_invalid - n_dup
    if n_first > len(tokens):
        raise SystemExit(f"need at least {n_first} registrations (--registrations)")
    firsts = [(str(uuid.uuid4()), f"{base_url}/t/{t}") for t in rng.sample(tokens, n_first)]
    replays = [rng.choice(firsts) for _ in range(n_dup // 2)]
    seconds = [(str(uuid.uuid4()), rng.choice(firsts)[1]) for _ in range(n_dup - n_dup // 2)]
    bad = [(str(uuid.uuid4()), f"{base_url}/t/{secrets.token_urlsafe(18)}") for _ in range(n_invalid)]
    items = firsts + bad
    rng.shuffle(items)
    # duplicates go into the second half so most of them meet an existing answer
    tail = replays + seconds
    rng.shuffle(tail)
    half = len(items) // 2
    mixed = items[half:] + tail
    rng.shuffle(mixed)
    return items[:half] + mixed


def run_load(port: int, path: str, bodies: list[dict], headers: dict, concurrency: int,
             pace: float = 0.0):
    """Send bodies from `concurrency` keep-alive clients; returns (seconds, latencies, answers,
    errors). pace=0: each client sends its next scan as soon as it has the answer (saturation).
    pace>0: client i owns bodies[i::concurrency] and sends one every `pace` seconds (a door
    phone's rhythm; starts staggered), so latency is measured at that load, not at saturation."""
    latencies = [0.0] * len(bodies)
    answers = [None] * len(bodies)
    next_i = iter(range(len(bodies)))
    lock = threading.Lock()
    errors = []
    t_start = time.perf_counter() + 0.05

    def indexes(k):
        if not pace:
            while True:
                with lock:
                    i = next(next_i, None)
                if i is None:
                    return
                yield i
        for n, i in enumerate(range(k, len(bodies), concurrency)):
            wait = t_start + (k / concurrency + n) * pace - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            yield i

    def client(k):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for i in indexes(k):
            data = json.dumps(bodies[i])
            for _attempt in range(3):
                t0 = time.perf_counter()
                try:
                    conn.request("POST", path, body=data, headers=headers)
                    resp = conn.getresponse()
                    raw = resp.read()
                    latencies[i] = time.perf_counter() - t0
                    answers[i] = (resp.status, raw)
                    if resp.getheader("Connection", "").lower() == "close":
                        conn.close()
                    break
                except (ConnectionError, http.client.HTTPException, OSError) as exc:
                    # A request sent and never answered (e.g. a kept-alive connection closed
                    # by a recycled worker): counted, then sent again on a new connection.
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    errors.append(repr(exc))
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(concurrency)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, latencies, answers, errors


def summary(label: str, seconds: float, latencies: list[float]) -> dict:
    lat = sorted(latencies)
    q = statistics.quantiles(lat, n=100, method="inclusive")  # never beyond the max
    out = {"label": label, "requests": len(lat), "seconds": round(seconds, 2),
           "throughput": round(len(lat) / seconds, 1), "p50_ms": round(q[49] * 1000, 1),
           "p99_ms": round(q[98] * 1000, 1), "max_ms": round(lat[-1] * 1000, 1)}
    print(f"  {label:<10} {out['requests']} requests in {out['seconds']} s: "
          f"{out['throughput']} req/s, p50 {out['p50_ms']} ms, p99 {out['p99_ms']} ms, "
          f"max {out['max_ms']} ms")
    return out
