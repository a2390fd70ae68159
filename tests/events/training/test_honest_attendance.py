"""Honest attendance (issue 13.5): sessions that have not started are "Belum berlangsung", a
missed past session offers no ticket, and who may register for training is one rule that the
service, the event page, the program page and the relawan home all follow."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from auth.models import User
from events.models import Event, Registration, TrainingProgram
from events.services import eligibility
from events.services import registration as reg_service
from events.services.programs import enroll_relawan
from events.training import Attendance, program_grid
from events.training.attendance import classify
from extensions import db
from relawan.models import Relawan
from tests.conftest import login
from timeutil import utcnow

T0 = datetime(2026, 11, 1, 1, 0)


def test_classify_says_belum_berlangsung_until_the_session_starts():
    assert classify(T0, 15, None, False, now=T0 - timedelta(minutes=1)) == Attendance.BELUM_BERLANGSUNG
    assert classify(T0, 15, None, False, now=T0) == Attendance.TIDAK_HADIR
    assert classify(T0, 15, None, True, now=T0 - timedelta(days=1)) == Attendance.IZIN  # izin ahead
    assert classify(T0, 15, T0 - timedelta(minutes=5), False, now=T0 - timedelta(minutes=1)) == Attendance.HADIR


def _program(app, make_event, *, starts_at):
    with app.app_context():
        program = TrainingProgram(title="Pelatihan Relawan Angkatan 3", status="published")
        db.session.add(program)
        db.session.commit()
        program_id = program.id
    session = make_event(kind="pelatihan", title="Sesi 1: Mengenali kekerasan", program_id=program_id,
                         program_order=1, starts_at=starts_at)
    return program_id, session


def _client(app, relawan):
    with app.app_context():
        return login(app.test_client(), db.session.get(User, relawan.user_id))


def test_grid_shows_belum_berlangsung_before_a_session_and_tidak_hadir_after(app, make_event, make_relawan,
                                                                          login_as):
    start = utcnow().replace(microsecond=0) + timedelta(days=2)
    program_id, session = _program(app, make_event, starts_at=start)
    rel = make_relawan(status="terverifikasi", full_name="Cici Kasemen")
    with app.app_context():
        enroll_relawan(db.session.get(TrainingProgram, program_id), db.session.get(Relawan, rel.id))
        db.session.commit()
        program = db.session.get(TrainingProgram, program_id)
        before = program_grid(program, now=start - timedelta(hours=1))
        after = program_grid(program, now=start + timedelta(hours=4))
    assert [c.status for _, cells, _ in before.rows for c in cells] == ["belum_berlangsung"]
    assert [c.status for _, cells, _ in after.rows for c in cells] == ["tidak_hadir"]
    html = login_as("panitia").get(f"/laporan/program/{program_id}/kehadiran").get_data(as_text=True)
    assert "Belum berlangsung" in html and "att-belum_berlangsung" in html
    assert 'att-tidak_hadir' not in html


def test_missed_past_session_offers_no_ticket_but_upcoming_one_does(app, make_event, make_relawan):
    rel = make_relawan(status="aktif")
    past = make_event(title="Sosialisasi bulan lalu", starts_at=utcnow().replace(microsecond=0) - timedelta(days=30))
    coming = make_event(title="Sosialisasi pekan depan")
    tokens = {}
    with app.app_context():
        for ev in (past, coming):
            tokens[ev.id] = secrets.token_urlsafe(18)
            db.session.add(Registration(event_id=ev.id, relawan_id=rel.id, status="confirmed", source="self",
                                        token=tokens[ev.id], created_at=utcnow()))
        db.session.commit()
    html = _client(app, rel).get("/kegiatan/saya").get_data(as_text=True)
    assert "Sosialisasi bulan lalu" in html and "Kegiatan sudah selesai." in html
    assert f"/t/{tokens[coming.id]}" in html
    assert f"/t/{tokens[past.id]}" not in html
    assert html.count("Buka tiket QR") == 1


@pytest.mark.parametrize("status, event_ok, training_ok", [
    ("calon", True, False), ("terverifikasi", True, True), ("dalam_pelatihan", True, True),
    ("aktif", True, True), ("ditolak", False, False), ("nonaktif", False, False)])
def test_one_rule_decides_who_may_register(status, event_ok, training_ok):
    rel = Relawan(status=status)
    sosialisasi, session = Event(program_id=None), Event(program_id=1)
    assert eligibility.may_register(rel, sosialisasi).ok is event_ok
    assert eligibility.may_register(rel, session).ok is training_ok
    assert eligibility.may_join_training(rel).ok is training_ok
    for decision in (eligibility.may_register(rel, session), eligibility.may_join_training(rel)):
        assert (decision.reason is None) is decision.ok


def test_unverified_calon_is_refused_by_the_service_and_offered_no_button_anywhere(app, make_event,
                                                                                  make_relawan):
    program_id, session = _program(app, make_event, starts_at=utcnow().replace(microsecond=0) + timedelta(days=3))
    calon = make_relawan(status="calon")
    reason = eligibility.REASONS["calon"]
    with app.app_context():
        event, rel = db.session.get(Event, session.id), db.session.get(Relawan, calon.id)
        with pytest.raises(reg_service.NotEligible) as exc:
            reg_service.register_relawan(event, rel)
        assert exc.value.message == reason
        db.session.rollback()
        with pytest.raises(reg_service.NotEligible) as exc:
            enroll_relawan(db.session.get(TrainingProgram, program_id), db.session.get(Relawan, calon.id))
        assert exc.value.message == reason
        db.session.rollback()
    c = _client(app, calon)
    page = c.get(f"/kegiatan/{session.id}").get_data(as_text=True)
    assert "Daftar sekarang" not in page and "masih menunggu verifikasi" in page
    program_page = c.get(f"/program/{program_id}").get_data(as_text=True)
    assert "Daftar program" not in program_page and "masih menunggu verifikasi" in program_page
    home = c.get("/saya").get_data(as_text=True)
    assert "masih menunggu verifikasi" in home and "Lihat program pelatihan" not in home
    resp = c.post(f"/kegiatan/{session.id}/daftar", follow_redirects=True)
    assert "masih menunggu verifikasi" in resp.get_data(as_text=True)
    assert c.post(f"/program/{program_id}/daftar").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_verified_relawan_sees_the_buttons_the_rule_allows(app, make_event, make_relawan):
    program_id, session = _program(app, make_event, starts_at=utcnow().replace(microsecond=0) + timedelta(days=3))
    c = _client(app, make_relawan(status="terverifikasi"))
    assert "Daftar sekarang" in c.get(f"/kegiatan/{session.id}").get_data(as_text=True)
    assert "Daftar program" in c.get(f"/program/{program_id}").get_data(as_text=True)
    assert "Lihat program pelatihan" in c.get("/saya").get_data(as_text=True)
    calon = _client(app, make_relawan(status="calon"))
    assert "Daftar sekarang" in calon.get(f"/kegiatan/{make_event().id}").get_data(as_text=True)  # sosialisasi
