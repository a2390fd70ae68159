"""A small, hand-countable world for the report tests.

Relawan (status, kelurahan):            history
  A aktif            Kasemen 36.73.02.1001
  B aktif            Kasemen 36.73.02.1002
  C calon            Kasemen 36.73.02.1001
  D dalam_pelatihan  Taktakan 36.73.06.1001
  E terverifikasi    Taktakan 36.73.06.1002
  F ditolak          Serang 36.73.01.1001   was terverifikasi
  G nonaktif         Serang 36.73.01.1002   was aktif
Events (all 3 h):
  E1 sosialisasi 40 days ago: A in, B no-show, D in, guest (Taktakan 36.73.06.1002) walk-in, C cancelled
  E2 sosialisasi 10 days ago: A in, E in, F waitlisted
  S1 program session 20 days ago (grace 15 = default): A +5 min hadir, D +20 terlambat,
     B izin (excused), C tidak hadir
  S2 program session 13 days ago (grace 30): A +25 hadir, B +31 terlambat, C and D tidak hadir
  FUT sosialisasi tomorrow (A registered), CAN cancelled 5 days ago (A checked in): never counted
"""
from __future__ import annotations

import secrets
from datetime import timedelta
from types import SimpleNamespace

import pytest

from events.checkin_models import CheckIn
from events.models import Event, ProgramEnrollment, Registration, TrainingProgram
from extensions import db
from relawan.models import StatusChange
from timeutil import utcnow

KASEMEN, TAKTAKAN, SERANG = "36.73.02", "36.73.06", "36.73.01"
GUEST_NAME = "Tamu Walkin Sayar"


def _event(**kw) -> Event:
    start = kw.pop("starts_at")
    ev = Event(kind=kw.pop("kind", "sosialisasi"), title=kw.pop("title"), venue_name="Aula PKPRI Kota Serang",
               venue_address="Jl. Contoh No. 1", starts_at=start, ends_at=start + timedelta(hours=3),
               status=kw.pop("status", "finished"), organiser_name="P2TP2A Kota Serang", **kw)
    db.session.add(ev)
    db.session.flush()
    return ev


def _reg(event: Event, relawan_id=None, status="confirmed", **kw) -> Registration:
    reg = Registration(event_id=event.id, relawan_id=relawan_id, status=status,
                       token=secrets.token_urlsafe(16), **kw)
    db.session.add(reg)
    db.session.flush()
    return reg


def _checkin(reg: Registration, minutes: int) -> None:
    ev = db.session.get(Event, reg.event_id)
    at = ev.starts_at + timedelta(minutes=minutes)
    db.session.add(CheckIn(registration_id=reg.id, event_id=reg.event_id, scanned_at=at, recorded_at=at,
                           method="qr"))
    db.session.flush()


@pytest.fixture
def world(app, make_relawan):
    """Build the dataset described in the module docstring; return ids and values."""
    p = {}
    p["A"] = make_relawan("aktif", full_name="Ani Kasemen", kelurahan_kode="36.73.02.1001",
                          organisation="PKK")
    p["B"] = make_relawan("aktif", full_name="Budi Kasemen", kelurahan_kode="36.73.02.1002",
                          organisation="Posyandu")
    p["C"] = make_relawan("calon", full_name="Cici Kasemen", kelurahan_kode="36.73.02.1001")
    p["D"] = make_relawan("dalam_pelatihan", full_name="Dedi Taktakan", kelurahan_kode="36.73.06.1001",
                          organisation="PKK")
    p["E"] = make_relawan("terverifikasi", full_name="Euis Taktakan", kelurahan_kode="36.73.06.1002")
    p["F"] = make_relawan("ditolak", full_name="Fajar Serang", kelurahan_kode="36.73.01.1001")
    p["G"] = make_relawan("nonaktif", full_name="Gita Serang", kelurahan_kode="36.73.01.1002")
    now = utcnow().replace(second=0, microsecond=0)
    base = now.replace(hour=1, minute=0)  # 08.00 WIB
    with app.app_context():
        db.session.add_all([
            StatusChange(relawan_id=p["F"].id, from_status="calon", to_status="terverifikasi"),
            StatusChange(relawan_id=p["F"].id, from_status="terverifikasi", to_status="ditolak"),
            StatusChange(relawan_id=p["G"].id, from_status="dalam_pelatihan", to_status="aktif"),
            StatusChange(relawan_id=p["G"].id, from_status="aktif", to_status="nonaktif"),
        ])
        prog = TrainingProgram(title="Pelatihan Relawan Uji", status="published")
        db.session.add(prog)
        db.session.flush()
        e1 = _event(title="Sosialisasi Satu", starts_at=base - timedelta(days=40), allow_walk_ins=True)
        e2 = _event(title="Sosialisasi Dua", starts_at=base - timedelta(days=10))
        s1 = _event(title="Sesi Satu", kind="pelatihan", starts_at=base - timedelta(days=20),
                    program_id=prog.id, program_order=1)
        s2 = _event(title="Sesi Dua", kind="pelatihan", starts_at=base - timedelta(days=13),
                    program_id=prog.id, program_order=2, late_grace_minutes=30)
        fut = _event(title="Sosialisasi Besok", starts_at=base + timedelta(days=1), status="published")
        can = _event(title="Sosialisasi Batal", starts_at=base - timedelta(days=5), status="cancelled")
        A, B, C, D, E, F = (p[k].id for k in "ABCDEF")
        _checkin(_reg(e1, A), 0)
        _reg(e1, B)
        _checkin(_reg(e1, D), 10)
        _checkin(_reg(e1, None, guest_name=GUEST_NAME, guest_phone="+6285700000001",
                      guest_instansi="Kelurahan Sayar", guest_kelurahan_kode="36.73.06.1002",
                      is_walk_in=True, source="walk_in"), 30)
        _reg(e1, C, status="cancelled")
        _checkin(_reg(e2, A), 0)
        _checkin(_reg(e2, E), 0)
        _reg(e2, F, status="waitlisted")
        enrol = {}
        for k in "ABCD":
            en = ProgramEnrollment(program_id=prog.id, relawan_id=p[k].id)
            db.session.add(en)
            db.session.flush()
            enrol[k] = en.id
        regs = {}
        for k in "ABCD":
            regs[("S1", k)] = _reg(s1, p[k].id, enrollment_id=enrol[k], source="program")
            regs[("S2", k)] = _reg(s2, p[k].id, enrollment_id=enrol[k], source="program")
        _checkin(regs[("S1", "A")], 5)
        _checkin(regs[("S1", "D")], 20)
        regs[("S1", "B")].excused = True
        regs[("S1", "B")].excused_note = "Sakit"
        _checkin(regs[("S2", "A")], 25)
        _checkin(regs[("S2", "B")], 31)
        _reg(fut, A)
        _checkin(_reg(can, A), 0)
        db.session.commit()
        ids = SimpleNamespace(e1=e1.id, e2=e2.id, s1=s1.id, s2=s2.id, fut=fut.id, can=can.id,
                              program=prog.id, enrol=enrol,
                              regs={k: r.id for k, r in regs.items()},
                              starts={"e1": e1.starts_at, "e2": e2.starts_at, "s1": s1.starts_at,
                                      "s2": s2.starts_at})
    return SimpleNamespace(p=p, ids=ids)
