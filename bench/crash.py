"""Crash safety: SIGKILL gunicorn (master and workers) during check-in load, restart, verify.

    .venv/bin/python bench/crash.py                      # SQLite (WAL) in a temp folder
    .venv/bin/python bench/crash.py --rounds 5 --clients 16
    .venv/bin/python bench/crash.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_crash
        (the PostgreSQL database is created if missing, else emptied: drop_all + create_all)

What it does, per round: start `gunicorn -c gunicorn.conf.py` with 2 workers; N client threads
POST /api/v1/events/<id>/checkins with a bearer token, one ticket each; once some answers came
back, SIGKILL the whole process group (master and both workers at the same instant, like a
power cut of the process tree, not of the machine). Then restart and check:
  * every check-in answered 201 is in the database (none lost)          -> must be 0 missing
  * a replay of an answered scan_id gets the same answer (idempotency survived the crash)
  * no ticket is checked in twice (the unique constraint)
Rows committed whose answer never reached the client (killed between commit and reply) are
counted and reported: that is expected and harmless (the client retries with the same scan_id).

SQLite runs with journal_mode=WAL and synchronous=NORMAL (app.py): a COMMIT has written its
frames to the WAL file (the OS page cache) before it returns, so a killed process loses nothing;
only an OS crash or power loss can drop the last transactions, which SQLITE_SYNCHRONOUS=FULL
prevents at the cost of an fsync per check-in. This script tests process death, which is what
NORMAL guarantees against; it prints the synchronous mode it ran with. Exit status 1 on any loss.
"""
from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_database(url: str, n_tickets: int) -> tuple[int, str, list[str]]:
    """Fresh schema, one panitia with an API token, one event, n guest registrations."""
    os.environ["DATABASE_URL"] = url
    from app import create_app
    from auth.models import Role, User
    from auth.tokens import create_token
    from events.models import Event, EventStatus, Registration
    from extensions import db
    from relawan.wilayah import load_default
    from timeutil import utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_default()
        user = User(name="Panitia Pintu", email="pintu@contoh.id", role=Role.PANITIA)
        user.set_password(secrets.token_urlsafe(12))
        db.session.add(user)
        now = utcnow().replace(microsecond=0)
        from datetime import timedelta
        event = Event(kind="sosialisasi", title="Uji tahan crash", venue_name="Aula PKPRI",
                      starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=3),
                      status=EventStatus.PUBLISHED)
        db.session.add(event)
        db.session.flush()
        _, plain = create_token(user, "HP pintu crash")
        tokens = [secrets.token_urlsafe(16) for _ in range(n_tickets)]
        db.session.add_all(Registration(event_id=event.id, guest_name=f"Tamu {i}", guest_phone=f"+62813{i:08d}",
                                        source="guest", token=t, status="confirmed") for i, t in enumerate(tokens))
        db.session.commit()
        event_id = event.id
        db.session.remove()
        db.engine.dispose()
    return event_id, plain, tokens


def start_gunicorn(url: str, port: int, log) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="2",
               GUNICORN_ACCESSLOG="off", LOG_APP_ACCESS="0", RATELIMIT_ENABLED="0", LOG_LEVEL="warning",
               SECRET_KEY=os.environ.get("SECRET_KEY", "crash-bench-secret"))
    proc = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
                             "app:create_app()"],
                            cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    import requests
    deadline = time.time() + 120  # a busy machine takes a while to import the app
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}; see its log")
        time.sleep(0.1)
    raise SystemExit("gunicorn did not become healthy in 120 s")


def group_pids(pgid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "-g", str(pgid)], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in out.split()]


def load_and_kill(base: str, event_id: int, api_token: str, tickets: list[str], proc: subprocess.Popen,
                  clients: int, kill_after: int) -> tuple[dict, int, int]:
    """Scan tickets from `clients` threads; SIGKILL the process group after `kill_after` answers."""
    import requests
    lock = threading.Lock()
    answered: dict[str, tuple[str, int, dict]] = {}   # ticket -> (scan_id, status, body)
    queue = list(tickets)
    sent = 0
    killed = threading.Event()

    def client():
        nonlocal sent
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {api_token}"
        while not killed.is_set():
            with lock:
                if not queue:
                    return
                ticket = queue.pop()
                sent += 1
            scan_id = str(uuid.uuid4())
            try:
                r = s.post(f"{base}/api/v1/events/{event_id}/checkins",
                           json={"code": ticket, "scan_id": scan_id, "device": "crash-bench"}, timeout=10)
            except requests.RequestException:
                return  # server gone: this scan is unanswered
            with lock:
                answered[ticket] = (scan_id, r.status_code, r.json())

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    while True:
        with lock:
            if len(answered) >= kill_after or not queue:
                break
        time.sleep(0.002)
    pids = group_pids(proc.pid)
    os.killpg(proc.pid, signal.SIGKILL)  # master and workers at once
    killed.set()
    proc.wait()
    for t in threads:
        t.join(15)
    return answered, sent, len(pids)


def checked_in_tokens(url: str) -> tuple[set[str], int]:
    from sqlalchemy import create_engine, func, select

    from events.checkin_models import CheckIn
    from events.models import Registration
    engine = create_engine(url)
    try:
        with engine.connect() as con:
            tokens = set(con.scalars(select(Registration.token)
                                     .join(CheckIn, CheckIn.registration_id == Registration.id)))
            rows = con.scalar(select(func.count()).select_from(CheckIn))
        return tokens, rows
    finally:
        engine.dispose()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tickets", type=int, default=1500)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--kill-after", type=int, default=150, help="answers per round before SIGKILL")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="crash-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'crash.db'}"
    if url.startswith("postgresql"):
        from benchdb import ensure_pg_database
        ensure_pg_database(url)
    event_id, api_token, tickets = setup_database(url, args.tickets)
    sync = os.environ.get("SQLITE_SYNCHRONOUS", "NORMAL").upper()
    dialect = url.split(":", 1)[0]
    print(f"database: {dialect}{' (WAL, synchronous=' + sync + ')' if dialect == 'sqlite' else ''}; "
          f"{args.tickets} tickets, {args.clients} clients, {args.rounds} rounds; log: {tmp / 'gunicorn.log'}")
    log = open(tmp / "gunicorn.log", "ab")  # noqa: SIM115 - closed at the end, handed to subprocesses
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    all_acked: dict[str, tuple[str, int, dict]] = {}
    remaining = list(tickets)
    failures = 0
    import requests
    for rnd in range(1, args.rounds + 1):
        proc = start_gunicorn(url, port, log)
        answered, sent, nproc = load_and_kill(base, event_id, api_token, remaining, proc, args.clients, args.kill_after)
        acked = {t: a for t, a in answered.items() if a[1] == 201}
        odd = {t: a for t, a in answered.items() if a[1] != 201}
        all_acked.update(acked)
        wal = Path(url[len("sqlite:///"):] + "-wal") if dialect == "sqlite" else None
        wal_note = f", WAL left behind: {wal.stat().st_size:,} bytes" if wal and wal.exists() else ""

        proc = start_gunicorn(url, port, log)  # recovery happens on the first connection
        present, rows = checked_in_tokens(url)
        missing = set(all_acked) - present
        unanswered_committed = len(present) - len(all_acked)
        # Idempotency after the crash: replaying answered scans gives the first answer again.
        replay_bad = 0
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {api_token}"
        for ticket, (scan_id, _status, body) in list(acked.items())[:20]:
            r = s.post(f"{base}/api/v1/events/{event_id}/checkins",
                       json={"code": ticket, "scan_id": scan_id}, timeout=10)
            if r.status_code != 201 or r.json().get("result") != body.get("result"):
                replay_bad += 1
        s.close()
        os.killpg(proc.pid, signal.SIGINT)  # quick shutdown (TERM would wait for keep-alives)
        proc.wait(30)
        ok = not missing and not odd and rows == len(present) and not replay_bad
        failures += 0 if ok else 1
        print(f"round {rnd}: SIGKILL of {nproc} processes after {len(answered)} answers ({sent} sent){wal_note}; "
              f"201 acknowledged so far: {len(all_acked)}, in database after restart: {len(present)} "
              f"(committed but unanswered: {unanswered_committed}); missing: {len(missing)}; "
              f"non-201 answers: {len(odd)}; replay mismatches: {replay_bad} -> {'OK' if ok else 'FAIL'}")
        remaining = [t for t in remaining if t not in present]
        if not remaining:
            break
    log.close()
    print(f"RESULT: {'PASS' if not failures else 'FAIL'}: {len(all_acked)} check-ins answered 201 across "
          f"{args.rounds} SIGKILLs, {len(set(all_acked) - checked_in_tokens(url)[0])} lost")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
