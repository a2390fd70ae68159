"""Check-in of a pelatihan session completes the program and issues its certificate (events.training)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from events.models import ProgramEnrollment, TrainingProgram
from events.training import Certificate
from extensions import db
from relawan.models import Relawan
from tests.events.test_checkin_helpers import make_registration, scan
from timeutil import utcnow


def test_last_required_session_check_in_makes_the_relawan_aktif(app, login_as, make_event,
                                                                 make_relawan):
    client = login_as("panitia")
    rel = make_relawan(status="dalam_pelatihan")
    with app.app_context():
        program = TrainingProgram(title="Pelatihan Calon Relawan 2026", completion_rule="all_required",
                                  status="published")
        db.session.add(program)
        db.session.commit()
        program_id = program.id
        db.session.add(ProgramEnrollment(program_id=program_id, relawan_id=rel.id, status="active"))
        db.session.commit()
    event = make_event(kind="pelatihan", program_id=program_id, program_order=1, required=True,
                       starts_at=utcnow() + timedelta(hours=1))  # check-in window open now
    _reg, token = make_registration(app, event, relawan=rel)
    resp = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(token))
    assert resp.status_code == 201
    with app.app_context():
        assert db.session.get(Relawan, rel.id).status == "aktif"
        enrollment = db.session.scalar(select(ProgramEnrollment))
        assert enrollment.status == "completed"
        cert = db.session.scalar(select(Certificate))
        assert (cert.relawan_id, cert.program_id) == (rel.id, program_id)


def test_sosialisasi_check_in_completes_no_program(app, login_as, make_event, make_relawan):
    client = login_as("panitia")
    rel = make_relawan(status="dalam_pelatihan")
    with app.app_context():
        program = TrainingProgram(title="Pelatihan Minimal Satu Sesi", completion_rule="min_sessions",
                                  min_sessions=1, status="published")
        db.session.add(program)
        db.session.flush()
        db.session.add(ProgramEnrollment(program_id=program.id, relawan_id=rel.id, status="active"))
        db.session.commit()
    event = make_event(kind="sosialisasi", starts_at=utcnow() + timedelta(hours=1))
    _reg, token = make_registration(app, event, relawan=rel)
    assert client.post(f"/api/v1/events/{event.id}/checkins", json=scan(token)).status_code == 201
    with app.app_context():
        assert db.session.get(Relawan, rel.id).status == "dalam_pelatihan"
        assert db.session.scalar(select(ProgramEnrollment.status)) == "active"
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
