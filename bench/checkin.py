"""Check-in load benchmark (not a test): gunicorn + the real app vs. a one-INSERT floor app.

    .venv/bin/python bench/checkin.py                      # SQLite
    .venv/bin/python bench/checkin.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    make bench-checkin BENCH_ARGS="--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

For each database: load N registrations (bulk insert) and an API token, start gunicorn
(2 workers) on a free port and send check-ins from CONCURRENCY clients with 20% duplicates (half
replays of an earlier scan_id, half second scans of a ticket with a new scan_id) and some invalid
codes, in two phases:
- door pace: each client sends one scan every --pace seconds (32 door phones working fast):
  the latency a person at the door sees, p50/p99 (target p99 < 50 ms);
- saturated: SCANS scans, each client sending its next one as soon as it has the answer:
  throughput and p50/p99. With 32 requests always in flight, latency here is 32 / throughput
  (Little's law), so it measures capacity, not what a scanner sees at a real door.
Then verify in the database that every valid scanned ticket has exactly one CheckIn and nothing
else was written, run the saturated load against bench/floor_app.py (a minimal Flask app doing
one unique-constrained INSERT per request) with the same gunicorn settings, and print the
throughput ratio (target >= 0.5). With --pg a dedicated database (`bench` by default) is
dropped and created on that server.
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
import uuid
from datetime import timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("SECRET_KEY", "bench-secret-key")

from loadgen import plan, run_load, summary

# gunicorn.conf.py's access_log_format (kept in step by hand; the bench does not load that file).
ACCESS_LOG_FORMAT = (
    '{"ts": "%(t)s", "logger": "gunicorn.access", "request_id": "%({x-request-id}o)s", '
    '"remote_addr": "%(h)s", "forwarded_for": "%({x-forwarded-for}i)s", "method": "%(m)s", '
    '"path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, '
    '"user_agent": "%(a)s"}'
)


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


def start_gunicorn(app_spec: str, port: int, env: dict, args) -> subprocess.Popen:
    # Run from a temp dir with --chdir so the project's gunicorn.conf.py (threads, JSON access
    # log) does not apply: both apps get exactly the settings given here.
    cmd = [os.path.join(ROOT, ".venv", "bin", "gunicorn"), "--chdir", env.get("CHDIR", ROOT),
           "-w", str(args.workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    if args.threads > 1:
        cmd += ["-k", "gthread", "--threads", str(args.threads)]
    if args.access_log == "gunicorn":
        # As in production (gunicorn.conf.py): gunicorn writes one JSON access line per request
        # for both apps, and the app's own access line is off (LOG_APP_ACCESS=0, set below).
        cmd += ["--access-logfile", os.path.join(tempfile.gettempdir(), f"bench-access-{port}.log"),
                "--access-logformat", ACCESS_LOG_FORMAT]
    cmd.append(app_spec)
    # The app's JSON request log goes to stderr; keep it out of the report (and off the terminal).
    log = open(os.path.join(tempfile.gettempdir(), f"bench-gunicorn-{port}.log"), "ab")  # noqa: SIM115 - lives as long as gunicorn
    env = {**env, "LOG_APP_ACCESS": "0" if args.access_log != "app" else "1"}
    proc = subprocess.Popen(cmd, cwd=tempfile.gettempdir(), env={**os.environ, **env},
                            start_new_session=True, stdout=log, stderr=log)
    deadline = time.time() + 30
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
        proc.wait(15)
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


def bench_one(label: str, url: str, args, tmpdir: str) -> tuple[dict, dict]:
    print(f"== {label}: {url.split('@')[-1]}")
    rng = random.Random(args.seed)
    t0 = time.time()
    event_id, tokens, bearer = load(url, args.registrations)
    print(f"  loaded {len(tokens)} registrations in {time.time() - t0:.1f} s")
    items = plan(tokens, args.scans, args.dup, args.invalid, "http://127.0.0.1:5000", rng)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"}
    bodies = [{"code": code, "scan_id": sid, "device": "bench", "method": "qr"} for sid, code in items]
    port = free_port()
    proc = start_gunicorn("app:create_app()", port, {"DATABASE_URL": url, "RATELIMIT_ENABLED": "0"}, args)
    try:
        run_load(port, f"/api/v1/events/{event_id}/checkins", bodies[:200], headers, 4)  # warm-up
    finally:
        pass
    stop(proc)
    # Warm-up scans changed the database: reload so the verification is exact. The paced phase
    # gets registrations of its own (after the first args.registrations).
    event_id, tokens, bearer = load(url, args.registrations + args.pace_scans)
    paced_tokens, tokens = tokens[args.registrations:], tokens[:args.registrations]
    items = plan(tokens, args.scans, args.dup, args.invalid, "http://127.0.0.1:5000", random.Random(args.seed))
    paced_items = (plan(paced_tokens, args.pace_scans, args.dup, args.invalid, "http://127.0.0.1:5000",
                        random.Random(args.seed + 1)) if args.pace_scans else [])
    headers["Authorization"] = f"Bearer {bearer}"

    def to_bodies(scan_items):
        return [{"code": code, "scan_id": sid, "device": "bench", "method": "qr"} for sid, code in scan_items]
    path = f"/api/v1/events/{event_id}/checkins"
    proc = start_gunicorn("app:create_app()", port, {"DATABASE_URL": url, "RATELIMIT_ENABLED": "0"}, args)
    try:
        run_load(port, "/healthz", [{}] * 50, {}, 4)
        paced = (run_load(port, path, to_bodies(paced_items), headers, args.concurrency, args.pace)
                 if paced_items else None)
        seconds, lat, answers, errors = run_load(port, path, to_bodies(items), headers, args.concurrency)
    finally:
        stop(proc)
    if paced:
        errors = paced[3] + errors
    if errors:
        print(f"  {len(errors)} transport errors, first: {errors[0]}")
    paced_stats = (summary(f"app, door pace ({args.concurrency} x 1 scan / {args.pace:g} s)", paced[0], paced[1])
                   if paced else None)
    app_stats = summary("app, saturated", seconds, lat)
    verify(url, event_id, paced_items + items, (paced[2] if paced else []) + answers)

    floor_url = url
    if url.startswith("sqlite:///"):
        floor_url = f"sqlite:///{os.path.join(tmpdir, 'floor.db')}"
    subprocess.run([sys.executable, "-c", "import floor_app"], cwd=os.path.join(ROOT, "bench"),
                   env={**os.environ, "FLOOR_DATABASE_URL": floor_url, "FLOOR_INIT": "1"}, check=True)
    proc = start_gunicorn("floor_app:app", port, {"FLOOR_DATABASE_URL": floor_url,
                                                  "CHDIR": os.path.join(ROOT, "bench")}, args)
    try:
        run_load(port, "/scan", [{"scan_id": str(uuid.uuid4())} for _ in range(200)],
                 {"Content-Type": "application/json"}, 4)
        seconds, lat, _answers, _errors = run_load(
            port, "/scan", [{"scan_id": sid} for sid, _c in items], {"Content-Type": "application/json"},
            args.concurrency)
    finally:
        stop(proc)
    floor_stats = summary("floor, saturated", seconds, lat)
    ratio = app_stats["throughput"] / floor_stats["throughput"]
    verdict_ratio = "OK" if ratio >= 0.5 else "BELOW TARGET"
    print(f"  ratio app/floor throughput {ratio:.2f} (target >= 0.5: {verdict_ratio})")
    if paced_stats:
        verdict_p99 = "OK" if paced_stats["p99_ms"] < 50 else "ABOVE TARGET"
        print(f"  app p99 at door pace {paced_stats['p99_ms']} ms (target < 50 ms: {verdict_p99}); "
              f"saturated p99 {app_stats['p99_ms']} ms (floor {floor_stats['p99_ms']} ms): with 32 "
              f"requests always in flight, latency = 32 / throughput (Little's law)")
    return app_stats, floor_stats


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", metavar="URL", help="also run on PostgreSQL (server URL)")
    parser.add_argument("--pg-db", default="bench", help="database created on --pg (dropped first)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--registrations", type=int, default=10000)
    parser.add_argument("--scans", type=int, default=10000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help=">1 uses gthread workers")
    parser.add_argument("--access-log", choices=("app", "gunicorn", "off"), default="gunicorn",
                        help="one access line per request written by gunicorn for both apps "
                             "(default: production's logging, gunicorn.conf.py), by the app "
                             "itself with the floor writing none, or by neither")
    parser.add_argument("--pace", type=float, default=0.5,
                        help="door-pace phase: each client sends one scan every PACE seconds "
                             "(default %(default)s s: faster than a person can step up, be "
                             "scanned and read the result)")
    parser.add_argument("--pace-scans", type=int, default=960,
                        help="scans in the door-pace phase (0 skips it; default %(default)s)")
    parser.add_argument("--dup", type=float, default=0.20, help="share of duplicate scans")
    parser.add_argument("--invalid", type=float, default=0.03, help="share of invalid codes")
    parser.add_argument("--seed", type=int, default=20261128)
    args = parser.parse_args(argv)
    tmpdir = tempfile.mkdtemp(prefix="bench-checkin-")
    print(f"bench/checkin.py: {args.scans} scans, {args.concurrency} clients, gunicorn "
          f"{args.workers} workers x {args.threads} thread(s), access log: {args.access_log}, "
          f"{os.cpu_count()} CPUs")
    try:
        if not args.no_sqlite:
            bench_one("SQLite", f"sqlite:///{os.path.join(tmpdir, 'bench.db')}", args, tmpdir)
        if args.pg:
            bench_one("PostgreSQL", pg_database(args.pg, args.pg_db), args, tmpdir)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    main()
