"""Reaching registrants with their ticket (issue 12, items 5 and 6): "Tiket hilang?" sends the
ticket to the phone or email on file (same answer for strangers, limited per identifier), and
panitia send one ticket, all invitees' tickets, or open WhatsApp to the person's own number."""
from __future__ import annotations

from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from audit import AuditEntry
from events.models import Registration
from extensions import db, limiter
from messaging.models import Message
from messaging.worker import drain
from tests.events.test_checkin_helpers import make_registration

ANSWER = "Jika data Anda terdaftar pada kegiatan ini, tiket dikirim ke nomor WhatsApp atau email"


def _rows(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(select(Message.template, Message.channel, Message.recipient,
                                         Message.cause_id).order_by(Message.id)).all()


def _invitee(app, event, **kw) -> tuple[int, str]:
    """An imported invitee (source "import"), committed; returns (id, token)."""
    reg_id, token = make_registration(app, event, **kw)
    with app.app_context():
        db.session.get(Registration, reg_id).source = "import"
        db.session.commit()
    return reg_id, token


def _lost(client, event_id, identifier):
    return client.post(f"/kegiatan/{event_id}/tiket-hilang", data={"identifier": identifier},
                       follow_redirects=True)


def test_a_registered_guest_gets_the_ticket_at_the_number_on_file_never_on_screen(
        app, client, make_event, cloud_api):
    ev = make_event(allow_guests=True)
    reg_id, token = make_registration(app, ev, name="Ani", phone="+6281234567890")
    resp = _lost(client, ev.id, "0812-3456-7890")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and ANSWER in html and token not in html
    assert _rows(app) == [("ticket", "whatsapp", "+6281234567890", str(reg_id))]
    with app.app_context():
        drain()
    [req] = cloud_api.requests
    assert req["json"]["to"] == "6281234567890" and f"/t/{token}" in req["json"]["text"]["body"]


def test_an_email_identifier_sends_by_email_to_the_address_on_file(app, client, make_event, smtp_server):
    ev = make_event(allow_guests=True)
    reg_id, _ = make_registration(app, ev, name="Ani", phone="+6281234567890", guest_email="ani@contoh.id")
    assert ANSWER in _lost(client, ev.id, "ANI@contoh.id ").get_data(as_text=True)
    assert _rows(app) == [("ticket", "email", "ani@contoh.id", str(reg_id))]


def test_an_unknown_or_cancelled_identifier_gets_the_same_answer_and_nothing_is_queued(
        app, client, make_event):
    ev = make_event(allow_guests=True)
    make_registration(app, ev, name="Ani", phone="+6281234567890", status="cancelled")
    other = make_event(allow_guests=True)
    make_registration(app, other, name="Budi", phone="+6281234567891")  # another event's guest
    for identifier in ("081234567890", "081234567891", "orang@lain.id"):
        resp = _lost(client, ev.id, identifier)
        assert resp.status_code == 200 and ANSWER in resp.get_data(as_text=True)
    assert _rows(app) == []


def test_a_malformed_identifier_is_refused_with_a_message(app, client, make_event):
    ev = make_event(allow_guests=True)
    resp = client.post(f"/kegiatan/{ev.id}/tiket-hilang", data={"identifier": "12ab"})
    assert resp.status_code == 422 and "Nomor HP hanya boleh berisi angka" in resp.get_data(as_text=True)
    assert _rows(app) == []


@pytest.fixture
def limited(app):
    """A separate app instance with the limiter on (the shared test app runs without it)."""
    from app import create_app
    limited_app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
                              "RATELIMIT_STORAGE_URI": "memory://", "BASE_URL": "http://localhost",
                              "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    limiter.reset()
    try:
        yield limited_app
    finally:
        limiter.reset()
        limiter.enabled = False  # the Limiter is one shared object
        with limited_app.app_context():
            db.engine.dispose()


def test_requests_for_one_identifier_are_limited_however_it_is_typed(limited, app, make_event):
    ev = make_event(allow_guests=True)
    make_registration(app, ev, name="Ani", phone="+6281234567890")
    spellings = ["081234567890", "+62 812-3456-7890", "6281234567890"]
    codes = [limited.test_client().post(f"/kegiatan/{ev.id}/tiket-hilang", data={"identifier": s},
                                        environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code
             for i, s in enumerate(spellings)]
    assert codes == [302, 302, 302]
    blocked = limited.test_client().post(f"/kegiatan/{ev.id}/tiket-hilang",
                                         data={"identifier": "0812 3456 7890"},
                                         environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert blocked.status_code == 429
    assert "Terlalu banyak permintaan kirim ulang tiket" in blocked.get_data(as_text=True)
    other = limited.test_client().post(f"/kegiatan/{ev.id}/tiket-hilang", data={"identifier": "081234567891"},
                                       environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert other.status_code == 302  # another person is not held up
    assert len(_rows(app)) == 3


def test_panitia_send_one_registrant_their_ticket_audited(app, login_as, make_event, cloud_api):
    ev = make_event()
    reg_id, token = _invitee(app, ev, name="Pak Lurah", phone="+6281234567890")
    resp = login_as("panitia").post(f"/kelola/peserta/{reg_id}/kirim-tiket", data={},
                                    follow_redirects=True)
    assert "Tiket Pak Lurah masuk antrean pesan (WhatsApp)" in resp.get_data(as_text=True)
    [row] = _rows(app)
    assert row == ("ticket", "whatsapp", "+6281234567890", str(reg_id))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "ticket_send", AuditEntry.target_id == str(reg_id))) == 1
        drain()
    assert cloud_api.requests[0]["json"]["to"] == "6281234567890"


def test_a_cancelled_registration_gets_no_ticket(app, login_as, make_event):
    ev = make_event()
    reg_id, _ = make_registration(app, ev, name="Ani", phone="+6281234567890", status="cancelled")
    resp = login_as("panitia").post(f"/kelola/peserta/{reg_id}/kirim-tiket", data={},
                                    follow_redirects=True)
    assert "sudah dibatalkan" in resp.get_data(as_text=True) and _rows(app) == []


def test_registrant_list_links_whatsapp_to_the_persons_own_number_and_keeps_it_masked(
        app, login_as, make_event):
    ev = make_event()
    _invitee(app, ev, name="Pak Lurah", phone="+6281234567890")
    html = login_as("panitia").get(f"/kelola/kegiatan/{ev.id}/peserta").get_data(as_text=True)
    link = next(part for part in html.split('"') if part.startswith("https://wa.me/"))
    assert link.startswith("https://wa.me/6281234567890?text=")
    assert "http://localhost/t/" in unquote(link)
    assert "Kirim tiket" in html and "0812-3456-7890" not in html.replace(link, "")
    reader = login_as("koordinator").get(f"/kelola/kegiatan/{ev.id}/peserta").get_data(as_text=True)
    assert "wa.me/62" not in reader and "Kirim tiket" not in reader


def test_send_to_all_invitees_only_those_not_yet_sent_and_only_once(app, login_as, make_event, cloud_api):
    ev = make_event()
    sent_id, _ = _invitee(app, ev, name="A", phone="+6281234567890")
    waiting_id, _ = _invitee(app, ev, name="B", phone="+6281234567891")
    _invitee(app, ev, name="C", phone="+6281234567892", status="cancelled")
    make_registration(app, ev, name="D", phone="+6281234567893")  # a guest, not an invitee
    panitia = login_as("panitia")
    panitia.post(f"/kelola/peserta/{sent_id}/kirim-tiket", data={})
    page = panitia.get(f"/kelola/kegiatan/{ev.id}/peserta?sumber=import").get_data(as_text=True)
    assert "Kirim tiket ke semua undangan (1 belum dikirimi)" in page
    resp = panitia.post(f"/kelola/kegiatan/{ev.id}/undangan/kirim-tiket", data={}, follow_redirects=True)
    assert "1 tiket undangan masuk antrean pesan" in resp.get_data(as_text=True)
    assert [r[3] for r in _rows(app)] == [str(sent_id), str(waiting_id)]
    panitia.post(f"/kelola/kegiatan/{ev.id}/undangan/kirim-tiket", data={})
    assert len(_rows(app)) == 2
    page = panitia.get(f"/kelola/kegiatan/{ev.id}/peserta?sumber=import").get_data(as_text=True)
    assert "Kirim tiket ke semua undangan" not in page and page.count("tiket dikirim") == 2


def test_an_unsendable_ticket_does_not_count_as_received(app, login_as, make_event):
    ev = make_event()
    reg_id, _ = _invitee(app, ev, name="A", phone="+6281234567890")
    panitia = login_as("panitia")
    panitia.post(f"/kelola/peserta/{reg_id}/kirim-tiket", data={})  # no provider: unsendable
    with app.app_context():
        assert db.session.scalars(select(Message.status)).one() == "unsendable"
        assert db.session.get(Registration, reg_id).status == "confirmed"
    page = panitia.get(f"/kelola/kegiatan/{ev.id}/peserta").get_data(as_text=True)
    assert "Kirim tiket ke semua undangan (1 belum dikirimi)" in page
