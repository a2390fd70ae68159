"""Tickets, promotions and cancellations go through the outbox (issue 12, item 3): the request
writes a message row in the transaction of its change and sends nothing; the worker delivers it to
the fake SMTP server or the fake WhatsApp Cloud API."""
import io

import zxingcpp
from PIL import Image
from sqlalchemy import select

from events.models import Registration
from extensions import db
from messaging.models import Message
from messaging.worker import drain


def _messages(app) -> list[Message]:
    with app.app_context():
        rows = db.session.scalars(select(Message).order_by(Message.id)).all()
        db.session.expunge_all()
        return rows


def _drain(app):
    with app.app_context():
        return drain()


def _text(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def _guest(client, event_id, **data):
    return client.post(f"/kegiatan/{event_id}/daftar-tamu",
                       data={"name": "Ani", "phone": "081234567890", **data})


def test_without_a_provider_registration_works_and_the_ticket_waits_as_unsendable(client, app, make_event):
    ev = make_event(allow_guests=True)
    resp = _guest(client, ev.id, email="ani@contoh.id")
    assert resp.status_code == 302
    [msg] = _messages(app)
    assert (msg.template, msg.status, msg.channel) == ("ticket", "unsendable", "whatsapp")
    assert _drain(app).total == 0


def test_guest_with_email_only_provider_gets_ticket_link_and_qr_by_email(client, app, make_event, smtp_server):
    ev = make_event(allow_guests=True)
    _guest(client, ev.id, email="Ani@Contoh.id")
    with app.app_context():
        token = db.session.scalars(select(Registration.token)).one()
    [row] = _messages(app)
    assert (row.channel, row.recipient, row.template, row.status) == ("email", "ani@contoh.id", "ticket", "queued")
    assert f"http://localhost/t/{token}" in row.body and "tiket-qr.png" in row.body
    assert row.attachment == f"ticket_qr:{token}" and smtp_server.received == []  # nothing sent yet
    assert len(_drain(app).sent) == 1
    [got] = smtp_server.received
    assert got["to"] == ["ani@contoh.id"] and got["message"]["Subject"] == f"Tiket: {ev.title}"
    assert f"http://localhost/t/{token}" in _text(got["message"])
    [attachment] = list(got["message"].iter_attachments())
    assert attachment.get_filename() == "tiket-qr.png" and attachment.get_content_type() == "image/png"
    image = Image.open(io.BytesIO(attachment.get_content()))
    assert [d.text for d in zxingcpp.read_barcodes(image)] == [f"http://localhost/t/{token}"]


def test_guest_with_a_phone_gets_the_ticket_link_by_whatsapp(client, app, make_event, cloud_api, smtp_server):
    ev = make_event(allow_guests=True)
    _guest(client, ev.id, email="ani@contoh.id")
    with app.app_context():
        token = db.session.scalars(select(Registration.token)).one()
    [row] = _messages(app)
    assert (row.channel, row.recipient, row.attachment) == ("whatsapp", "+6281234567890", None)
    assert "terlampir" not in row.body
    _drain(app)
    [req] = cloud_api.requests
    assert req["json"]["to"] == "6281234567890"
    assert f"http://localhost/t/{token}" in req["json"]["text"]["body"]
    assert smtp_server.received == []


def test_waitlisted_guest_gets_link_without_qr(client, app, make_event, smtp_server):
    ev = make_event(allow_guests=True, capacity=1, seats_taken=1)
    _guest(client, ev.id, name="Budi", phone="081234567891", email="budi@contoh.id")
    [row] = _messages(app)
    assert "daftar tunggu" in row.body and row.attachment is None
    _drain(app)
    [got] = smtp_server.received
    assert "daftar tunggu" in _text(got["message"]) and list(got["message"].iter_attachments()) == []


def test_cancelling_a_seat_tells_the_holder_and_the_promoted_person(client, app, make_event, cloud_api):
    ev = make_event(allow_guests=True, capacity=1)
    _guest(client, ev.id)
    _guest(client, ev.id, name="Budi", phone="081234567891")
    with app.app_context():
        first = db.session.scalars(select(Registration).order_by(Registration.id)).first().token
    client.post(f"/t/{first}/batal", data={})
    rows = _messages(app)
    assert [(m.template, m.recipient) for m in rows] == [
        ("ticket", "+6281234567890"), ("ticket", "+6281234567891"),
        ("registration_cancelled", "+6281234567890"), ("waitlist_promoted", "+6281234567891")]
    assert "TERKONFIRMASI" in rows[3].body and "DIBATALKAN" in rows[2].body
    assert "oleh panitia" not in rows[2].body
    _drain(app)
    assert [r["json"]["to"] for r in cloud_api.requests] == ["6281234567890", "6281234567891",
                                                             "6281234567890", "6281234567891"]


def test_cancelling_the_event_queues_a_message_to_every_registrant(login_as, client, app, make_event, smtp_server):
    ev = make_event(allow_guests=True)
    _guest(client, ev.id, email="ani@contoh.id")
    resp = login_as("panitia").post(f"/kelola/kegiatan/{ev.id}/batalkan", data={"reason": "Banjir."},
                                    follow_redirects=True)
    assert "1 pendaftar melihat pemberitahuan" in resp.get_data(as_text=True)
    cancelled = [m for m in _messages(app) if m.template == "event_cancelled"]
    assert [(m.recipient, m.cause_user_id is not None) for m in cancelled] == [("ani@contoh.id", True)]
    _drain(app)
    got = smtp_server.received[-1]["message"]
    assert got["Subject"].startswith("Dibatalkan:") and "Banjir." in _text(got)


def test_an_smtp_refusal_never_touches_the_registration(client, app, make_event, smtp_server):
    smtp_server.handler.reply = "550 mailbox unavailable"
    ev = make_event(allow_guests=True)
    assert _guest(client, ev.id, email="ani@contoh.id").status_code == 302
    result = _drain(app)
    assert len(result.failed) == 1
    [row] = _messages(app)
    assert row.status == "failed" and "550" in row.last_error
    with app.app_context():
        assert db.session.scalars(select(Registration.status)).one() == "confirmed"
