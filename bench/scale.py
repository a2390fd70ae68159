"""Scale data for benchmarks and demos: N relawan, events, registrations and check-ins, fast.

    DATABASE_URL=... .venv/bin/python bench/scale.py --relawan 100000 --events 500 --checkins 1000000

(a benchmark tool, not part of the app: bench/reports.py builds its database with it).

Rows go in with bulk INSERT (executemany on SQLite, COPY on PostgreSQL) in chunks, with ids
assigned here so check-ins can point at their registrations without a round trip. NIKs are
structurally valid, fake (serials from 9000) and unique by construction: the serial and the
birth date are derived from the running index. Phones are unique the same way. Everything is
deterministic for a given seed, except the unguessable ticket/card tokens.
"""
from __future__ import annotations

import random
import secrets
import time as _time
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, text
from werkzeug.security import generate_password_hash

from auth.models import User
from events.checkin_models import CheckIn
from events.models import Event, ProgramEnrollment, Registration, TrainingProgram
from extensions import db
from relawan.fakes import fake_nik
from relawan.models import Kelurahan, Relawan, StatusChange, funnel_rank_of
from timeutil import utcnow

CHUNK = 20_000
FIRST = ["Siti", "Dewi", "Nur", "Rina", "Ayu", "Fitri", "Lia", "Yuli", "Rohmah", "Euis", "Imas",
         "Neng", "Ani", "Sri", "Tati", "Wati", "Ahmad", "Budi", "Dedi", "Asep", "Agus", "Rudi",
         "Hendra", "Iwan", "Ujang", "Eko", "Fajar", "Rizki", "Maya", "Intan"]
LAST = ["Rahayu", "Lestari", "Hidayat", "Sulastri", "Nurhayati", "Kurniawan", "Saputra",
        "Maesaroh", "Suryani", "Setiawan", "Wahyuni", "Hasanah", "Permana", "Fauziah", "Ramdani",
        "Jubaedah", "Mulyana", "Kartini", "Safitri", "Hakim"]
ORGS = [("PKK", 0.35), ("Posyandu", 0.15), ("Karang Taruna", 0.12), ("Majelis Taklim", 0.12),
        ("Mahasiswa", 0.1), ("Umum", 0.16)]
STATUSES = [("calon", 0.22), ("terverifikasi", 0.13), ("dalam_pelatihan", 0.15), ("aktif", 0.40),
            ("ditolak", 0.05), ("nonaktif", 0.05)]
# The path each final status went through (one StatusChange row per step after "calon").
HISTORY = {"calon": ["calon"], "terverifikasi": ["calon", "terverifikasi"],
           "dalam_pelatihan": ["calon", "terverifikasi", "dalam_pelatihan"],
           "aktif": ["calon", "terverifikasi", "dalam_pelatihan", "aktif"],
           "ditolak": ["calon", "ditolak"],
           "nonaktif": ["calon", "terverifikasi", "dalam_pelatihan", "aktif", "nonaktif"]}
# Relawan.funnel_rank of each final status: the furthest stage on its path (bulk rows skip the ORM).
FUNNEL_RANK = {status: max(map(funnel_rank_of, path)) for status, path in HISTORY.items()}
VENUES = ["Aula PKPRI Kota Serang", "Aula DP3AKB Kota Serang", "Pendopo Wali Kota Serang",
          "Aula Kecamatan Kasemen", "Aula Kecamatan Taktakan", "Gedung Juang 45 Serang"]
TOPICS = ["Pencegahan Kekerasan terhadap Anak", "Pencegahan Perkawinan Anak",
          "Perlindungan Perempuan dari KDRT", "Pengasuhan Positif", "Anti Perundungan di Sekolah",
          "Layanan Pengaduan P2TP2A", "Pencegahan TPPO"]


def _weighted(rng: random.Random, items):
    values, weights = zip(*items)
    return rng.choices(values, weights=weights)[0]


def _bulk(table, rows: list[dict]) -> None:
    """Insert rows: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        cols = list(rows[0].keys())
        raw = conn.connection.dbapi_connection
        collist = ", ".join(f'"{c}"' for c in cols)
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({collist}) FROM STDIN') as cp:
            for r in rows:
                cp.write_row([r[c] for c in cols])
    else:  # raw executemany: SQLAlchemy's per-value type processing is the bottleneck here
        cols = list(rows[0].keys())
        sql = (f'INSERT INTO "{table.name}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
               f'VALUES ({", ".join("?" * len(cols))})')
        _register_sqlite_adapters()
        conn.connection.dbapi_connection.executemany(sql, [tuple(r.values()) for r in rows])


def _register_sqlite_adapters() -> None:
    """Store datetimes exactly as SQLAlchemy's SQLite DateTime does (text with microseconds).

    Only raw sqlite3 calls see these adapters; SQLAlchemy hands the driver strings already.
    """
    import sqlite3
    sqlite3.register_adapter(datetime, lambda v: v.isoformat(" ", "microseconds"))
    sqlite3.register_adapter(date, lambda v: v.isoformat())


class _Buffer:
    def __init__(self, table):
        self.table, self.rows, self.total = table, [], 0

    def add(self, row: dict) -> None:
        self.rows.append(row)

    def flush(self) -> None:
        _bulk(self.table, self.rows)
        self.total += len(self.rows)
        self.rows = []


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _kelurahan_weights(rng: random.Random) -> tuple[list[str], list[float]]:
    """Uneven spread: a lognormal weight per kelurahan, and three nearly unreached ones."""
    kodes = db.session.scalars(select(Kelurahan.kode).order_by(Kelurahan.kode)).all()
    if not kodes:
        from relawan.wilayah import load_default
        load_default()
        kodes = db.session.scalars(select(Kelurahan.kode).order_by(Kelurahan.kode)).all()
    weights = [rng.lognormvariate(0, 0.8) for _ in kodes]
    for i in rng.sample(range(len(kodes)), 3):
        weights[i] *= 0.01
    return kodes, weights


def _relawan(rng, n: int, log) -> tuple[int, int]:
    """Users and relawan; returns (first relawan id, count)."""
    kodes, weights = _kelurahan_weights(rng)
    first_user, first_rel = _next_id(User), _next_id(Relawan)
    phone_base = first_user  # unique tail per index, never reused by a later run
    pw = generate_password_hash(secrets.token_urlsafe(16))
    now = utcnow()
    users, rels, hist = _Buffer(User.__table__), _Buffer(Relawan.__table__), _Buffer(StatusChange.__table__)
    next_hist = _next_id(StatusChange)
    kel_for = rng.choices(kodes, weights=weights, k=n)
    for i in range(n):
        idx = first_rel + i                      # global index: unique across runs
        gender = "P" if rng.random() < 0.7 else "L"
        birth = date(1966, 1, 1) + timedelta(days=(idx // 1000) % 14000)
        nik = fake_nik(rng, gender=gender, birth=birth, serial=9000 + idx % 1000)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        created = now - timedelta(days=rng.randint(0, 900), minutes=rng.randint(0, 1400))
        status = _weighted(rng, STATUSES)
        uid = first_user + i
        users.add({"id": uid, "name": name, "email": None,
                   "phone": f"+62896{(phone_base + i) % 100_000_000:08d}", "password_hash": pw,
                   "role": "relawan", "kecamatan_kode": None, "active": True, "created_at": created,
                   "last_login_at": None})
        org = _weighted(rng, ORGS)
        rels.add({"id": idx, "user_id": uid, "full_name": name, "nik": nik, "gender": gender,
                  "birth_date": birth, "address": f"Kp. Contoh RT 0{i % 9 + 1}/RW 0{i % 7 + 1}",
                  "kelurahan_kode": kel_for[i], "occupation": None, "education": None,
                  "organisation": org, "organisation_detail": None, "motivation": None,
                  "availability": None, "status": status, "funnel_rank": FUNNEL_RANK[status],
                  "consent_version": "2026-11-v1",
                  "consent_at": created, "card_token": secrets.token_urlsafe(16),
                  "created_at": created, "updated_at": created, "status_changed_at": created,
                  "deletion_requested_at": None, "anonymized_at": None})
        at = created
        for frm, to in zip([None] + HISTORY[status][:-1], HISTORY[status]):
            if frm is None:
                continue
            at = at + timedelta(days=rng.randint(1, 30))
            hist.add({"id": next_hist, "relawan_id": idx, "from_status": frm, "to_status": to,
                      "by_user_id": None, "at": at, "note": None})
            next_hist += 1
        if len(rels.rows) >= CHUNK:
            users.flush()
            rels.flush()
            hist.flush()
    users.flush()
    rels.flush()
    hist.flush()
    log(f"  relawan: {rels.total}")
    return first_rel, n


def _events(rng, n: int) -> list[dict]:
    """Events spread over the last 24 months (about 5% upcoming); pelatihan in 4-session programs."""
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    first_ev, first_prog = _next_id(Event), _next_id(TrainingProgram)
    n_pel = (int(n * 0.3) // 4) * 4
    kinds = ["pelatihan"] * n_pel + ["rakor"] * int(n * 0.1)
    kinds += ["sosialisasi"] * (n - len(kinds))
    programs, events = [], []
    for p in range(n_pel // 4):
        programs.append({"id": first_prog + p, "title": f"Pelatihan Relawan P2TP2A Angkatan {p + 1}",
                         "description": None, "completion_rule": "all_required", "min_sessions": None,
                         "status": "published", "created_at": now, "created_by_id": None})
    for i, kind in enumerate(kinds):
        if kind == "pelatihan":
            prog = programs[i // 4]
            base_day = (i // 4) * 4 * 730 // max(n_pel, 1)
            start = now - timedelta(days=730 - base_day - (i % 4) * 7)
        else:
            start = now - timedelta(days=rng.randint(-40, 730))
            prog = None
        start = start.replace(hour=1) + timedelta(hours=rng.choice([0, 1, 6]))  # 08/09/13 WIB
        events.append({
            "id": first_ev + i, "kind": kind,
            "title": (f"{prog['title']} - Sesi {i % 4 + 1}" if prog else
                      f"{'Sosialisasi' if kind == 'sosialisasi' else 'Rakor'} {rng.choice(TOPICS)} #{i + 1}"),
            "description": None, "venue_name": rng.choice(VENUES), "venue_address": "Kota Serang",
            "starts_at": start, "ends_at": start + timedelta(hours=3), "capacity": None,
            "seats_taken": 0, "registration_opens_at": None, "registration_closes_at": None,
            "allow_guests": kind == "sosialisasi", "allow_walk_ins": kind == "sosialisasi",
            "checkout_enabled": False, "status": "finished" if start < now else "published",
            "organiser_name": "P2TP2A Kota Serang", "organiser_phone": None, "organiser_email": None,
            "program_id": prog["id"] if prog else None, "program_order": i % 4 + 1 if prog else None,
            "required": True, "late_grace_minutes": None, "cancel_reason": None,
            "cancelled_at": None, "created_by_id": None, "created_at": start - timedelta(days=14)})
    _bulk(TrainingProgram.__table__, programs)
    _bulk(Event.__table__, events)
    return events


def _split(total: int, weights: list[float], caps: list[int]) -> list[int]:
    """Integers proportional to weights, each <= its cap, summing to total (if caps allow)."""
    s = sum(weights) or 1
    out = [min(int(total * w / s), c) for w, c in zip(weights, caps)]
    rest = total - sum(out)
    i = 0
    while rest > 0 and any(o < c for o, c in zip(out, caps)):
        if out[i % len(out)] < caps[i % len(out)]:
            add = min(rest, caps[i % len(out)] - out[i % len(out)], max(1, rest // len(out)))
            out[i % len(out)] += add
            rest -= add
        i += 1
    return out


def generate(relawan: int, events: int, checkins: int, seed: int = 1, log=print) -> dict:
    """Insert `relawan` relawan, `events` events and registrations reaching `checkins` check-ins.

    Commits at the end. Returns counts and seconds.
    """
    t0 = _time.monotonic()
    rng = random.Random(seed)
    conn = db.session.connection()
    first_rel, n_rel = _relawan(rng, relawan, log)
    evs = _events(rng, events)
    now = utcnow()
    past = [e for e in evs if e["starts_at"] < now]
    cap = max(n_rel, 1)
    per_event = _split(checkins, [rng.lognormvariate(0, 0.5) for _ in past], [cap] * len(past))
    want = {e["id"]: c for e, c in zip(past, per_event)}
    regs, cis = _Buffer(Registration.__table__), _Buffer(CheckIn.__table__)
    enrol = _Buffer(ProgramEnrollment.__table__)
    reg_id, ci_id, en_id = _next_id(Registration), _next_id(CheckIn), _next_id(ProgramEnrollment)
    program_people: dict[int, list[int]] = {}
    guest_seq = deficit = 0
    for e in evs:
        c = want.get(e["id"], 0) + (deficit if e["id"] in want else 0)
        n_reg = min(cap, int(c / rng.uniform(0.75, 0.95)) + 1) if e["id"] in want else rng.randint(20, 200)
        if e["program_id"]:
            people = program_people.get(e["program_id"])
            if people is None:
                people = rng.sample(range(n_rel), min(n_reg, n_rel))
                program_people[e["program_id"]] = people
                for p in people:
                    enrol.add({"id": en_id, "program_id": e["program_id"], "relawan_id": first_rel + p,
                               "status": "active", "created_at": e["created_at"], "completed_at": None})
                    en_id += 1
            people_ids = people
        else:
            people_ids = rng.sample(range(n_rel), min(n_reg, n_rel))
        if e["id"] in want:
            deficit = c - min(c, len(people_ids))
        c = min(c, len(people_ids))
        attend = set(rng.sample(range(len(people_ids)), c)) if c else set()
        for j, p in enumerate(people_ids):
            checked = j in attend
            walk_in = checked and e["allow_walk_ins"] and rng.random() < 0.05
            guest = not e["program_id"] and e["allow_guests"] and rng.random() < 0.03
            status = "confirmed" if checked or rng.random() > 0.04 else "cancelled"
            row = {"id": reg_id, "event_id": e["id"], "relawan_id": None if guest else first_rel + p,
                   "enrollment_id": None, "guest_name": None, "guest_instansi": None,
                   "guest_jabatan": None, "guest_phone": None, "guest_email": None,
                   "guest_kelurahan_kode": None, "role_label": "peserta", "status": status,
                   "source": "walk_in" if walk_in else ("guest" if guest else "self"),
                   "is_walk_in": walk_in, "token": secrets.token_urlsafe(16),
                   "created_at": e["starts_at"] - timedelta(days=rng.randint(1, 14)),
                   "cancelled_at": None, "excused": False, "excused_note": None}
            row["changed_at"] = row["created_at"]  # the door list's cursor (events/checkin/doorlist.py)
            if guest:
                guest_seq += 1
                row.update(guest_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                           guest_instansi=rng.choice(["Kelurahan", "Puskesmas", "Sekolah", "PKK"]),
                           guest_phone=f"+62857{guest_seq:08d}")
            regs.add(row)
            if checked:
                scanned = e["starts_at"] + timedelta(minutes=rng.randint(-30, 45))
                cis.add({"id": ci_id, "registration_id": reg_id, "event_id": e["id"], "scan_id": None,
                         "scanned_at": scanned, "recorded_at": scanned + timedelta(seconds=2),
                         "by_user_id": None, "device": "scale", "method": "qr"})
                ci_id += 1
            reg_id += 1
            if len(regs.rows) >= CHUNK:
                enrol.flush()
                regs.flush()
                cis.flush()
    enrol.flush()
    regs.flush()
    cis.flush()
    if conn.dialect.name == "postgresql":
        for t in ("user", "relawan", "status_change", "event", "training_program", "program_enrollment",
                  "registration", "check_in"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'id'), "
                                    f"(SELECT COALESCE(MAX(id), 1) FROM \"{t}\"))"))
    db.session.commit()  # a bulk load: commit once here
    if conn.dialect.name == "postgresql":
        # Planner statistics for the new rows now, as autovacuum would do soon after a bulk load
        # (and must, where a server runs with autovacuum off).
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    out = {"relawan": n_rel, "events": len(evs), "registrations": regs.total,
           "checkins": cis.total, "enrollments": enrol.total,
           "seconds": round(_time.monotonic() - t0, 1)}
    log(f"  {out}")
    return out


def main(argv: list[str] | None = None) -> None:
    """Command line: load scale data into DATABASE_URL (the app's configured database)."""
    import argparse
    import os
    import sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from app import create_app

    parser = argparse.ArgumentParser(description="Data skala besar untuk benchmark.")
    parser.add_argument("--relawan", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--checkins", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if min(args.relawan, args.events, args.checkins) < 0:
        parser.error("Jumlah tidak boleh negatif.")
    with create_app().app_context():
        print(f"Membuat {args.relawan} relawan, {args.events} kegiatan, {args.checkins} check-in ...")
        result = generate(args.relawan, args.events, args.checkins, seed=args.seed, log=print)
        print(f"Selesai dalam {result['seconds']} detik: {result}")


if __name__ == "__main__":
    main()
