"""Check-in load benchmark (not a test): the app as `make serve` runs it vs. a one-INSERT floor.

    .venv/bin/python bench/checkin.py                      # SQLite
    .venv/bin/python bench/checkin.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/checkin.py --matrix --pg ...    # compare server settings (below)
    make bench-checkin BENCH_ARGS="--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

Both apps run under `gunicorn -c gunicorn.conf.py` exactly as `make serve` does; only the bind
address (GUNICORN_BIND) and, when given, the settings under comparison are set through the
environment variables gunicorn.conf.py reads (WEB_CONCURRENCY, GUNICORN_WORKER_CLASS,
GUNICORN_THREADS, GUNICORN_MAX_REQUESTS, GUNICORN_KEEPALIVE). Per database: load N
registrations and an API token, start the app, then
- door pace, right after the start: each of 32 clients sends one scan every --pace seconds (32
  door phones working fast): the latency a person at the door sees, p99 target < 50 ms;
- saturated: SCANS scans, each client sending its next one as soon as it has the answer:
  throughput (target >= 0.5 x the floor's). With 32 requests always in flight, latency here is
  32 / throughput (Little's law): it measures capacity, not what a scanner sees.
Scans have 20% duplicates (replays of a scan_id and second scans of a ticket) and 3% invalid
codes. Then the database is checked (each valid ticket exactly once, one ScanRecord per scan_id,
replays answered identically), and the floor (bench/floor_app.py: one unique-constrained INSERT
per request) gets the same saturated load under the same settings. "dropped" counts requests
sent and never answered (connection closed or reset); the client sends those again.
With --pg a dedicated database (`bench` by default) is dropped and created on that server.
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("SECRET_KEY", "bench-secret-key")

from loadgen import plan, run_load, summary

# --matrix: the server settings compared on this machine (environment for gunicorn.conf.py).
MATRIX = [
    # gunicorn runs gthread whenever threads > 1, so sync needs GUNICORN_THREADS=1
    ("sync", {"GUNICORN_WORKER_CLASS": "sync", "GUNICORN_THREADS": "1", "GUNICORN_MAX_REQUESTS": "0"}),
    ("gthread x1", {"GUNICORN_THREADS": "1", "GUNICORN_MAX_REQUESTS": "0"}),
    ("gthread x2", {"GUNICORN_THREADS": "2", "GUNICORN_MAX_REQUESTS": "0"}),
    ("gthread x4", {"GUNICORN_THREADS": "4", "GUNICORN_MAX_REQUESTS": "0"}),
    ("gthread x4, recycle 500", {"GUNICORN_THREADS": "4", "GUNICORN_MAX_REQUESTS": "500"}),
    ("gthread x4, recycle 500, keepalive 0",
     {"GUNICORN_THREADS": "4", "GUNICORN_MAX_REQUESTS": "500", "GUNICORN_KEEPALIVE": "0"}),
    ("sync, recycle 500", {"GUNICORN_WORKER_CLASS": "sync", "GUNICORN_THREADS": "1",
                           "GUNICORN_MAX_REQUESTS": "500"}),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_database(url: str, name: str) -> str:
    """Drop and create database `name` on the server of `url`; return its URL."""
    import psycopg
    base, _, _db = url.rpartition("/")
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def load(url: str, n: int):
    """Schema, one panitia, one event, n registrations, one token. Returns (event_id, tokens, bearer)."""
    from sqlalchemy import insert

    from app import create_app
    from auth.models import Role, User
    from auth.tokens import create_token
    from events.models import Event, Registration
    from extensions import db
    from timeutil import utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        user = User(name="Panitia Bench", email="bench@contoh.id", role=Role.PANITIA)
        user.set_password("rahasia-bench")
        now = utcnow()
        event = Event(kind="sosialisasi", title="Bench", venue_name="Aula", status="published",
                      starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=5))
        db.session.add_all([user, event])
        db.session.flush()
        tokens = [secrets.token_urlsafe(18) for _ in range(n)]
        db.session.execute(insert(Registration), [
            {"event_id": event.id, "guest_name": f"Peserta {i}", "guest_instansi": "PKK",
             "guest_phone": f"+62812{i:08d}", "status": "confirmed", "source": "guest",
             "token": t, "created_at": now} for i, t in enumerate(tokens)])
        _row, bearer = create_token(user, "bench")
        db.session.commit()
        event_id = event.id
        db.engine.dispose()
    return event_id, tokens, bearer


def start_gunicorn(app_spec: str, port: int, env: dict) -> subprocess.Popen:
    """`gunicorn -c gunicorn.conf.py APP` from the project directory, as `make serve` runs it."""
    cmd = [os.path.join(ROOT, ".venv", "bin", "gunicorn"), "-c", "gunicorn.conf.py", app_spec]
    log = open(os.path.join(tempfile.gettempdir(), f"bench-gunicorn-{port}.log"), "ab")  # noqa: SIM115 - lives as long as gunicorn
    # No rate limits in a load test (gunicorn.conf.py refuses per-process limits with several
    # workers otherwise); the bind address is the one setting the bench always makes.
    env = {**os.environ, "RATELIMIT_ENABLED": "0", **env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env,
                            start_new_session=True, stdout=log, stderr=log)
    deadline = time.time() + 120  # a busy machine takes a while to import the app
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"gunicorn did not start: {cmd}")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def verify(url: str, event_id: int, items, answers) -> None:
    """Every valid scanned ticket exactly once; one ScanRecord per scan_id; replays identical."""
    from sqlalchemy import create_engine, text

    valid_tokens = {code.rsplit("/t/", 1)[1] for (sid, code), a in zip(items, answers)
                    if a and a[0] in (200, 201)}
    by_scan: dict[str, set] = {}
    for (sid, _code), a in zip(items, answers):
        by_scan.setdefault(sid, set()).add(a)
    statuses = {}
    for a in answers:
        statuses[a[0] if a else "none"] = statuses.get(a[0] if a else "none", 0) + 1
    engine = create_engine(url)
    with engine.connect() as c:
        checkins = c.execute(text("SELECT COUNT(*) FROM check_in")).scalar()
        per_reg = c.execute(text("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM check_in "
                                 "GROUP BY registration_id) x")).scalar()
        records = c.execute(text("SELECT COUNT(*) FROM scan_record")).scalar()
        regs = c.execute(text("SELECT COUNT(*) FROM registration")).scalar()
        checked_tokens = {r[0] for r in c.execute(text(
            "SELECT r.token FROM check_in c JOIN registration r ON r.id = c.registration_id"))}
    engine.dispose()
    problems = []
    if checkins != len(valid_tokens) or checked_tokens != valid_tokens:
        problems.append(f"CheckIn rows {checkins} != distinct valid tickets {len(valid_tokens)}")
    if per_reg not in (None, 1):
        problems.append(f"a registration has {per_reg} check-ins")
    if records != len(by_scan):
        problems.append(f"ScanRecord rows {records} != distinct scan_ids {len(by_scan)}")
    if any(len(v) != 1 for v in by_scan.values()):
        problems.append("a replayed scan_id got a different answer")
    print(f"  statuses {dict(sorted(statuses.items(), key=str))}; CheckIn {checkins}, "
          f"ScanRecord {records}, registrations {regs} (unchanged)")
    if problems:
        raise SystemExit("VERIFY FAILED: " + "; ".join(problems))
    print("  verified: each valid ticket checked in exactly once, one ScanRecord per scan_id, "
          "replays got identical answers")


def _bodies(items):
    return [{"code": code, "scan_id": sid, "device": "bench", "method": "qr"} for sid, code in items]


def bench_one(label: str, url: str, args, tmpdir: str, server_env: dict) -> dict:
    """Door pace and saturated load on the app, the floor's saturated load; prints and returns
    the figures."""
    t0 = time.time()
    event_id, tokens, bearer = load(url, args.registrations + args.pace_scans)
    print(f"  {label}: loaded {len(tokens)} registrations in {time.time() - t0:.1f} s; "
          f"load average {os.getloadavg()[0]:.2f}")
    paced_tokens, tokens = tokens[args.registrations:], tokens[:args.registrations]
    base = "http://127.0.0.1:5000"
    items = plan(tokens, args.scans, args.dup, args.invalid, base, random.Random(args.seed))
    paced_items = (plan(paced_tokens, args.pace_scans, args.dup, args.invalid, base,
                        random.Random(args.seed + 1)) if args.pace_scans else [])
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"}
    path = f"/api/v1/events/{event_id}/checkins"
    port = free_port()
    proc = start_gunicorn("app:create_app()", port, {"DATABASE_URL": url, "RATELIMIT_ENABLED": "0",
                                                     **server_env})
    try:  # door pace first: right after the start, as at a door when the server came up
        paced = (run_load(port, path, _bodies(paced_items), headers, args.concurrency, args.pace)
                 if paced_items else None)
        seconds, lat, answers, errors = run_load(port, path, _bodies(items), headers, args.concurrency)
    finally:
        stop(proc)
    out = {"dropped": len(errors) + (len(paced[3]) if paced else 0)}
    if paced:
        out["pace"] = summary(f"app, door pace ({args.concurrency} x 1 scan / {args.pace:g} s)",
                              paced[0], paced[1])
    out["app"] = summary("app, saturated", seconds, lat)
    verify(url, event_id, paced_items + items, (paced[2] if paced else []) + answers)

    floor_url = url if not url.startswith("sqlite:///") else f"sqlite:///{os.path.join(tmpdir, 'floor.db')}"
    if floor_url.startswith("sqlite:///") and os.path.exists(floor_url[len("sqlite:///"):]):
        os.remove(floor_url[len("sqlite:///"):])
    floor_env = {"FLOOR_DATABASE_URL": floor_url, "PYTHONPATH": os.path.join(ROOT, "bench")}
    subprocess.run([sys.executable, "-c", "import floor_app"], cwd=os.path.join(ROOT, "bench"),
                   env={**os.environ, **floor_env, "FLOOR_INIT": "1"}, check=True)
    if not floor_url.startswith("sqlite"):
        _truncate_floor(floor_url)
    proc = start_gunicorn("floor_app:app", port, {**floor_env, **server_env})
    try:
        seconds, lat, _answers, floor_errors = run_load(
            port, "/scan", [{"scan_id": sid} for sid, _c in items], {"Content-Type": "application/json"},
            args.concurrency)
    finally:
        stop(proc)
    out["floor"] = summary("floor, saturated", seconds, lat)
    out["floor_dropped"] = len(floor_errors)
    out["ratio"] = out["app"]["throughput"] / out["floor"]["throughput"]
    print(f"  ratio app/floor throughput {out['ratio']:.2f} (target >= 0.5: "
          f"{'OK' if out['ratio'] >= 0.5 else 'BELOW TARGET'}); dropped: app {out['dropped']}, "
          f"floor {out['floor_dropped']}")
    if paced:
        p99 = out["pace"]["p99_ms"]
        print(f"  app p99 at door pace {p99} ms (target < 50 ms: {'OK' if p99 < 50 else 'ABOVE TARGET'})")
    return out


def _truncate_floor(url: str) -> None:
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
        c.execute("TRUNCATE floor_scan")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", metavar="URL", help="also run on PostgreSQL (server URL)")
    parser.add_argument("--pg-db", default="bench", help="database created on --pg (dropped first)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--registrations", type=int, default=10000)
    parser.add_argument("--scans", type=int, default=8000, help="saturated phase (about 10 s)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY (default: gunicorn.conf.py's)")
    parser.add_argument("--matrix", action="store_true",
                        help="compare worker class, threads, recycling (MATRIX) on each database")
    parser.add_argument("--only", help="--matrix: only these settings (names, comma-separated)")
    parser.add_argument("--pace", type=float, default=0.5,
                        help="door-pace phase: each client sends one scan every PACE seconds")
    parser.add_argument("--pace-scans", type=int, default=640,
                        help="scans in the door-pace phase (0 skips it; 640 = 10 s at 32 x 0.5 s)")
    parser.add_argument("--dup", type=float, default=0.20, help="share of duplicate scans")
    parser.add_argument("--invalid", type=float, default=0.03, help="share of invalid codes")
    parser.add_argument("--seed", type=int, default=20261128)
    args = parser.parse_args(argv)
    tmpdir = tempfile.mkdtemp(prefix="bench-checkin-")
    base_env = {"WEB_CONCURRENCY": str(args.workers)} if args.workers else {}
    settings = MATRIX if args.matrix else [("gunicorn.conf.py as shipped", {})]
    if args.only:
        settings = [s for s in settings if s[0] in args.only.split(",")]
    databases = [] if args.no_sqlite else [("SQLite", lambda: f"sqlite:///{os.path.join(tmpdir, 'bench.db')}")]
    if args.pg:
        databases.append(("PostgreSQL", lambda: pg_database(args.pg, args.pg_db)))
    print(f"bench/checkin.py: {args.scans} scans, {args.concurrency} clients, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    rows = []
    try:
        for db_label, make_url in databases:
            for name, env in settings:
                print(f"== {db_label}, {name}")
                out = bench_one(name, make_url(), args, tmpdir, {**base_env, **env})
                rows.append((db_label, name, out))
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    print("\n| database | settings | door pace p99 | app req/s | floor req/s | ratio | dropped (app/floor) |")
    print("|---|---|---|---|---|---|---|")
    for db_label, name, out in rows:
        pace = f"{out['pace']['p99_ms']} ms" if "pace" in out else "-"
        print(f"| {db_label} | {name} | {pace} | {out['app']['throughput']} | "
              f"{out['floor']['throughput']} | {out['ratio']:.2f} | {out['dropped']}/{out['floor_dropped']} |")


if __name__ == "__main__":
    main()
