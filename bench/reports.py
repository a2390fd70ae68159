"""Benchmark the report pages and the relawan CSV export at scale (not a test; not run by pytest).

    .venv/bin/python bench/reports.py                       # SQLite, 100k relawan / 500 events / 1M check-ins
    .venv/bin/python bench/reports.py --reuse               # reuse the SQLite file built last time
    .venv/bin/python bench/reports.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports
    make bench-reports BENCH_ARGS="--reuse --runs 9"

Builds the database with bench/scale.py's generate (bulk inserts), stores the dashboard's stats
table once (`flask reports refresh-stats` does the same in production), then times each page
through the Flask test client logged in as admin (and a Kasemen koordinator): p50/p95 over
--runs runs after one warm-up. The export of all relawan as CSV runs in a child process that
reports wall time, peak RSS (VmHWM of the child itself, see peak_rss_mb) and, in a second pass,
the tracemalloc peak.
Targets (issue 5, 2-core machine): p50 < 300 ms per page; export < 5 s and < 200 MB.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret-key")
os.environ.setdefault("RATELIMIT_ENABLED", "0")

from benchdb import ensure_pg_database

PASSWORD = "bench-rahasia-123"
KASEMEN = "36.73.02"


def make_app(url: str):
    import logging

    from app import create_app
    logging.getLogger().setLevel(logging.WARNING)
    for name in ("access", "werkzeug"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False,
                       "WTF_CSRF_ENABLED": False, "TESTING": False})


def build(app, args) -> dict:
    """Create the schema and the scale data unless --reuse finds it already there."""
    import scale
    from sqlalchemy import func, select

    from extensions import db
    from relawan.models import Relawan
    from relawan.wilayah import load_default
    from reports import stats
    with app.app_context():
        have = 0
        if args.reuse:
            try:
                have = db.session.scalar(select(func.count(Relawan.id))) or 0
            except Exception:  # noqa: BLE001 - no schema yet
                db.session.rollback()
        info = {"reused": bool(have)}
        if not have:
            db.drop_all()
            db.create_all()
            load_default()
            db.session.commit()
            info["generate"] = scale.generate(args.relawan, args.events, args.checkins, seed=1)
        from reports.models import EventAttendanceStat, EventStatRefresh, ReportState
        tables = [m.__table__ for m in (EventAttendanceStat, EventStatRefresh, ReportState)]
        db.metadata.drop_all(db.engine, tables=tables)  # the dashboard cache: always rebuilt here
        db.metadata.create_all(db.engine, tables=tables)
        t = time.perf_counter()
        info["stats_refresh_events"] = stats.refresh(force=True)
        db.session.commit()
        info["stats_refresh_s"] = round(time.perf_counter() - t, 1)
        _ensure_users()
        info["counts"] = _counts()
    return info


def _ensure_users() -> None:
    from sqlalchemy import select

    from auth.models import User
    from extensions import db
    for email, role, kec in (("bench-admin@contoh.id", "admin", None),
                             ("bench-koor@contoh.id", "koordinator", KASEMEN)):
        if not db.session.scalar(select(User).where(User.email == email)):
            u = User(name=f"Bench {role}", email=email, role=role, kecamatan_kode=kec)
            u.set_password(PASSWORD)
            db.session.add(u)
    db.session.commit()


def _counts() -> dict:
    from sqlalchemy import func, select

    from events.checkin_models import CheckIn
    from events.models import Event, Registration
    from extensions import db
    from relawan.models import Relawan
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
            for m in (Relawan, Event, Registration, CheckIn)}


def login(app, email: str):
    c = app.test_client()
    r = c.post("/masuk", data={"identifier": email, "password": PASSWORD})
    assert r.status_code == 302, r.status_code
    return c


def targets(app) -> list[tuple[str, str, str]]:
    """(label, who, url) of the pages to time, with ids picked from the data."""
    from sqlalchemy import func, select

    from events.models import Event, Registration, TrainingProgram
    from extensions import db
    from relawan.models import Relawan
    with app.app_context():
        big = db.session.execute(select(Registration.event_id, func.count()).group_by(Registration.event_id)
                                 .order_by(func.count().desc()).limit(1)).first()
        rel = db.session.scalar(select(func.max(Relawan.id)))
        prog = db.session.scalar(select(func.min(TrainingProgram.id)))
        has_list = "relawan.screening" in app.view_functions
        evt = big[0] if big else db.session.scalar(select(func.min(Event.id)))
    pages = [("dashboard (first view after a data change)", "admin", "/laporan/?cold=1"),
             ("dashboard", "admin", "/laporan/"),
             ("dashboard ?jenis=sosialisasi", "admin", "/laporan/?jenis=sosialisasi"),
             ("dashboard (koordinator Kasemen)", "koor", "/laporan/"),
             (f"event report (largest, {big[1] if big else 0} regs)", "admin", f"/laporan/kegiatan/{evt}"),
             ("relawan history", "admin", f"/laporan/relawan/{rel}")]
    if prog:
        pages.append(("program attendance grid (page 1)", "admin", f"/laporan/program/{prog}/kehadiran"))
    if has_list:
        pages += [("relawan list", "admin", "/relawan"),
                  ("relawan list ?status=aktif&kecamatan", "admin", f"/relawan?status=aktif&kecamatan={KASEMEN}"),
                  ("relawan list page 200", "admin", "/relawan?page=200")]
    return pages


def _touch_relawan(app) -> None:
    """Record a status change (as screening would), so every cached dashboard figure is stale."""
    from sqlalchemy import func, select

    from extensions import db
    from relawan.models import Relawan, StatusChange
    with app.app_context():
        rel = db.session.get(Relawan, db.session.scalar(select(func.min(Relawan.id))))
        db.session.add(StatusChange(relawan_id=rel.id, from_status=rel.status, to_status=rel.status,
                                    note="bench"))
        db.session.commit()


def time_pages(app, runs: int) -> list[dict]:
    clients = {"admin": login(app, "bench-admin@contoh.id"), "koor": login(app, "bench-koor@contoh.id")}
    out = []
    for label, who, url in targets(app):
        c = clients[who]
        if "cold=1" in url:  # every run right after a relawan change: no cached figures
            samples = []
            for _ in range(runs):
                _touch_relawan(app)
                t = time.perf_counter()
                r = c.get(url)
                samples.append((time.perf_counter() - t) * 1000)
            samples.sort()
            out.append({"page": label, "status": r.status_code, "p50": statistics.median(samples),
                        "p95": samples[-1], "bytes": len(r.data)})
            continue
        r = c.get(url)  # warm-up
        status = r.status_code
        samples = []
        for _ in range(runs):
            t = time.perf_counter()
            r = c.get(url)
            samples.append((time.perf_counter() - t) * 1000)
        samples.sort()
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        out.append({"page": label, "status": status, "p50": statistics.median(samples), "p95": p95,
                    "bytes": len(r.data)})
    return out


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB.

    Read from /proc/self/status (VmHWM): it belongs to the address space, which execve replaces,
    so the export child counts only itself. getrusage(RUSAGE_SELF).ru_maxrss is kept across fork
    and execve on Linux: the child would report the bench parent's own peak (about 270 MB after
    generating the data) instead of the export's. ru_maxrss is only the fallback where /proc is
    missing (kB on Linux, bytes on macOS).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def export_child(url: str, trace: bool) -> dict:
    """In a fresh process: stream the admin CSV export of all relawan; time and memory."""
    import tracemalloc
    app = make_app(url)
    c = login(app, "bench-admin@contoh.id")
    rss0 = peak_rss_mb()
    if trace:
        tracemalloc.start()
    t = time.perf_counter()
    resp = c.get("/laporan/ekspor?data=relawan&format=csv", buffered=False)
    size = lines = 0
    for chunk in resp.response:
        size += len(chunk)
        lines += chunk.count(b"\n")
    resp.close()
    seconds = time.perf_counter() - t
    out = {"seconds": round(seconds, 2), "bytes": size, "rows": lines - 1, "status": resp.status_code,
           "rss_before_mb": round(rss0, 1),
           "peak_rss_mb": round(peak_rss_mb(), 1)}
    if trace:
        out["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    return out


def run_export(url: str) -> dict:
    res = {}
    for trace in (False, True):
        cmd = [sys.executable, __file__, "--export-child", url] + (["--trace"] if trace else [])
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
        line = [x for x in out.stdout.splitlines() if x.startswith("{")]
        if out.returncode or not line:
            raise SystemExit(f"export child failed:\n{out.stdout}\n{out.stderr[-3000:]}")
        res["trace" if trace else "plain"] = json.loads(line[-1])
    return res


def report(name: str, info: dict, pages: list[dict], export: dict) -> None:
    print(f"\n== {name}")
    print(f"   data: {info.get('counts')}  (reused: {info.get('reused')})")
    if "generate" in info:
        print(f"   generate: {info['generate']['seconds']} s")
    print(f"   stats warm-up: {info['stats_refresh_events']} events in {info['stats_refresh_s']} s")
    print(f"   {'page':48} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'KB':>7}  target p50<300")
    for p in pages:
        ok = "ok" if p["p50"] < 300 else "SLOW"
        print(f"   {p['page']:48} {p['status']:>6} {p['p50']:8.0f} {p['p95']:8.0f} {p['bytes'] / 1024:7.0f}  {ok}")
    e, tr = export["plain"], export["trace"]
    ok = "ok" if e["seconds"] < 5 and e["peak_rss_mb"] < 200 else "MISSED"
    print(f"   CSV export of {e['rows']} relawan: {e['seconds']} s, {e['bytes'] / 2**20:.1f} MB, "
          f"peak RSS {e['peak_rss_mb']} MB (process; {e['rss_before_mb']} MB before the export), "
          f"tracemalloc peak {tr['tracemalloc_peak_mb']} MB ({tr['seconds']} s traced)  "
          f"target <5 s, <200 MB: {ok}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sqlite", default="/tmp/bench_reports.db", help="SQLite file (default %(default)s)")
    ap.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    ap.add_argument("--pg", help="PostgreSQL URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/bench_reports")
    ap.add_argument("--reuse", action="store_true", help="reuse existing data if present")
    ap.add_argument("--relawan", type=int, default=100_000)
    ap.add_argument("--events", type=int, default=500)
    ap.add_argument("--checkins", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--export-child", help=argparse.SUPPRESS)
    ap.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.export_child:
        print(json.dumps(export_child(args.export_child, args.trace)))
        return
    dbs = []
    if not args.no_sqlite:
        dbs.append(("SQLite " + args.sqlite, f"sqlite:///{args.sqlite}"))
    if args.pg:
        ensure_pg_database(args.pg)
        dbs.append(("PostgreSQL " + args.pg.rsplit("@", 1)[-1], args.pg))
    print(f"bench/reports.py: {args.relawan} relawan, {args.events} events, {args.checkins} check-ins; "
          f"{args.runs} runs per page; {os.cpu_count()} CPUs")
    for name, url in dbs:
        app = make_app(url)
        t = time.perf_counter()
        info = build(app, args)
        print(f"[{name}] data ready in {time.perf_counter() - t:.0f} s", flush=True)
        pages = time_pages(app, args.runs)
        export = run_export(url)
        report(name, info, pages, export)


if __name__ == "__main__":
    main()
