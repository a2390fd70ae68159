"""Each channel delivers to its fake provider with the right recipient and text, and a
provider's error becomes the message's reason (retried when temporary, else failed)."""
from __future__ import annotations

from datetime import timedelta

from extensions import db
from messaging import services, worker
from messaging.models import Message
from messaging.services import Recipient
from tests.messaging.conftest import PHONE_NUMBER_ID, TOKEN
from tests.messaging.fakes import cloud_error
from timeutil import utcnow

CONTEXT = {"event_title": "Sosialisasi PKPRI", "starts_at": utcnow() + timedelta(days=1),
           "venue": "Aula PKPRI Kota Serang", "ticket_url": "http://localhost/t/tok123",
           "confirmed": True}


def _queue(recipient, template="ticket", **kw):
    message = services.enqueue(recipient, template, CONTEXT, **kw)
    db.session.commit()
    return message.id


def test_email_arrives_at_the_smtp_server_with_text_and_ticket_qr(ctx, smtp_server):
    mid = _queue(Recipient("Siti", email="siti@contoh.id"), attachment="ticket_qr:tok123")
    assert worker.drain("w").sent == [mid]
    (got,) = smtp_server.received
    assert got["to"] == ["siti@contoh.id"]
    msg = got["message"]
    assert msg["Subject"] == "Tiket: Sosialisasi PKPRI"
    assert "Yth. Siti" in msg.get_body(("plain",)).get_content()
    (png,) = list(msg.iter_attachments())
    assert png.get_filename() == "tiket-qr.png" and png.get_content().startswith(b"\x89PNG")
    row = db.session.get(Message, mid)
    assert row.status == "sent" and row.provider_id and row.sent_at is not None


def test_whatsapp_text_goes_to_the_cloud_api_with_digits_and_bearer_token(ctx, cloud_api):
    mid = _queue(Recipient("Siti", phone="+6281234567890"))
    assert worker.drain("w").sent == [mid]
    (req,) = cloud_api.requests
    assert req["path"] == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert req["auth"] == f"Bearer {TOKEN}"
    row = db.session.get(Message, mid)
    assert req["json"]["messaging_product"] == "whatsapp" and req["json"]["to"] == "6281234567890"
    assert req["json"]["type"] == "text" and req["json"]["text"]["body"] == row.body
    assert "Sosialisasi PKPRI" in row.body and row.provider_id == "wamid.TEST" + row.provider_id[-6:]
    assert row.status == "sent"


def test_whatsapp_template_message_carries_the_parameters(ctx, app, cloud_api, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_TEMPLATES", True)
    _queue(Recipient("Siti", phone="+6281234567890"))
    worker.drain("w")
    sent = cloud_api.requests[0]["json"]
    assert sent["type"] == "template"
    assert sent["template"]["name"] == "tiket_kegiatan" and sent["template"]["language"] == {"code": "id"}
    params = [p["text"] for p in sent["template"]["components"][0]["parameters"]]
    assert params[0] == "Siti" and params[1] == "Sosialisasi PKPRI" and params[-1].endswith("/t/tok123")


def test_a_refused_recipient_fails_at_once_with_the_cloud_api_reason(ctx, cloud_api):
    cloud_api.script.append((400, cloud_error("(#131030) Recipient phone number not in allowed list",
                                              131030, details="Recipient phone number not in allowed list")))
    mid = _queue(Recipient("Siti", phone="+6281234567890"))
    assert worker.drain("w").failed == [mid]
    row = db.session.get(Message, mid)
    assert row.status == "failed" and row.attempts == 1
    assert row.last_error.startswith("WhatsApp 400 (kode 131030, OAuthException)")
    assert "not in allowed list" in row.last_error


def test_a_server_error_is_retried_then_marked_failed_with_its_reason(ctx, app, cloud_api, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_SECONDS", 0)  # due again at once
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    for _ in range(3):
        cloud_api.script.append((500, cloud_error("An unknown error occurred", 1, "OAuthException")))
    mid = _queue(Recipient("Siti", phone="+6281234567890"))
    done = worker.drain("w")
    assert done.retried == [mid, mid] and done.failed == [mid]
    assert len(cloud_api.requests) == 3
    row = db.session.get(Message, mid)
    assert row.status == "failed" and row.attempts == 3
    assert "An unknown error occurred" in row.last_error


def test_rate_limited_send_waits_with_exponential_backoff(ctx, app, cloud_api):
    cloud_api.script += [(429, cloud_error("Rate limit hit", 130429))] * 2
    mid = _queue(Recipient("Siti", phone="+6281234567890"))
    assert worker.drain("w").retried == [mid]
    first = db.session.get(Message, mid)
    assert first.status == "queued" and "Rate limit hit" in first.last_error
    wait1 = first.next_attempt_at - utcnow()
    assert timedelta(seconds=50) < wait1 <= timedelta(seconds=60)
    assert worker.drain("w").total == 0  # not due yet
    db.session.rollback()
    assert worker.drain("w", now=first.next_attempt_at + timedelta(seconds=1)).retried == [mid]
    second = db.session.get(Message, mid)
    db.session.refresh(second)
    assert second.attempts == 2
    assert second.next_attempt_at - utcnow() > timedelta(seconds=110)  # doubled


def test_an_invalid_token_fails_without_retrying(ctx, cloud_api):
    cloud_api.script.append((401, cloud_error("Error validating access token", 190)))
    mid = _queue(Recipient("Siti", phone="+6281234567890"))
    assert worker.drain("w").failed == [mid]
    assert "Error validating access token" in db.session.get(Message, mid).last_error


def test_smtp_refusal_fails_and_a_temporary_smtp_error_is_retried(ctx, smtp_server):
    smtp_server.handler.reply = "550 5.1.1 Mailbox tidak ada"
    first = _queue(Recipient("Siti", email="siti@contoh.id"))
    assert worker.drain("w").failed == [first]
    assert "550" in db.session.get(Message, first).last_error
    smtp_server.handler.reply = "451 4.3.0 Coba lagi nanti"
    second = _queue(Recipient("Budi", email="budi@contoh.id"))
    assert worker.drain("w").retried == [second]
    assert db.session.get(Message, second).status == "queued"
