"""Scanner, door desk, door staff, ticket one-tap check-in and badge pages."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from auth.models import AuditEntry
from events.checkin_models import CheckIn, DoorStaffGrant
from extensions import db
from tests.events.test_checkin_helpers import (
    make_event,  # noqa: F401  (window open now)
    make_registration,
)
from timeutil import utcnow


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_scanner_page_has_the_js_contract(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event(title="Sosialisasi PKPRI")
    html = client.get(f"/pindai/{event.id}").get_data(as_text=True)
    for needle in ['id="scanner"', f'data-event-id="{event.id}"', 'data-api-base="/api/v1"',
                   'data-csrf=', 'id="camera"', 'id="start-camera"', 'id="result"',
                   'id="search-form"', 'id="search-q"', 'id="search-results"', 'id="undo-last"',
                   'id="queue-panel"', 'id="queue-list"', 'id="sync-results"', 'id="sync-list"',
                   'id="counter"', 'id="net-status"', 'js/scanner.js', 'css/scanner.css',
                   'zxing_reader.wasm', 'ponyfill.js']:
        assert needle in html, needle
    assert "<script>" not in html and 'style="' not in html
    home = client.get("/pindai").get_data(as_text=True)
    assert "Sosialisasi PKPRI" in home


def test_scanner_pages_are_refused_to_other_roles(app, login_as, make_event):
    event = make_event()
    assert login_as("koordinator").get(f"/pindai/{event.id}").status_code == 403
    relawan = login_as("relawan")
    assert relawan.get(f"/pindai/{event.id}").status_code == 403
    assert relawan.get(f"/pindai/{event.id}/meja").status_code == 403
    home = relawan.get("/pindai")
    assert home.status_code == 200 and "belum ditugaskan" in home.get_data(as_text=True)


def test_door_staff_grant_gives_scanner_for_one_event_only(app, login_as, make_user, make_event):
    panitia = login_as("panitia")
    helper = make_user("relawan", email="bantu@contoh.id", name="Rudi Relawan")
    event = make_event(title="Acara Saya", starts_at=utcnow() - timedelta(hours=1))
    other = make_event(title="Acara Lain")
    resp = panitia.post(f"/kelola/kegiatan/{event.id}/petugas-pintu", data={"identifier": "bantu@contoh.id"})
    assert resp.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(DoorStaffGrant))
        assert row.user_id == helper.id and row.revoked_at is None
        assert db.session.scalar(select(AuditEntry.action).where(
            AuditEntry.action == "door_staff_grant")) == "door_staff_grant"
    from tests.conftest import login
    door = login(app.test_client(), helper)
    home = door.get("/pindai").get_data(as_text=True)
    assert "Acara Saya" in home and "Acara Lain" not in home
    assert door.get(f"/pindai/{event.id}").status_code == 200
    assert door.get(f"/pindai/{event.id}/meja").status_code == 200
    assert door.get(f"/pindai/{other.id}").status_code == 403
    assert door.get(f"/kelola/kegiatan/{event.id}/petugas-pintu").status_code == 403
    assert door.get(f"/kelola/kegiatan/{event.id}/badge.pdf").status_code == 403
    # unknown user, duplicate
    resp = panitia.post(f"/kelola/kegiatan/{event.id}/petugas-pintu", data={"identifier": "x@y.id"})
    assert "tidak ditemukan" in resp.get_data(as_text=True)
    resp = panitia.post(f"/kelola/kegiatan/{event.id}/petugas-pintu", data={"identifier": "bantu@contoh.id"})
    assert "sudah menjadi petugas" in resp.get_data(as_text=True)
    # revoke
    with app.app_context():
        grant_id = db.session.scalar(select(DoorStaffGrant.id))
    assert panitia.post(f"/kelola/petugas-pintu/{grant_id}/cabut").status_code == 302
    assert door.get(f"/pindai/{event.id}").status_code == 403


def test_door_desk_checks_in_without_js_and_undo(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()
    reg_id, _token = make_registration(app, event, name="Tanpa QR")
    page = client.get(f"/pindai/{event.id}/meja?q=tanpa").get_data(as_text=True)
    assert "Tanpa QR" in page and f"/pindai/{event.id}/meja/{reg_id}" in page
    resp = client.post(f"/pindai/{event.id}/meja/{reg_id}", data={"q": "tanpa"}, follow_redirects=True)
    assert "Kehadiran tercatat" in resp.get_data(as_text=True)
    again = client.post(f"/pindai/{event.id}/meja/{reg_id}", follow_redirects=True)
    assert "sudah check-in" in again.get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(select(CheckIn))
        assert row.method == "search" and _count(CheckIn) == 1
        checkin_id = row.id
    resp = client.post(f"/pindai/check-in/{checkin_id}/batal", follow_redirects=True)
    assert "dibatalkan" in resp.get_data(as_text=True)
    with app.app_context():
        assert _count(CheckIn) == 0


def test_ticket_page_one_tap_check_in(app, login_as, make_event, client):
    panitia = login_as("panitia")
    event = make_event()
    _reg_id, token = make_registration(app, event, name="Kamera Biasa")
    page = panitia.get(f"/t/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Check-in sekarang" in html and f"/t/{token}/check-in" in html
    assert "Check-in sekarang" not in client.get(f"/t/{token}").get_data(as_text=True)
    resp = panitia.post(f"/t/{token}/check-in", data={"device": "HP\x00 pintu\x07 1"})
    assert resp.status_code == 200 and "Hadir tercatat" in resp.get_data(as_text=True)
    again = panitia.post(f"/t/{token}/check-in")
    assert again.status_code == 200 and "Sudah hadir" in again.get_data(as_text=True)
    assert "Sudah hadir" in panitia.get(f"/t/{token}").get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(select(CheckIn))
        assert row.method == "manual" and _count(CheckIn) == 1
        assert row.device == "HP pintu 1"  # control characters dropped (PostgreSQL refuses NUL)
    relawan = login_as("relawan")
    assert relawan.post(f"/t/{token}/check-in").status_code == 403


def test_badges_pdf_for_event_and_one_registration(app, login_as, make_event):
    client = login_as("panitia")
    event = make_event()
    reg_id, _token = make_registration(app, event, name="Badge Satu")
    make_registration(app, event, name="Badge Dua")
    resp = client.get(f"/kelola/kegiatan/{event.id}/badge.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    from io import BytesIO

    from pypdf import PdfReader
    text = PdfReader(BytesIO(resp.data)).pages[0].extract_text()
    assert "Badge Satu" in text and "Badge Dua" in text
    one = client.get(f"/kelola/pendaftaran/{reg_id}/badge.pdf")
    assert one.status_code == 200 and "Badge Satu" in PdfReader(BytesIO(one.data)).pages[0].extract_text()
    assert login_as("relawan").get(f"/kelola/pendaftaran/{reg_id}/badge.pdf").status_code == 403


def test_token_page_shows_token_once_and_revokes(app, login_as):
    client = login_as("panitia")
    resp = client.post("/akun/token", data={"name": "HP pintu 1"})
    html = resp.get_data(as_text=True)
    plain = re.search(r"(p2t_[A-Za-z0-9_-]{20,})", html).group(1)
    listing = client.get("/akun/token").get_data(as_text=True)
    assert plain not in listing and "HP pintu 1" in listing
    assert client.get("/api/v1/events", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    from auth.models import ApiToken
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    assert client.post(f"/akun/token/{token_id}/cabut").status_code == 302
    assert app.test_client().get("/api/v1/events", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    assert login_as("koordinator").get("/akun/token").status_code == 403
