"""The check-in window (issue 13.1) and the range of a scan's time (issue 11.4).

The window opens CHECKIN_OPENS_MINUTES (120) before the start and closes CHECKIN_CLOSES_MINUTES
(120) after the end unless the event sets its own minutes; a scan outside it is `outside_window`
(409, nothing recorded) unless panitia force it with a reason; completion counts only check-ins
inside it (or forced ones)."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from auth.models import AuditEntry
from events.checkin.window import checkin_window, in_window
from events.checkin_models import CheckIn
from events.models import Event, ProgramEnrollment, TrainingProgram
from events.training import Certificate, progress, recompute_for_relawan
from extensions import db
from tests.events.test_checkin_helpers import (
    bearer,
    grant,
    make_event,  # noqa: F401  (window open now)
    make_registration,
    make_token,
    scan,
)
from tests.events.test_ev_manage import FORM
from timeutil import to_wib, utcnow

HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def _now():
    return utcnow().replace(microsecond=0)


def _count_checkins(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CheckIn))


def _post(client, event, body, **kw):
    return client.post(f"/api/v1/events/{event.id}/checkins", json=body, **kw)


# ----------------------------------------------------------------------------- the window
def test_scan_one_minute_before_the_window_opens_is_refused_with_the_opening_time(
        app, login_as, make_event):
    client = login_as("panitia")
    event = make_event(starts_at=_now() + 2 * HOUR + MINUTE)  # opens in one minute
    _reg, token = make_registration(app, event, name="Siti Awal")
    resp = _post(client, event, scan(token))
    assert resp.status_code == 409 and resp.json["result"] == "outside_window"
    with app.app_context():
        opens = checkin_window(db.session.get(Event, event.id))[0]
    wib = to_wib(opens)
    assert f"Check-in dibuka pukul {wib:%H.%M} WIB, {wib.day} " in resp.json["message"]
    assert resp.json["message"].startswith("Siti Awal")
    assert resp.json["window"]["opens"] == wib.isoformat(timespec="seconds")
    assert _count_checkins(app) == 0


def test_scan_one_minute_after_the_window_closes_is_refused_as_closed(app, login_as, make_event):
    client = login_as("panitia")
    start = _now() - 5 * HOUR - MINUTE
    event = make_event(starts_at=start, ends_at=start + 3 * HOUR)  # closed one minute ago
    _reg, token = make_registration(app, event)
    resp = _post(client, event, scan(token))
    assert resp.status_code == 409 and resp.json["result"] == "outside_window"
    assert "Check-in sudah ditutup pukul" in resp.json["message"]
    assert _count_checkins(app) == 0


def test_scans_just_inside_both_ends_of_the_window_are_accepted(app, login_as, make_event):
    client = login_as("panitia")
    opened = make_event(starts_at=_now() + 2 * HOUR - MINUTE)  # opened one minute ago
    start = _now() - 5 * HOUR + MINUTE
    closing = make_event(starts_at=start, ends_at=start + 3 * HOUR)  # closes in one minute
    for event in (opened, closing):
        _reg, token = make_registration(app, event)
        resp = _post(client, event, scan(token))
        assert resp.status_code == 201 and resp.json["result"] == "checked_in", resp.json
        assert resp.json["forced"] is False
    assert _count_checkins(app) == 2


def test_an_event_sets_its_own_window_minutes(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event(starts_at=_now() + HOUR, checkin_opens_minutes=30)
    _reg, token = make_registration(app, event)
    assert _post(client, event, scan(token)).json["result"] == "outside_window"
    with app.app_context():
        stored = db.session.get(Event, event.id)
        assert in_window(stored, stored.starts_at - 30 * MINUTE)
        assert not in_window(stored, stored.starts_at - 31 * MINUTE)
        assert in_window(stored, stored.ends_at + 120 * MINUTE)  # the default closing
    assert _count_checkins(app) == 0


def test_offline_scan_made_inside_the_window_is_accepted_after_it_closed(app, login_as, make_event):
    client = login_as("panitia")
    start = _now() - 3 * 24 * HOUR
    event = make_event(starts_at=start, ends_at=start + 3 * HOUR)
    _reg, token = make_registration(app, event)
    at = to_wib(start + 10 * MINUTE).isoformat()
    resp = _post(client, event, scan(token, scanned_at=at))
    assert resp.status_code == 201
    with app.app_context():
        assert db.session.scalar(select(CheckIn.scanned_at)) == start + 10 * MINUTE


def test_event_form_saves_the_window_minutes(app, login_as):
    client = login_as("panitia")
    resp = client.post("/kelola/kegiatan/baru", data={**FORM, "checkin_opens_minutes": "45",
                                                     "checkin_closes_minutes": "0"})
    assert resp.status_code == 302
    bad = client.post("/kelola/kegiatan/baru", data={**FORM, "checkin_opens_minutes": "-5"})
    assert bad.status_code == 422 and "Antara 0 dan 10.080 menit" in bad.get_data(as_text=True)
    with app.app_context():
        events = list(db.session.scalars(select(Event)))
        assert [(e.checkin_opens_minutes, e.checkin_closes_minutes) for e in events] == [(45, 0)]


# ----------------------------------------------------------------------------- forcing
def test_panitia_force_a_check_in_outside_the_window_with_a_reason_in_the_audit_log(
        app, login_as, make_event):
    client = login_as("panitia")
    event = make_event(starts_at=_now() + 24 * HOUR)
    reg_id, token = make_registration(app, event, name="Rina Relawan")
    body = {**scan(token), "force": True, "reason": "Datang sehari lebih awal untuk gladi"}
    resp = _post(client, event, body)
    assert resp.status_code == 201 and resp.json["result"] == "checked_in"
    assert resp.json["forced"] is True and "di luar jendela" in resp.json["message"]
    with app.app_context():
        row = db.session.scalar(select(CheckIn))
        assert (row.registration_id, row.forced_reason) == (reg_id, "Datang sehari lebih awal untuk gladi")
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "checkin_forced"))
        assert entry.user_id == client.user.id
        assert entry.details["reason"] == "Datang sehari lebih awal untuk gladi"
        assert entry.details["checkin_id"] == row.id


def test_force_needs_a_reason_and_is_not_for_door_staff(app, client, login_as, make_user, make_event):
    panitia = login_as("panitia")
    event = make_event(starts_at=_now() + 24 * HOUR)
    _reg, token = make_registration(app, event)
    no_reason = _post(panitia, event, {**scan(token), "force": True})
    assert no_reason.status_code == 400 and "alasan" in no_reason.json["message"]
    staff = make_user("relawan")
    grant(app, event, staff)
    door = _post(client, event, {**scan(token), "force": True, "reason": "kenal orangnya"},
                 headers=bearer(make_token(app, staff)))
    assert door.status_code == 403 and door.json["result"] == "forbidden"
    plain = _post(client, event, scan(token), headers=bearer(make_token(app, staff, "HP 2")))
    assert plain.status_code == 409 and plain.json["result"] == "outside_window"
    assert _count_checkins(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "checkin_forced")) == 0


def test_one_tap_ticket_page_offers_a_confirm_step_outside_the_window(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event(starts_at=_now() + 24 * HOUR)
    reg_id, token = make_registration(app, event, name="Dewi Tiket")
    refused = client.post(f"/t/{token}/check-in")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "Di luar waktu check-in" in html
    assert 'name="force" value="1"' in html and 'name="reason"' in html
    empty = client.post(f"/t/{token}/check-in", data={"force": "1", "reason": "  "})
    assert empty.status_code == 409 and "wajib disertai alasan." in empty.get_data(as_text=True)
    assert _count_checkins(app) == 0
    done = client.post(f"/t/{token}/check-in", data={"force": "1", "reason": "Panitia inti"})
    assert done.status_code == 200 and "Hadir tercatat" in done.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(CheckIn.forced_reason)
                                 .where(CheckIn.registration_id == reg_id)) == "Panitia inti"


# ----------------------------------------------------------------------------- the scan time
def test_scan_from_year_9999_is_refused_and_poisons_nothing(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()
    _r1, token = make_registration(app, event, name="Siti Aminah")
    _r2, other = make_registration(app, event, name="Budi Santoso")
    resp = _post(client, event, scan(token, scanned_at="9999-12-31T23:59:59"))
    assert resp.status_code == 400 and resp.json["result"] == "bad_request"
    assert "lebih dari 5 menit setelah waktu server" in resp.json["fields"]["scanned_at"]
    assert _count_checkins(app) == 0
    assert _post(client, event, scan(token)).status_code == 201
    assert _post(client, event, scan(token)).json["result"] == "already_checked_in"
    assert _post(client, event, scan(other)).status_code == 201
    pdf = client.get(f"/laporan/kegiatan/{event.id}/daftar-hadir.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_scan_times_far_ahead_or_long_ago_are_400_and_a_little_drift_is_fine(
        app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()
    _reg, token = make_registration(app, event)
    for when in (_now() + 6 * MINUTE, _now() - 31 * 24 * HOUR):
        resp = _post(client, event, scan(token, scanned_at=to_wib(when).isoformat()))
        assert resp.status_code == 400 and "scanned_at" in resp.json["fields"], when
    assert re.search(r"30 hari", resp.json["message"])
    assert _count_checkins(app) == 0
    resp = _post(client, event, scan(token, scanned_at=to_wib(_now() + 4 * MINUTE).isoformat()))
    assert resp.status_code == 201


# ----------------------------------------------------------------------------- completion
def _program_with_session(app, make_event, make_relawan, **session):
    rel = make_relawan(status="dalam_pelatihan")
    with app.app_context():
        program = TrainingProgram(title="Pelatihan Konselor", completion_rule="all_required",
                                  status="published")
        db.session.add(program)
        db.session.flush()
        db.session.add(ProgramEnrollment(program_id=program.id, relawan_id=rel.id, status="active"))
        db.session.commit()
        program_id = program.id
    event = make_event(kind="pelatihan", program_id=program_id, program_order=1, required=True,
                       **session)
    reg_id, _token = make_registration(app, event, relawan=rel)
    return rel, program_id, event, reg_id


def _insert_check_in(app, event, reg_id, scanned_at, forced_reason=None):
    with app.app_context():
        db.session.add(CheckIn(registration_id=reg_id, event_id=event.id, scanned_at=scanned_at,
                               recorded_at=scanned_at, method="manual", forced_reason=forced_reason))
        db.session.commit()


def _completed(app, rel, program_id) -> tuple[bool, int]:
    with app.app_context():
        recompute_for_relawan(rel.id)
        db.session.commit()
        met = progress(db.session.get(TrainingProgram, program_id), rel.id).met
        certs = db.session.scalar(select(func.count()).select_from(Certificate)
                                  .where(Certificate.relawan_id == rel.id))
        return met, certs


def test_a_check_in_made_days_after_the_session_completes_nothing(app, make_event, make_relawan):
    start = _now() - 7 * 24 * HOUR
    rel, program_id, event, reg_id = _program_with_session(
        app, make_event, make_relawan, starts_at=start, ends_at=start + 3 * HOUR)
    _insert_check_in(app, event, reg_id, start + 6 * 24 * HOUR)  # 6 days after the session
    assert _completed(app, rel, program_id) == (False, 0)
    with app.app_context():
        assert db.session.scalar(select(ProgramEnrollment.status)) == "active"


def test_a_check_in_ten_days_early_does_not_count_but_one_inside_the_window_does(
        app, make_event, make_relawan):
    start = _now() - 2 * HOUR
    rel, program_id, event, reg_id = _program_with_session(app, make_event, make_relawan,
                                                           starts_at=start)
    _insert_check_in(app, event, reg_id, start - 10 * 24 * HOUR)
    assert _completed(app, rel, program_id) == (False, 0)
    with app.app_context():
        db.session.execute(CheckIn.__table__.update().values(scanned_at=start + 5 * MINUTE))
        db.session.commit()
    assert _completed(app, rel, program_id) == (True, 1)


def test_a_forced_check_in_outside_the_window_counts_for_completion(app, make_event, make_relawan):
    start = _now() - 7 * 24 * HOUR
    rel, program_id, event, reg_id = _program_with_session(
        app, make_event, make_relawan, starts_at=start, ends_at=start + 3 * HOUR)
    _insert_check_in(app, event, reg_id, start + 2 * 24 * HOUR, forced_reason="Sertifikat susulan")
    assert _completed(app, rel, program_id) == (True, 1)
