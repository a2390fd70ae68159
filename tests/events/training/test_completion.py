"""Training programs: enrolment, status moves, completion rules with their certificate, the CLI."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from events import training
from events.models import Event, ProgramEnrollment, Registration, TrainingProgram
from events.services.programs import enroll_relawan
from events.services.registration import AlreadyRegistered, NotEligible
from events.training import Certificate
from extensions import db
from relawan.models import Relawan, StatusChange
from tests.events.evhelpers import check_in, count
from timeutil import utcnow


def _program(app, make_event, n=3, rule="all_required", min_sessions=None, optional=()):
    with app.app_context():
        p = TrainingProgram(title="Pelatihan Calon Relawan", status="published",
                            completion_rule=rule, min_sessions=min_sessions)
        db.session.add(p)
        db.session.commit()
        pid = p.id
    start = utcnow().replace(microsecond=0) + timedelta(days=2)
    for i in range(n):
        make_event(kind="pelatihan", title=f"Sesi {i + 1}", program_id=pid, program_order=i + 1,
                   required=(i + 1) not in optional, capacity=30, starts_at=start + timedelta(days=7 * i))
    return pid


def _enrol(pid, relawan_id):
    program = db.session.get(TrainingProgram, pid)
    return enroll_relawan(program, db.session.get(Relawan, relawan_id))


def test_enrolling_registers_all_sessions_and_moves_to_dalam_pelatihan(app, ctx, make_event, make_relawan):
    pid = _program(app, make_event)
    rel = make_relawan(status="terverifikasi")
    enrollment, regs = _enrol(pid, rel.id)
    db.session.commit()
    assert len(regs) == 3 and {r.status for r in regs} == {"confirmed"}
    assert {r.enrollment_id for r in regs} == {enrollment.id} and {r.source for r in regs} == {"program"}
    r = db.session.get(Relawan, rel.id)
    assert r.status == "dalam_pelatihan"
    change = db.session.scalars(select(StatusChange).where(StatusChange.relawan_id == rel.id)).all()[-1]
    assert (change.from_status, change.to_status) == ("terverifikasi", "dalam_pelatihan")
    with pytest.raises(AlreadyRegistered):
        _enrol(pid, rel.id)
    db.session.rollback()
    assert count(ProgramEnrollment) == 1 and count(Registration) == 3


@pytest.mark.parametrize("status", ["calon", "ditolak", "nonaktif"])
def test_calon_rejected_and_inactive_cannot_enrol(app, ctx, make_event, make_relawan, status):
    pid = _program(app, make_event)
    rel = make_relawan(status=status)
    with pytest.raises(NotEligible) as exc:
        _enrol(pid, rel.id)
    assert exc.value.message
    db.session.rollback()
    assert count(ProgramEnrollment) == 0 and count(Registration) == 0


def test_all_required_rule_completes_moves_to_aktif_and_issues_the_certificate(app, ctx, make_event,
                                                                               make_relawan):
    pid = _program(app, make_event, optional=(3,))
    rel = make_relawan(status="terverifikasi")
    _, regs = _enrol(pid, rel.id)
    db.session.commit()
    check_in(regs[0])
    assert training.recompute_for_relawan(rel.id) == []
    check_in(regs[1], minutes_after_start=40)  # late still counts
    assert training.recompute_for_relawan(rel.id) == [pid]
    db.session.commit()
    enrollment = db.session.scalars(select(ProgramEnrollment)).one()
    assert enrollment.status == "completed" and enrollment.completed_at
    cert = db.session.scalars(select(Certificate)).one()
    assert (cert.program_id, cert.relawan_id, cert.role_label) == (pid, rel.id, "peserta")
    assert cert.details["sessions_attended"] == 2 and cert.hours == training.progress(
        enrollment.program, rel.id).hours
    assert db.session.get(Relawan, rel.id).status == "aktif"
    history = [(h.from_status, h.to_status) for h in db.session.get(Relawan, rel.id).history]
    assert history[-1] == ("dalam_pelatihan", "aktif")
    assert training.recompute_for_relawan(rel.id) == []  # idempotent
    assert count(Certificate) == 1


def test_min_sessions_rule_and_excused_does_not_count(app, ctx, make_event, make_relawan):
    pid = _program(app, make_event, n=4, rule="min_sessions", min_sessions=2)
    rel = make_relawan(status="terverifikasi")
    _, regs = _enrol(pid, rel.id)
    db.session.commit()
    regs[0].excused = True  # izin without a check-in is not attendance
    check_in(regs[1])
    assert training.recompute_for_relawan(rel.id) == [] and count(Certificate) == 0
    regs[3].excused = True  # izin, but the person came after all: the check-in counts
    check_in(regs[3])
    assert training.recompute_for_relawan(rel.id) == [pid]


def test_cli_recompute_prints_changes(app, runner, make_event, make_relawan):
    pid = _program(app, make_event, n=1)
    rel = make_relawan(status="terverifikasi", full_name="Neneng Hasanah")
    with app.app_context():
        _, regs = _enrol(pid, rel.id)
        check_in(regs[0])
        db.session.commit()
    out = runner.invoke(args=["training", "recompute"]).output
    assert "Lulus: Neneng Hasanah" in out and "1 kelulusan baru" in out
    out = runner.invoke(args=["training", "recompute"]).output
    assert "Tidak ada perubahan" in out


def test_program_pages_and_one_tap_program_registration(app, login_as, make_event, make_relawan):
    from tests.conftest import login
    pid = _program(app, make_event)
    rel = make_relawan(status="terverifikasi")
    c = app.test_client()
    with app.app_context():
        user = db.session.get(Relawan, rel.id).user
        db.session.expunge(user)
    login(c, user)
    assert "Daftar program (semua sesi)" in c.get(f"/program/{pid}").get_data(as_text=True)
    resp = c.post(f"/program/{pid}/daftar", follow_redirects=True)
    assert "Anda terdaftar pada program ini (3 sesi)." in resp.get_data(as_text=True)
    assert "Kehadiran: 0" in c.get(f"/program/{pid}").get_data(as_text=True)
    with app.app_context():
        assert count(Registration) == 3
    calon_client = login_as("relawan")
    assert calon_client.post(f"/program/{pid}/daftar").status_code == 302  # no relawan profile
    staff = login_as("panitia")
    assert staff.get("/program").status_code == 200
    resp = staff.post("/kelola/program/baru", data={"title": "Program B", "completion_rule": "min_sessions",
                                                     "min_sessions": "", "status": "draft"})
    assert resp.status_code == 422 and "Isi jumlah sesi minimal" in resp.get_data(as_text=True)
    with app.app_context():
        assert count(TrainingProgram) == 1
    resp = staff.post("/kelola/program/baru", data={"title": "Program B", "completion_rule": "all_required",
                                                     "status": "draft"})
    assert resp.status_code == 302
    with app.app_context():
        assert count(TrainingProgram) == 2


def test_draft_program_hidden_from_public(client, app):
    with app.app_context():
        p = TrainingProgram(title="Rahasia", status="draft")
        db.session.add(p)
        db.session.commit()
        pid = p.id
    assert client.get(f"/program/{pid}").status_code == 404
    assert "Rahasia" not in client.get("/program").get_data(as_text=True)


def test_enrolment_skips_finished_sessions(app, ctx, make_event, make_relawan):
    pid = _program(app, make_event, n=2)
    past = db.session.scalars(select(Event).where(Event.program_id == pid).order_by(Event.id)).first()
    past.starts_at = utcnow() - timedelta(days=3)
    past.ends_at = past.starts_at + timedelta(hours=3)
    db.session.commit()
    _, regs = _enrol(pid, make_relawan(status="aktif").id)
    assert len(regs) == 1


def test_relawan_withdraws_from_program_and_future_session_seats_are_freed(app, make_event, make_relawan):
    from tests.conftest import login
    pid = _program(app, make_event, n=2)
    rel = make_relawan(status="terverifikasi")
    c = app.test_client()
    with app.app_context():
        user = db.session.get(Relawan, rel.id).user
        db.session.expunge(user)
    login(c, user)
    c.post(f"/program/{pid}/daftar")
    resp = c.post(f"/program/{pid}/batal", follow_redirects=True)
    assert "mengundurkan diri" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(ProgramEnrollment.status)).one() == "cancelled"
        assert set(db.session.scalars(select(Registration.status))) == {"cancelled"}
        assert all(e.seats_taken == 0 for e in db.session.scalars(select(Event)))
    assert c.post(f"/program/{pid}/batal").status_code == 302  # second time: message, no 500
