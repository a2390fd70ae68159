"""Refresher training: validity, the 60-day list, the reminder once, one-action enrollment and the
"perlu penyegaran" mark until the refresher is completed (events/training/refresher.py)."""
from __future__ import annotations

import secrets
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from events.checkin_models import CheckIn
from events.models import Event, ProgramEnrollment, Registration, TrainingProgram
from events.training import Certificate, recompute_for_relawan, refresher
from extensions import db
from messaging.models import Message
from relawan.models import Relawan
from timeutil import utcnow


@pytest.fixture
def trained(app, make_relawan):
    """An aktif relawan who completed a 12-month program; their certificate ends in `days`."""
    def build(days: int, *, next_run: bool = True) -> dict:
        rel = make_relawan(status="aktif", full_name="Ani Penyegaran")
        now = utcnow().replace(microsecond=0)
        with app.app_context():
            program = TrainingProgram(title="Pelatihan Relawan PPA", status="published",
                                      valid_months=12)
            db.session.add(program)
            db.session.flush()
            old = Event(kind="pelatihan", title="Sesi lama", venue_name="Aula", program_id=program.id,
                        starts_at=now - timedelta(days=400), ends_at=now - timedelta(days=400, hours=-3),
                        status="finished")
            db.session.add(old)
            if next_run:
                db.session.add(Event(kind="pelatihan", title="Sesi penyegaran", venue_name="Aula",
                                     program_id=program.id, starts_at=now + timedelta(days=7),
                                     ends_at=now + timedelta(days=7, hours=3), status="published",
                                     capacity=30))
            db.session.flush()
            reg = Registration(event_id=old.id, relawan_id=rel.id, token=secrets.token_urlsafe(16))
            db.session.add(reg)
            db.session.flush()
            db.session.add(CheckIn(registration_id=reg.id, event_id=old.id, scan_id=secrets.token_hex(8),
                                   scanned_at=old.starts_at))
            db.session.add(ProgramEnrollment(program_id=program.id, relawan_id=rel.id, status="completed",
                                             completed_at=now - timedelta(days=399)))
            cert = Certificate(code=secrets.token_urlsafe(12), number=f"001/SERT-P2TP2A/I/{secrets.token_hex(2)}",
                               name=rel.full_name, program_id=program.id, relawan_id=rel.id,
                               user_id=rel.user_id, title=program.title, date_text="-",
                               issued_at=now - timedelta(days=399),
                               valid_until=refresher.today() + timedelta(days=days))
            db.session.add(cert)
            db.session.commit()
            return {"relawan": rel.id, "program": program.id, "cert": cert.id, "code": cert.code,
                    "user": rel.user_id}
    return build


def test_valid_until_adds_the_programs_months_and_none_means_no_expiry():
    program = TrainingProgram(title="P", valid_months=12)
    assert refresher.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    from datetime import datetime
    assert refresher.valid_until(program, datetime(2026, 3, 10, 3, 0)) == date(2027, 3, 9)
    assert refresher.valid_until(TrainingProgram(title="P"), datetime(2026, 3, 10)) is None


def test_expired_certificate_shows_as_expired_on_the_public_page(client, trained, app):
    t = trained(-1)
    html = client.get(f"/sertifikat/{t['code']}").get_data(as_text=True)
    assert "KEDALUWARSA" in html and "Berlaku s.d." in html and "SAH / BERLAKU" not in html
    with app.app_context():
        assert db.session.get(Certificate, t["cert"]).expired


def test_valid_certificate_shows_its_end_date(client, trained):
    t = trained(200)
    html = client.get(f"/sertifikat/{t['code']}").get_data(as_text=True)
    assert "SAH / BERLAKU" in html and "Berlaku s.d." in html and "KEDALUWARSA" not in html


def test_list_holds_those_ending_within_60_days_not_later(login_as, trained, app):
    soon, later = trained(59), trained(61)
    panitia = login_as("panitia")
    resp = panitia.get("/kelola/penyegaran")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and html.count("Ani Penyegaran") == 1
    with app.app_context():
        due = refresher.refresher_due()
        assert [d.certificate.id for d in due] == [soon["cert"]]
        assert later["cert"] not in {d.certificate.id for d in due}


def test_reminder_is_queued_once_per_certificate(runner, trained, app):
    t = trained(30)
    first = runner.invoke(args=["training", "remind-refresher"])
    second = runner.invoke(args=["training", "remind-refresher"])
    assert "1 pengingat" in first.output and "0 pengingat" in second.output
    with app.app_context():
        msgs = db.session.scalars(select(Message).where(Message.template == "refresher_due")).all()
        assert len(msgs) == 1 and "Pelatihan Relawan PPA" in msgs[0].body
        assert db.session.get(Certificate, t["cert"]).refresher_reminded_at is not None


def test_relawan_home_list_and_detail_show_perlu_penyegaran(login_as, trained, app, client):
    t = trained(10)
    from auth.models import User
    from tests.conftest import login
    with app.app_context():
        user = db.session.get(User, t["user"])
        db.session.expunge(user)
    own = login(app.test_client(), user)
    home = own.get("/saya").get_data(as_text=True)
    assert "perlu penyegaran" in home and "Perlu penyegaran: Pelatihan Relawan PPA" in home
    admin = login_as("admin")
    assert "perlu penyegaran" in admin.get("/relawan").get_data(as_text=True)
    assert "perlu penyegaran" in admin.get(f"/relawan/{t['relawan']}").get_data(as_text=True)


def test_one_action_enrolls_all_listed_into_the_next_run(login_as, trained, app):
    a, b = trained(5), trained(-3)
    panitia = login_as("panitia")
    resp = panitia.post("/kelola/penyegaran/daftarkan", data={})
    assert resp.status_code == 302
    with app.app_context():
        for t in (a, b):
            enr = db.session.scalar(select(ProgramEnrollment).where(
                ProgramEnrollment.relawan_id == t["relawan"]))
            assert enr.status == "active" and enr.cycle == 2
            regs = db.session.scalars(select(Registration).join(Event).where(
                Registration.relawan_id == t["relawan"], Event.title == "Sesi penyegaran")).all()
            assert len(regs) == 1
            assert db.session.get(Relawan, t["relawan"]).status == "aktif"
    assert "Sudah didaftarkan" in panitia.get("/kelola/penyegaran").get_data(as_text=True)


def test_enrolling_one_without_a_next_run_is_refused_in_indonesian(login_as, trained, app):
    t = trained(5, next_run=False)
    resp = login_as("panitia").post("/kelola/penyegaran/daftarkan", data={"cert_id": t["cert"]},
                                    follow_redirects=True)
    assert "Tidak ada sesi program yang masih dapat didaftarkan." in resp.get_data(as_text=True)
    with app.app_context():
        enr = db.session.scalar(select(ProgramEnrollment).where(ProgramEnrollment.relawan_id == t["relawan"]))
        assert enr.status == "completed" and enr.cycle == 1


def test_mark_stays_until_the_refresher_is_completed_with_a_new_certificate(trained, app):
    t = trained(20)
    with app.app_context():
        refresher.enroll(db.session.get(Certificate, t["cert"]))
        db.session.commit()
        # the old run's attendance does not complete the refresher
        assert recompute_for_relawan(t["relawan"]) == []
        assert refresher.due_relawan_ids([t["relawan"]]) == {t["relawan"]}
        reg = db.session.scalar(select(Registration).join(Event).where(
            Registration.relawan_id == t["relawan"], Event.title == "Sesi penyegaran"))
        db.session.add(CheckIn(registration_id=reg.id, event_id=reg.event_id,
                               scan_id=secrets.token_hex(8), scanned_at=reg.event.starts_at))
        db.session.flush()
        assert recompute_for_relawan(t["relawan"]) == [t["program"]]
        db.session.commit()
        certs = db.session.scalars(select(Certificate).where(Certificate.relawan_id == t["relawan"])
                                   .order_by(Certificate.cycle)).all()
        assert [c.cycle for c in certs] == [1, 2]
        assert certs[1].valid_until > refresher.today() + timedelta(days=300)
        assert refresher.due_relawan_ids([t["relawan"]]) == set()
        assert db.session.get(Relawan, t["relawan"]).status == "aktif"
        assert db.session.scalar(select(func.count(Certificate.id))) == 2
