"""Email: off without SMTP (nothing fails), tickets and cancellations sent when configured."""
import io
import smtplib

import zxingcpp
from PIL import Image
from sqlalchemy import select

from events.models import Registration
from extensions import db
from tests.events.conftest import FakeSMTP


def test_without_smtp_registration_works_and_nothing_is_sent(client, app, make_event, monkeypatch):
    FakeSMTP.sent = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    ev = make_event(allow_guests=True)
    resp = client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={
        "name": "Ani", "phone": "081234567890", "email": "ani@contoh.id"})
    assert resp.status_code == 302 and FakeSMTP.sent == []


def _text(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def test_guest_with_email_gets_ticket_link_and_qr_attachment(client, app, make_event, smtp):
    ev = make_event(allow_guests=True)
    client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "Ani", "phone": "081234567890",
                                                       "email": "Ani@Contoh.id"})
    with app.app_context():
        token = db.session.scalars(select(Registration.token)).one()
    assert len(smtp) == 1 and smtp[0]["To"] == "ani@contoh.id"
    assert f"http://localhost/t/{token}" in _text(smtp[0])
    assert "tiket-qr.png" in _text(smtp[0])
    [attachment] = list(smtp[0].iter_attachments())
    assert attachment.get_filename() == "tiket-qr.png"
    assert attachment.get_content_type() == "image/png"
    image = Image.open(io.BytesIO(attachment.get_content()))
    assert [d.text for d in zxingcpp.read_barcodes(image)] == [f"http://localhost/t/{token}"]


def test_waitlisted_guest_gets_link_without_qr(client, app, make_event, smtp):
    ev = make_event(allow_guests=True, capacity=1, seats_taken=1)
    client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "Budi", "phone": "081234567891",
                                                       "email": "budi@contoh.id"})
    with app.app_context():
        reg = db.session.scalars(select(Registration)).one()
        assert reg.status == "waitlisted"
    assert len(smtp) == 1 and "daftar tunggu" in _text(smtp[0])
    assert list(smtp[0].iter_attachments()) == []


def test_cancelling_event_emails_registrants(login_as, client, app, make_event, smtp):
    ev = make_event(allow_guests=True)
    client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "Ani", "phone": "081234567890",
                                                       "email": "ani@contoh.id"})
    smtp.clear()
    resp = login_as("panitia").post(f"/kelola/kegiatan/{ev.id}/batalkan", data={"reason": "Banjir."},
                                    follow_redirects=True)
    assert "1 email terkirim" in resp.get_data(as_text=True)
    assert smtp[0]["Subject"].startswith("Dibatalkan:") and "Banjir." in _text(smtp[0])


def test_smtp_failure_never_breaks_registration(client, app, make_event, monkeypatch):
    def boom(*a, **k):
        raise OSError("connection refused")
    monkeypatch.setattr(smtplib, "SMTP", boom)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.contoh.id")
    ev = make_event(allow_guests=True)
    resp = client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "Ani", "phone": "081234567890",
                                                              "email": "ani@contoh.id"})
    assert resp.status_code == 302
