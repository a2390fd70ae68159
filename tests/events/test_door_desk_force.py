"""The door desk's "Tetap catat kehadiran" step (issue 13.1 on the meja manual).

After an `outside_window` answer on the desk, panitia and admin get a confirm form with a
required reason (events/checkin/force.force_reason, the same rule as the scanner API's `reason`);
record_scan keeps it on the CheckIn and in the audit log (`checkin_forced`). Door staff (a
DoorStaffGrant) see the refusal only; inside the window the form is never offered.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from auth.models import AuditEntry
from events.checkin.force import BadForceReason, force_reason
from events.checkin_models import CheckIn, ScanRecord
from extensions import db
from tests.conftest import login
from tests.events.test_checkin_helpers import grant, make_event, make_registration  # noqa: F401
from timeutil import utcnow

HOUR = timedelta(hours=1)
REASON = "Datang sehari lebih awal untuk gladi resik"
BUTTON = "Tetap catat kehadiran"


def _tomorrow(make_event):
    """An event whose check-in window opens tomorrow (closed now)."""
    return make_event(starts_at=utcnow().replace(microsecond=0) + 24 * HOUR)


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _forced_audits(app) -> int:
    return _count(app, AuditEntry, AuditEntry.action == "checkin_forced")


def _desk(event, reg_id=None) -> str:
    return f"/pindai/{event.id}/meja" + (f"?paksa={reg_id}" if reg_id else "")


def _force_url(event, reg_id) -> str:
    return f"/pindai/{event.id}/meja/{reg_id}/paksa"


@pytest.mark.parametrize("role", ["panitia", "admin"])
def test_staff_force_a_desk_check_in_outside_the_window_with_a_reason(app, login_as, make_event, role):
    client = login_as(role)
    event = _tomorrow(make_event)
    reg_id, _token = make_registration(app, event, name="Nur Gladi")
    refused = client.post(f"/pindai/{event.id}/meja/{reg_id}", data={"q": "nur"})
    assert refused.status_code == 302 and f"paksa={reg_id}" in refused.location
    assert "q=nur" in refused.location
    page = client.get(refused.location).get_data(as_text=True)
    assert "Check-in belum dibuka. Check-in dibuka pukul" in page and "Nur Gladi" in page
    assert BUTTON in page and 'name="reason"' in page and 'maxlength="300"' in page
    assert f'action="{_force_url(event, reg_id)}"' in page and 'method="post"' in page
    assert 'name="csrf_token"' in page
    assert _count(app, CheckIn) == 0  # the refusal recorded no check-in

    done = client.post(_force_url(event, reg_id), data={"reason": f"  {REASON} ", "q": "nur"})
    assert done.status_code == 302 and "paksa" not in done.location
    html = client.get(done.location).get_data(as_text=True)
    assert re.search(r"flash-success[^>]*>Nur Gladi hadir, dicatat di luar jendela waktu: "
                     + REASON, html), html[:3000]
    assert BUTTON not in html and "Meja manual · di luar jendela waktu" in html  # in: no form
    with app.app_context():
        row = db.session.scalar(select(CheckIn))
        assert (row.registration_id, row.forced_reason, row.method) == (reg_id, REASON, "search")
        assert row.by_user_id == client.user.id
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "checkin_forced"))
        assert entry.user_id == client.user.id and entry.note == REASON
        assert entry.details["reason"] == REASON and entry.details["registration_id"] == reg_id
        assert entry.details["checkin_id"] == row.id
    assert _count(app, CheckIn) == 1 and _forced_audits(app) == 1
    again = client.post(_force_url(event, reg_id), data={"reason": REASON}, follow_redirects=True)
    assert "sudah check-in" in again.get_data(as_text=True)  # a double tap records nothing twice
    assert _count(app, CheckIn) == 1 and _forced_audits(app) == 1


def test_after_the_window_closed_the_form_says_so(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event(starts_at=utcnow().replace(microsecond=0) - 30 * HOUR)
    reg_id, _token = make_registration(app, event, name="Telat Sehari")
    page = client.post(f"/pindai/{event.id}/meja/{reg_id}", follow_redirects=True).get_data(as_text=True)
    assert "Check-in sudah ditutup pukul" in page and BUTTON in page
    client.post(_force_url(event, reg_id), data={"reason": "Susulan daftar hadir"})
    with app.app_context():
        assert db.session.scalar(select(CheckIn.forced_reason)) == "Susulan daftar hadir"


@pytest.mark.parametrize(("reason", "message"), [
    ("", "Check-in di luar jendela waktu wajib disertai alasan."),
    ("   ", "Check-in di luar jendela waktu wajib disertai alasan."),
    ("x" * 301, "Alasan terlalu panjang (maksimal 300 karakter)."),
    ("ada\x00nul", "Alasan mengandung karakter yang tidak valid."),
])
def test_bad_reason_gets_a_message_and_writes_nothing(app, login_as, make_event, reason, message):
    client = login_as("panitia")
    event = _tomorrow(make_event)
    reg_id, _token = make_registration(app, event, name="Alasan Salah")
    resp = client.post(_force_url(event, reg_id), data={"reason": reason})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert f'<p class="error" id="force-reason-error">{message}</p>' in html
    assert BUTTON in html and 'aria-invalid="true"' in html  # the form again, with its message
    assert "\x00" not in html
    assert _count(app, CheckIn) == 0 and _forced_audits(app) == 0
    assert _count(app, ScanRecord) == 0  # not even a refusal: nothing was scanned


def test_bad_reason_after_the_window_opened_is_flashed_and_writes_nothing(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()  # window open now: no form to show the message on
    reg_id, _token = make_registration(app, event)
    resp = client.post(_force_url(event, reg_id), data={"reason": ""}, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "wajib disertai alasan" in html and BUTTON not in html
    assert _count(app, CheckIn) == 0 and _count(app, ScanRecord) == 0


def test_door_staff_see_the_refusal_only_and_cannot_force(app, login_as, make_user, make_event):
    panitia = login_as("panitia")
    event = _tomorrow(make_event)
    reg_id, _token = make_registration(app, event, name="Bukan Urusan Petugas")
    helper = make_user("relawan", name="Rudi Pintu")
    grant(app, event, helper)
    door = login(app.test_client(), helper)
    refused = door.post(f"/pindai/{event.id}/meja/{reg_id}")
    assert refused.status_code == 302 and "paksa" not in refused.location
    page = door.get(refused.location).get_data(as_text=True)
    assert "flash-danger" in page and "Check-in belum dibuka" in page and BUTTON not in page
    assert BUTTON not in door.get(_desk(event, reg_id)).get_data(as_text=True)
    assert door.post(_force_url(event, reg_id), data={"reason": REASON}).status_code == 403
    assert _count(app, CheckIn) == 0 and _forced_audits(app) == 0
    # the same registrant, panitia: the form is there (the door staff's refusal changed nothing)
    assert BUTTON in panitia.get(_desk(event, reg_id)).get_data(as_text=True)


def test_inside_the_window_the_form_is_not_offered(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()  # starts within the hour: the window is open
    reg_id, _token = make_registration(app, event, name="Tepat Waktu")
    assert BUTTON not in client.get(_desk(event, reg_id)).get_data(as_text=True)
    resp = client.post(f"/pindai/{event.id}/meja/{reg_id}")
    assert resp.status_code == 302 and "paksa" not in resp.location
    assert "Kehadiran tercatat" in client.get(resp.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(CheckIn.forced_reason)) is None
    assert _forced_audits(app) == 0


def test_form_is_not_offered_for_someone_in_cancelled_or_of_another_event(app, login_as, make_event):
    client = login_as("panitia")
    event, other = _tomorrow(make_event), _tomorrow(make_event)
    cancelled_id, _t = make_registration(app, event, status="cancelled")
    other_id, _t = make_registration(app, other)
    for reg_id in (cancelled_id, other_id, 2**31, "abc"):
        resp = client.get(_desk(event, reg_id))
        assert resp.status_code == 200 and BUTTON not in resp.get_data(as_text=True)
    assert client.post(_force_url(event, other_id), data={"reason": REASON}).status_code == 404
    refused = client.post(_force_url(event, cancelled_id), data={"reason": REASON}, follow_redirects=True)
    assert "dibatalkan" in refused.get_data(as_text=True).lower()
    assert _count(app, CheckIn) == 0 and _forced_audits(app) == 0


def test_ticket_page_confirm_step_uses_the_same_reason_rule(app, login_as, make_event):
    client = login_as("panitia")
    event = _tomorrow(make_event)
    reg_id, token = make_registration(app, event, name="Dewi Tiket")
    too_long = client.post(f"/t/{token}/check-in", data={"force": "1", "reason": "x" * 301})
    assert "Alasan terlalu panjang (maksimal 300 karakter)." in too_long.get_data(as_text=True)
    nul = client.post(f"/t/{token}/check-in", data={"force": "1", "reason": "a\x00b"})
    assert "Alasan mengandung karakter yang tidak valid." in nul.get_data(as_text=True)
    assert _count(app, CheckIn) == 0 and _forced_audits(app) == 0  # not cut to 300, not cleaned
    client.post(f"/t/{token}/check-in", data={"force": "1", "reason": REASON})
    with app.app_context():
        assert db.session.scalar(select(CheckIn.forced_reason)
                                 .where(CheckIn.registration_id == reg_id)) == REASON
    assert _forced_audits(app) == 1


def test_the_api_keeps_its_field_named_messages():
    assert force_reason(" ok ") == "ok"
    assert force_reason("", field="reason", required=False) is None
    with pytest.raises(BadForceReason, match=r"^Check-in di luar jendela waktu wajib disertai "
                                             r"alasan \(kolom 'reason'\)\.$"):
        force_reason(None, field="reason")
    with pytest.raises(BadForceReason, match=r"^Kolom 'reason' terlalu panjang \(maksimal 300"):
        force_reason("x" * 301, field="reason", required=False)
    with pytest.raises(BadForceReason, match=r"^Kolom 'reason' harus berupa teks\.$"):
        force_reason(12, field="reason")
