"""Check-in API: every outcome and status code, asserting the response and the database."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from auth.models import AuditEntry
from events.checkin_models import CheckIn, ScanRecord
from events.models import Registration, RegistrationStatus
from extensions import db
from tests.events.test_checkin_helpers import (
    make_event,  # noqa: F401  (window open now)
    make_registration,
    scan,
)
from timeutil import to_wib, utcnow


def _count(model, **where):
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


def test_first_scan_checks_in_with_201(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()
    reg_id, token = make_registration(app, event, name="Siti Aminah", instansi="PKK Kasemen")
    resp = client.post(f"/api/v1/events/{event.id}/checkins",
                       json=scan(f"http://localhost/t/{token}", device="HP pintu 1"))
    assert resp.status_code == 201
    body = resp.json
    assert body["result"] == "checked_in"
    assert body["attendee"] == {"name": "Siti Aminah", "instansi": "PKK Kasemen", "registration_id": reg_id,
                                "group_size": 1, "lead_registration_id": None}
    assert body["first_check_in"] is None
    assert "Siti Aminah" in body["message"]
    with app.app_context():
        row = db.session.scalar(select(CheckIn))
        assert row.registration_id == reg_id and row.id == body["checkin_id"]
        assert row.device == "HP pintu 1" and row.method == "qr"
        assert row.by_user_id == client.user.id
        assert _count(ScanRecord) == 1


def test_second_scan_reports_first_check_in_time_and_who(app, login_as, make_event):
    client = login_as("panitia", name="Budi Panitia")
    event = make_event()
    _reg_id, token = make_registration(app, event)
    first = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(token, device="Pintu A"))
    again = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(token, device="Pintu B"))
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json["result"] == "already_checked_in"
    fc = again.json["first_check_in"]
    assert fc["by"] == "Budi Panitia (Pintu A)"
    assert fc["at"].endswith("+07:00")
    assert "sudah check-in" in again.json["message"]
    assert again.json["checkin_id"] == first.json["checkin_id"]
    with app.app_context():
        assert _count(CheckIn) == 1
        assert _count(ScanRecord) == 2


def test_replayed_scan_id_returns_the_first_answer(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()
    _reg_id, token = make_registration(app, event)
    body = scan(token)
    first = client.post(f"/api/v1/events/{event.id}/checkins", json=body)
    replay = client.post(f"/api/v1/events/{event.id}/checkins", json=body)
    assert first.status_code == replay.status_code == 201
    assert replay.json == first.json
    with app.app_context():
        assert _count(CheckIn) == 1 and _count(ScanRecord) == 1


def test_invalid_code_is_404(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()
    for code in ["https://contoh.id/t/tidakadatokenini123", "bukan kode!", "x" * 500]:
        resp = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(code))
        assert resp.status_code == 404, code
        assert resp.json["result"] == "invalid_code"
        assert resp.json["attendee"] is None and resp.json["first_check_in"] is None
    with app.app_context():
        assert _count(CheckIn) == 0 and _count(ScanRecord) == 3


def test_ticket_of_another_event_is_wrong_event_409(app, login_as, make_event):
    client = login_as("panitia")
    here = make_event(title="Sosialisasi PKPRI")
    other = make_event(title="Pelatihan Sesi 2")
    _reg, token = make_registration(app, other, name="Rina")
    resp = client.post(f"/api/v1/events/{here.id}/checkins", json=scan(f"/t/{token}?utm=x#y"))
    assert resp.status_code == 409
    assert resp.json["result"] == "wrong_event"
    assert "Pelatihan Sesi 2" in resp.json["message"]
    assert resp.json["ticket_event"]["id"] == other.id
    with app.app_context():
        assert _count(CheckIn) == 0


def test_cancelled_registration_is_409(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()
    _reg, token = make_registration(app, event, status=RegistrationStatus.CANCELLED)
    resp = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(token))
    assert resp.status_code == 409 and resp.json["result"] == "cancelled"
    with app.app_context():
        assert _count(CheckIn) == 0


def test_waitlisted_registration_is_not_registered_with_clear_message(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()
    _reg, token = make_registration(app, event, status=RegistrationStatus.WAITLISTED)
    resp = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(token))
    assert resp.status_code == 409 and resp.json["result"] == "not_registered"
    assert "daftar tunggu" in resp.json["message"]
    with app.app_context():
        assert _count(CheckIn) == 0


def test_personal_card_checks_in_the_relawan_registration(app, login_as, make_event, make_relawan):
    client = login_as("panitia")
    event = make_event()
    rel = make_relawan(status="aktif", full_name="Dewi Lestari")
    reg_id, _ = make_registration(app, event, relawan=rel)
    resp = client.post(f"/api/v1/events/{event.id}/checkins",
                       json=scan(f"http://localhost/t/{rel.card_token}"))
    assert resp.status_code == 201 and resp.json["attendee"]["name"] == "Dewi Lestari"
    with app.app_context():
        assert db.session.scalar(select(CheckIn.registration_id)) == reg_id


def test_card_without_registration_is_not_registered_without_walk_ins(app, login_as, make_event,
                                                                       make_relawan):
    client = login_as("panitia")
    event = make_event(allow_walk_ins=False)
    rel = make_relawan(status="aktif")
    resp = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(rel.card_token))
    assert resp.status_code == 409 and resp.json["result"] == "not_registered"
    with app.app_context():
        assert _count(Registration) == 0 and _count(CheckIn) == 0


def test_card_walk_in_registers_and_checks_in(app, login_as, make_event, make_relawan):
    client = login_as("panitia")
    event = make_event(allow_walk_ins=True, capacity=1, seats_taken=1,
                       starts_at=utcnow() - timedelta(hours=1))
    rel = make_relawan(status="aktif", full_name="Walk In")
    resp = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(rel.card_token))
    assert resp.status_code == 201, resp.json
    assert resp.json["walk_in"] is True and "walk-in" in resp.json["message"]
    again = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(rel.card_token))
    assert again.status_code == 200 and again.json["result"] == "already_checked_in"
    with app.app_context():
        reg = db.session.scalar(select(Registration))
        assert reg.is_walk_in and reg.relawan_id == rel.id and reg.status == "confirmed"
        assert _count(CheckIn) == 1 and _count(Registration) == 1


def test_offline_scanned_at_is_preserved(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()
    _reg, token = make_registration(app, event)
    offline_at = utcnow().replace(microsecond=0) - timedelta(minutes=40)  # window opened 1 h ago
    resp = client.post(f"/api/v1/events/{event.id}/checkins",
                       json=scan(token, scanned_at=to_wib(offline_at).isoformat(), method="qr"))
    assert resp.status_code == 201
    with app.app_context():
        row = db.session.scalar(select(CheckIn))
        assert row.scanned_at == offline_at
        assert row.recorded_at > row.scanned_at


def test_malformed_bodies_are_400_json(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()
    url = f"/api/v1/events/{event.id}/checkins"
    good = str(uuid.uuid4())
    bad_bodies = [
        {"scan_id": good}, {"code": "abcdefgh"}, {"code": "abcdefgh", "scan_id": "123"},
        {"code": 42, "scan_id": good}, {"code": "abcdefgh", "scan_id": good, "scanned_at": "kemarin"},
        {"code": "abcdefgh", "scan_id": good, "scanned_at": 12},
        {"code": "abcdefgh", "scan_id": good, "device": "x" * 81},
        {"code": "abcdefgh", "scan_id": good, "method": "nfc"},
        {"code": "a" * 501, "scan_id": good}, {"code": "   ", "scan_id": good},
        ["code"], "teks", None,
    ]
    for body in bad_bodies:
        resp = client.post(url, json=body)
        assert resp.status_code == 400, body
        assert resp.json["result"] == "bad_request" and resp.json["message"]
    resp = client.post(url, data="{bukan json", content_type="application/json")
    assert resp.status_code == 400 and resp.is_json
    resp = client.post(url, data="code=x", content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 400 and resp.is_json
    with app.app_context():
        assert _count(ScanRecord) == 0 and _count(CheckIn) == 0


def test_undo_deletes_check_in_and_writes_audit(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()
    reg_id, token = make_registration(app, event, name="Undo Saya")
    first = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(token))
    checkin_id = first.json["checkin_id"]
    resp = client.delete(f"/api/v1/checkins/{checkin_id}")
    assert resp.status_code == 200 and resp.json["result"] == "undone"
    assert "Undo Saya" in resp.json["message"]
    with app.app_context():
        assert _count(CheckIn) == 0
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "checkin_undo"))
        assert entry.user_id == client.user.id and entry.details["registration_id"] == reg_id
    assert client.delete(f"/api/v1/checkins/{checkin_id}").status_code == 404
    again = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(token))
    assert again.status_code == 201
    with app.app_context():
        assert _count(CheckIn) == 1


def test_stats_and_search(app, login_as, make_event, make_relawan):
    client = login_as("panitia")
    event = make_event()
    _r1, t1 = make_registration(app, event, name="Siti Aminah", phone="+6281234567890")
    make_registration(app, event, name="Budi Santoso")
    make_registration(app, event, name="Siti Batal", status=RegistrationStatus.CANCELLED)
    client.post(f"/api/v1/events/{event.id}/checkins", json=scan(t1))
    stats = client.get(f"/api/v1/events/{event.id}/stats").json
    assert stats["registered"] == 2 and stats["checked_in"] == 1
    assert sum(h["count"] for h in stats["by_hour"]) == 1
    assert stats["by_hour"][0]["hour"].endswith("+07:00")
    items = client.get(f"/api/v1/events/{event.id}/registrations?q=siti").json["items"]
    assert [i["name"] for i in items] == ["Siti Aminah"]
    assert items[0]["checked_in"] is True and items[0]["phone_masked"] == "0812-****-7890"
    assert "token" not in items[0]  # door staff never see tickets (issue 11.3)
    by_phone = client.get(f"/api/v1/events/{event.id}/registrations?q=0812-3456-7890").json["items"]
    assert [i["name"] for i in by_phone] == ["Siti Aminah"]
    assert client.get(f"/api/v1/events/{event.id}/registrations?q=" + "x" * 101).status_code == 400
    assert client.get(f"/api/v1/events/{event.id}/registrations?q=%25").json["items"] == []
