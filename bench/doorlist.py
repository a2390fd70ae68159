"""Door-list benchmark (not a test): GET /api/v1/events/<id>/door-list on the app as `make serve`
runs it.

    .venv/bin/python bench/doorlist.py                     # SQLite
    .venv/bin/python bench/doorlist.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_doorlist
    make bench-doorlist BENCH_ARGS="--pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_doorlist"

Per database (a temp SQLite file; with --pg the database in the URL, created when missing, its
tables dropped and created again): one event per size (default 2,000 and 20,000 registrations,
half relawan with a personal card, half guests with an instansi, 5% waitlisted, 10% cancelled,
30% of the confirmed checked in; bulk inserts, every change stamped an hour ago), one panitia
and an API token. Then `gunicorn -c gunicorn.conf.py "app:create_app()"` from the project folder
(bench/checkin.py's start_gunicorn: only the bind address is set) and, per event, one
keep-alive client with `Accept-Encoding: gzip` (as a phone's browser sends it, minus br), after
--warmup untimed full lists and deltas (the workers that started last are still importing):
1. the full list, --requests times: bytes on the wire (gzip), raw bytes, ms p50/p95;
2. 10 check-ins through POST /checkins, then the delta since the cursor of a full list read
   before them, --requests times: bytes, item count (must be the 10 checked-in tickets, with
   their check-in time) and ms p50/p95.
The load average of the machine is printed beside the numbers: it is shared.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import http.client
import json
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from urllib.parse import quote

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("SECRET_KEY", "bench-secret-key")

from benchdb import ensure_pg_database
from checkin import free_port, start_gunicorn, stop

NAMES = ["Siti", "Nur", "Dewi", "Sri", "Rina", "Ayu", "Ratna", "Fitri", "Lilis", "Euis", "Ahmad",
         "Budi", "Agus", "Dedi", "Asep", "Hendra", "Rizki", "Iwan", "Ujang", "Wulan", "Aminah",
         "Lestari", "Wahyuni", "Marlina", "Hidayat", "Santoso", "Saputra", "Setiawan", "Permana",
         "Maulana", "Fauziah", "Rahmawati", "Suryani", "Hasanah", "Gunawan", "Mulyadi"]
PLACES = ["Kasemen", "Serang", "Cipocok Jaya", "Curug", "Walantaka", "Taktakan", "Cipare",
          "Lontarbaru", "Sumurpecung", "Kaligandu", "Banjaragung", "Kilasah", "Unyur"]
ORGS = ["PKK Kelurahan {}", "Karang Taruna {}", "Posyandu Melati {}", "Majelis Taklim {}",
        "Puskesmas {}", "Forum Anak {}", None]


def _name(rng) -> str:
    return " ".join(rng.choice(NAMES) for _ in range(rng.choice((2, 2, 3))))


def _org(rng) -> str | None:
    org = rng.choice(ORGS)
    return org.format(rng.choice(PLACES)) if org else None


def seed(event_id: int, n: int, rng) -> list[str]:
    """n registrations of one event (bulk inserts, stamped an hour ago); returns the tokens of
    confirmed registrations not checked in yet."""
    from sqlalchemy import insert, select

    from events.checkin_models import CheckIn
    from events.models import Registration
    from extensions import db
    from relawan.models import Relawan
    from timeutil import utcnow

    past = utcnow() - timedelta(hours=1)
    cards = [secrets.token_urlsafe(16) for _ in range(n // 2)]
    db.session.execute(insert(Relawan), [
        {"full_name": _name(rng), "organisation_detail": _org(rng), "status": "aktif",
         "card_token": c, "created_at": past, "updated_at": past} for c in cards])
    ids = list(db.session.scalars(select(Relawan.id).where(Relawan.card_token.in_(cards))))
    statuses = ["confirmed"] * 17 + ["waitlisted"] + ["cancelled"] * 2
    rows = [{"relawan_id": rid, "source": "self"} for rid in ids]
    rows += [{"guest_name": _name(rng), "guest_instansi": _org(rng), "source": "guest",
              "guest_phone": f"+62813{event_id:02d}{i:06d}"} for i in range(n - len(ids))]
    tokens = {}
    for row in rows:
        row.update(event_id=event_id, status=rng.choice(statuses), created_at=past,
                   changed_at=past, token=secrets.token_urlsafe(18))
        tokens[row["token"]] = row["status"]
    db.session.execute(insert(Registration), rows)
    confirmed = list(db.session.execute(select(Registration.id, Registration.token).where(
        Registration.event_id == event_id, Registration.status == "confirmed")))
    checked = rng.sample(confirmed, int(len(confirmed) * 0.3))
    db.session.execute(insert(CheckIn), [
        {"registration_id": rid, "event_id": event_id, "scanned_at": past, "recorded_at": past,
         "method": "qr"} for rid, _t in checked])
    done = {t for _r, t in checked}
    return [t for _r, t in confirmed if t not in done]


def load(url: str, sizes: list[int], seed_value: int):
    """Schema, one panitia with a token, one event per size. Returns ([(size, event_id,
    open tokens)], bearer)."""
    from app import create_app
    from auth.models import Role, User
    from auth.tokens import create_token
    from events.models import Event
    from extensions import db
    from timeutil import utcnow

    rng = random.Random(seed_value)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        from relawan.wilayah import load_default
        load_default()
        user = User(name="Panitia Bench", email="bench@contoh.id", role=Role.PANITIA)
        user.set_password("rahasia-bench")
        now = utcnow()
        events = [Event(kind="sosialisasi", title=f"Bench {n}", venue_name="Aula",
                        status="published", starts_at=now - timedelta(hours=1),
                        ends_at=now + timedelta(hours=5)) for n in sizes]
        db.session.add_all([user, *events])
        db.session.flush()
        out = [(n, e.id, seed(e.id, n, rng)) for n, e in zip(sizes, events, strict=True)]
        _row, bearer = create_token(user, "bench")
        db.session.commit()
        if db.engine.dialect.name == "postgresql":  # statistics, as autovacuum keeps them live
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
        db.engine.dispose()
    return out, bearer


def _get(conn, path: str, headers: dict):
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    raw = resp.read()
    ms = (time.perf_counter() - started) * 1000
    if resp.status != 200:
        raise SystemExit(f"GET {path}: {resp.status} {raw[:300]!r}")
    body = gzip.decompress(raw) if resp.getheader("Content-Encoding") == "gzip" else raw
    return ms, len(raw), resp.getheader("Content-Encoding"), json.loads(body), len(body)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(port: int, size: int, event_id: int, tokens: list[str], bearer: str, requests: int,
            warmup: int):
    """Full list and delta after 10 check-ins for one event; prints and returns the figures."""
    headers = {"Authorization": f"Bearer {bearer}", "Accept-Encoding": "gzip"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    path = f"/api/v1/events/{event_id}/door-list"
    cursor = _get(conn, path, headers)[3]["cursor"]
    for _ in range(warmup):  # each worker has served both kinds (imports, statement cache, pool)
        _get(conn, path, headers)
        _get(conn, f"{path}?since={quote(cursor)}", headers)
    full = [_get(conn, path, headers) for _ in range(requests)]
    ms = [f[0] for f in full]
    _ms, wire, encoding, data, raw = full[-1]
    assert data["full"] and len(data["items"]) == size, (data["full"], len(data["items"]))
    row = {"size": size, "full_wire": wire, "full_raw": raw, "encoding": encoding,
           "full_p50": statistics.median(ms), "full_p95": _pct(ms, 0.95)}
    cursor = data["cursor"]
    checked = tokens[:10]
    for token in checked:
        body = json.dumps({"code": f"http://127.0.0.1:5000/t/{token}", "scan_id": str(uuid.uuid4()),
                           "device": "bench"})
        conn.request("POST", f"/api/v1/events/{event_id}/checkins", body=body,
                     headers={**headers, "Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 201, resp.status
    delta = [_get(conn, f"{path}?since={quote(cursor)}", headers) for _ in range(requests)]
    ms = [d[0] for d in delta]
    _ms, wire, encoding, data, raw = delta[-1]
    want = {hashlib.sha256(t.encode()).hexdigest()[:16] for t in checked}
    got = {item[0] for item in data["items"] if item[5]}
    if data["full"] or got != want or len(data["items"]) != 10:
        raise SystemExit(f"delta wrong: full={data['full']} items={len(data['items'])}")
    conn.close()
    row.update(delta_items=len(data["items"]), delta_wire=wire, delta_raw=raw,
               delta_encoding=encoding or "none", delta_p50=statistics.median(ms),
               delta_p95=_pct(ms, 0.95))
    print(f"  {size:>6} registrations: full {row['full_wire'] / 1024:.1f} KB {encoding} "
          f"({row['full_raw'] / 1024:.0f} KB raw), p50 {row['full_p50']:.0f} ms, p95 "
          f"{row['full_p95']:.0f} ms; delta after 10 check-ins: {row['delta_items']} items, "
          f"{row['delta_wire']} B ({row['delta_encoding']}), p50 {row['delta_p50']:.1f} ms, "
          f"p95 {row['delta_p95']:.1f} ms; load average {os.getloadavg()[0]:.2f}")
    return row


def bench_one(label: str, url: str, args) -> list[dict]:
    t0 = time.time()
    events, bearer = load(url, args.sizes, args.seed)
    print(f"== {label}: seeded {sum(args.sizes)} registrations in {time.time() - t0:.1f} s; "
          f"load average {os.getloadavg()[0]:.2f}")
    port = free_port()
    proc = start_gunicorn("app:create_app()", port, {"DATABASE_URL": url})
    try:
        return [{"db": label, **measure(port, size, event_id, tokens, bearer, args.requests,
                                                args.warmup)}
                for size, event_id, tokens in events]
    finally:
        stop(proc)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", metavar="URL", help="also on PostgreSQL: this database (created "
                                                    "if missing; its tables are replaced)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                        default=[2000, 20000], help="registrations per event (comma-separated)")
    parser.add_argument("--requests", type=int, default=20, help="requests per measurement")
    parser.add_argument("--warmup", type=int, default=20,
                        help="full lists and deltas fetched before timing")
    parser.add_argument("--seed", type=int, default=20261205)
    args = parser.parse_args(argv)
    tmpdir = tempfile.mkdtemp(prefix="bench-doorlist-")
    print(f"bench/doorlist.py: sizes {args.sizes}, {args.requests} requests each, "
          f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    databases = [] if args.no_sqlite else [("SQLite", f"sqlite:///{os.path.join(tmpdir, 'bench.db')}")]
    if args.pg:
        ensure_pg_database(args.pg)
        databases.append(("PostgreSQL", args.pg))
    rows = []
    try:
        for label, url in databases:
            rows += bench_one(label, url, args)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\n| database | registrations | full, gzip on the wire | full p50 / p95 | "
          "delta after 10 check-ins | delta p50 / p95 |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['db']} | {r['size']:,} | {r['full_wire'] / 1024:.1f} KB ({r['full_raw'] / 1024:.0f} KB raw) | "
              f"{r['full_p50']:.0f} / {r['full_p95']:.0f} ms | {r['delta_items']} items, "
              f"{r['delta_wire']} B ({r['delta_encoding']}) | {r['delta_p50']:.1f} / {r['delta_p95']:.1f} ms |")


if __name__ == "__main__":
    main()
