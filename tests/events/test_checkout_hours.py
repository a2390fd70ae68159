"""Check-out per event (issue 13.3): hours of service from the time actually present where
check-outs exist (progress, certificate, relawan history), the event form's switch and the
scanner page that shows the Masuk/Keluar switch only for such events."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from events.models import Event, ProgramEnrollment, Registration, TrainingProgram
from events.training import Certificate, hours_present, progress
from events.training.progress import time_present
from extensions import db
from tests.conftest import login
from tests.events.evhelpers import check_in
from tests.events.test_checkin_helpers import bearer, make_registration, make_token, scan
from tests.events.test_ev_manage import FORM
from timeutil import utcnow

NINE = datetime(2026, 11, 28, 2, 0)  # 09.00 WIB


def _h(hours: float) -> datetime:
    return NINE + timedelta(hours=hours)


def test_time_present_sums_in_out_intervals_clipped_to_the_session():
    start, end = NINE, _h(3)
    # in before the start (clipped), out 10.00, in 10.30, out 11.30: 1 + 1 hours
    assert time_present(start, end, [_h(-0.25), _h(1), _h(1.5), _h(2.5)]) == 2.0
    # in 09.30, out 10.00, in 11.00 and never out again: the open interval ends at 12.00
    assert time_present(start, end, [_h(0.5), _h(1), _h(2)]) == 1.5
    # out after the end counts up to the end; an interval running backwards counts zero
    assert time_present(start, end, [_h(2), _h(5)]) == 1.0
    assert time_present(start, end, [_h(1), _h(0.5), _h(2), _h(2.25)]) == 0.25


def _iso(at: datetime) -> str:
    return at.isoformat() + "Z"


def test_program_hours_certificate_and_history_use_the_time_present(app, make_user, make_event,
                                                                      make_relawan, login_as):
    """Session 1 (3 h, check-out on): in, out after 1 h, in again after 1.5 h, out after 2.5 h:
    2 h present. Session 2 (2 h, no check-out): a check-in counts the whole 2 h."""
    rel = make_relawan(status="dalam_pelatihan", full_name="Nur Aisyah")
    with app.app_context():
        program = TrainingProgram(title="Pelatihan Pendamping Korban", status="published",
                                  completion_rule="all_required")
        db.session.add(program)
        db.session.flush()
        program_id = program.id
        db.session.add(ProgramEnrollment(program_id=program_id, relawan_id=rel.id, status="active"))
        db.session.commit()
    day = utcnow().replace(microsecond=0, second=0) - timedelta(days=2)
    s1 = make_event(kind="pelatihan", program_id=program_id, program_order=1, starts_at=day,
                    ends_at=day + timedelta(hours=3), checkout_enabled=True)
    s2 = make_event(kind="pelatihan", program_id=program_id, program_order=2,
                    starts_at=day + timedelta(days=1), ends_at=day + timedelta(days=1, hours=2))
    _r1, t1 = make_registration(app, s1, relawan=rel)
    _r2, t2 = make_registration(app, s2, relawan=rel)
    client, headers = app.test_client(), bearer(make_token(app, make_user("panitia")))

    def post(event, token, minutes, direction="in"):
        body = scan(token, scanned_at=_iso(event.starts_at + timedelta(minutes=minutes)),
                    direction=direction)
        return client.post(f"/api/v1/events/{event.id}/checkins", json=body, headers=headers).json

    assert post(s1, t1, -10)["result"] == "checked_in"
    assert post(s1, t1, 60, "out")["result"] == "checked_out"
    assert post(s1, t1, 90)["result"] == "re_entered"
    assert post(s1, t1, 150, "out")["result"] == "checked_out"
    assert post(s2, t2, 30)["result"] == "checked_in"  # completes the program

    with app.app_context():
        sessions = db.session.scalars(select(Event).order_by(Event.id)).all()
        assert hours_present(rel.id, sessions) == {s1.id: 2.0, s2.id: 2.0}
        done = progress(db.session.get(TrainingProgram, program_id), rel.id)
        assert (done.met, done.hours) == (True, 4.0)
        cert = db.session.scalars(select(Certificate)).one()
        assert cert.hours == 4.0  # not 5: session 1 counts the 2 hours present

    page = login_as("admin").get(f"/laporan/relawan/{rel.id}").get_data(as_text=True)
    assert '<div class="stat">4,0</div>' in page
    assert "waktu hadir bila keluar-masuk dicatat" in page


def test_hours_without_check_outs_stay_the_session_length(app, make_event, make_relawan):
    rel = make_relawan(status="aktif")
    event = make_event(kind="sosialisasi", starts_at=NINE, ends_at=_h(2.5), checkout_enabled=True)
    with app.app_context():
        assert hours_present(rel.id, [db.session.get(Event, event.id)]) == {}  # not checked in
    reg_id, _token = make_registration(app, event, relawan=rel)
    with app.app_context():
        check_in(db.session.get(Registration, reg_id), minutes_after_start=45)
        assert hours_present(rel.id, [db.session.get(Event, event.id)]) == {event.id: 2.5}


def test_event_form_switches_check_out_on_and_off(app, login_as):
    c = login_as("panitia")
    page = c.get("/kelola/kegiatan/baru").get_data(as_text=True)
    assert "Catat keluar-masuk (check-out)" in page and 'name="checkout_enabled"' in page
    assert c.post("/kelola/kegiatan/baru", data={**FORM, "checkout_enabled": "y"}).status_code == 302
    with app.app_context():
        event = db.session.scalars(select(Event)).one()
        assert event.checkout_enabled is True
        event_id = event.id
    edit = c.get(f"/kelola/kegiatan/{event_id}/ubah").get_data(as_text=True)
    assert "checked" in re.search(r'<input[^>]*name="checkout_enabled"[^>]*>', edit).group(0)
    assert c.post(f"/kelola/kegiatan/{event_id}/ubah", data=FORM).status_code == 302  # unticked
    with app.app_context():
        assert db.session.get(Event, event_id).checkout_enabled is False


def test_scanner_page_shows_the_switch_only_for_check_out_events(app, make_user, make_event):
    panitia = make_user("panitia")
    client = login(app.test_client(), panitia)
    on = make_event(starts_at=utcnow() - timedelta(hours=1), checkout_enabled=True)
    off = make_event(starts_at=utcnow() - timedelta(hours=1))
    page = client.get(f"/pindai/{on.id}").get_data(as_text=True)
    assert 'data-checkout="1"' in page and 'id="scan-mode"' in page
    assert 'data-mode="out"' in page and "Mode KELUAR" in page
    page = client.get(f"/pindai/{off.id}").get_data(as_text=True)
    assert 'data-checkout=""' in page and 'id="scan-mode"' not in page
