"""Secret messages (password-reset codes and links, messaging/texts.py secret=True): the outbox row
loses every copy of the code or link (body, subject, WhatsApp template parameters) once the
message is sent, fails for good, expires or cannot be sent; the admin page never shows it, not
even while queued; an admin cannot resend it. Other messages keep their text."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from auth.models import AuditEntry, Role
from extensions import db
from messaging import services, worker
from messaging.models import Message
from messaging.services import Recipient
from tests.messaging.fakes import cloud_error
from timeutil import utcnow

PHONE = "+6281277778888"
EMAIL = "siti.aminah@contoh.id"
PLACEHOLDER = "(isi rahasia, dihapus setelah terkirim)"


@pytest.fixture
def person(make_user):
    return make_user(Role.RELAWAN, name="Siti Aminah", email=EMAIL, phone=PHONE)


def _ask(client, identifier) -> None:
    assert client.post("/lupa-kata-sandi", data={"identifier": identifier}).status_code == 302


def _row(app) -> Message:
    with app.app_context():
        (message,) = db.session.scalars(select(Message)).all()
        db.session.expunge(message)
        return message


def _columns(message: Message) -> str:
    """Every column of the row as text, so a copy of a secret anywhere in it shows up."""
    return " | ".join(repr(getattr(message, c.key)) for c in Message.__table__.columns)


def _queued_code(app) -> str:
    """The reset code the queued row carries (the worker needs it to send it)."""
    message = _row(app)
    assert message.template == "password_reset_code" and message.status == "queued"
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def _drain(app):
    with app.app_context():
        done = worker.drain("test")
        db.session.remove()
        return done


def _erased(message: Message, secret: str) -> None:
    assert secret not in _columns(message)
    assert (message.body, message.subject, message.wa_template) == ("", None, None)


def _outbox_page(admin) -> str:
    resp = admin.get("/admin/pesan/")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


@pytest.mark.parametrize("wa_templates", [False, True], ids=["teks", "templat-whatsapp"])
def test_a_sent_reset_code_leaves_no_copy_in_the_row_nor_on_the_page(
        app, client, login_as, person, cloud_api, monkeypatch, wa_templates):
    monkeypatch.setitem(app.config, "WHATSAPP_TEMPLATES", wa_templates)
    admin = login_as("admin")
    _ask(client, PHONE)
    code = _queued_code(app)
    queued = _row(app)
    if wa_templates:  # the template message's parameter is a second copy of the code
        assert queued.wa_template["params"] == [code]
    page = _outbox_page(admin)
    assert f'id="pesan-{queued.id}"' in page and PLACEHOLDER in page and code not in page
    assert "Kirim ulang" not in page

    assert _drain(app).sent == [queued.id]
    (request,) = cloud_api.requests
    if wa_templates:
        assert request["json"]["template"]["components"][0]["parameters"][0]["text"] == code
    else:
        assert code in request["json"]["text"]["body"]
    sent = _row(app)
    assert sent.status == "sent" and sent.provider_id.startswith("wamid.")
    assert sent.recipient == PHONE and sent.template == "password_reset_code"
    _erased(sent, code)
    page = _outbox_page(admin)
    assert PLACEHOLDER in page and code not in page and "Kirim ulang" not in page


def test_a_sent_reset_link_leaves_no_copy_in_the_row(app, client, login_as, person, smtp_server):
    _ask(client, EMAIL)
    queued = _row(app)
    token = re.search(r"/lupa-kata-sandi/tautan/(\S+)", queued.body).group(1)
    assert PLACEHOLDER in _outbox_page(login_as("admin"))
    assert _drain(app).sent == [queued.id]
    (mail,) = smtp_server.received
    assert token in mail["message"].get_content()
    sent = _row(app)
    assert sent.status == "sent"
    _erased(sent, token)


def test_a_final_failure_erases_the_code_and_a_retry_keeps_it(
        app, client, login_as, person, cloud_api, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    _ask(client, PHONE)
    code = _queued_code(app)
    cloud_api.script = [(503, cloud_error("Service unavailable", 2)),
                        (503, cloud_error("Service unavailable", 2))]
    assert len(_drain(app).retried) == 1
    retrying = _row(app)
    assert retrying.status == "queued" and code in retrying.body  # needed for the next attempt
    with app.app_context():
        db.session.execute(update(Message).values(next_attempt_at=utcnow()))
        db.session.commit()
    assert len(_drain(app).failed) == 1
    failed = _row(app)
    assert failed.status == "failed" and failed.attempts == 2 and "503" in failed.last_error
    _erased(failed, code)
    assert code not in _outbox_page(login_as("admin"))


def test_a_permanent_refusal_erases_the_code(app, client, person, cloud_api):
    _ask(client, PHONE)
    code = _queued_code(app)
    cloud_api.script = [(400, cloud_error("Recipient not on WhatsApp", 131026, "OAuthException"))]
    assert len(_drain(app).failed) == 1
    failed = _row(app)
    assert failed.status == "failed" and "131026" in failed.last_error
    _erased(failed, code)


def test_an_expired_reset_message_is_not_sent_and_is_erased(app, client, person, cloud_api):
    _ask(client, PHONE)
    code = _queued_code(app)
    with app.app_context():  # the worker was down for longer than the reset lives
        db.session.execute(update(Message).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert len(_drain(app).failed) == 1
    assert cloud_api.requests == []
    expired = _row(app)
    assert expired.status == "failed" and expired.last_error == worker.EXPIRED
    _erased(expired, code)


def test_no_retry_is_planned_past_the_expiry(app, client, person, cloud_api):
    _ask(client, PHONE)
    message = _row(app)
    assert timedelta(minutes=14) < message.expires_at - message.created_at <= timedelta(minutes=15)
    code = _queued_code(app)
    with app.app_context():  # the first retry (OUTBOX_RETRY_SECONDS later) would be too late
        db.session.execute(update(Message).values(expires_at=utcnow() + timedelta(seconds=20)))
        db.session.commit()
    cloud_api.script = [(503, cloud_error("Service unavailable", 2))]
    assert len(_drain(app).failed) == 1
    failed = _row(app)
    assert failed.status == "failed" and failed.attempts == 1
    _erased(failed, code)


def test_an_unsendable_reset_message_keeps_no_code(app, client, login_as, person):
    _ask(client, PHONE)  # no WhatsApp settings: unsendable when written, final at once
    message = _row(app)
    assert message.status == "unsendable" and "WHATSAPP_TOKEN" in message.last_error
    _erased(message, "Kode pemulihan")
    assert PLACEHOLDER in _outbox_page(login_as("admin"))


def test_resend_of_a_secret_message_is_refused_and_queues_nothing(
        app, client, login_as, person, cloud_api):
    _ask(client, PHONE)
    _drain(app)
    sent = _row(app)
    admin = login_as("admin")
    resp = admin.post("/admin/pesan/kirim-ulang", data={"message_id": sent.id})
    assert resp.status_code == 409
    assert "tidak dapat dikirim ulang" in resp.get_data(as_text=True)
    assert "meminta kode baru" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message)) == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "message.resend")) == 0
    assert _drain(app).total == 0 and len(cloud_api.requests) == 1


def test_other_messages_keep_their_text_and_can_be_resent(app, login_as, cloud_api):
    with app.app_context():
        message = services.enqueue(Recipient("Siti", phone=PHONE), "test", {})
        db.session.commit()
        mid, body = message.id, message.body
    admin = login_as("admin")
    assert "Isi pesan" in _outbox_page(admin)
    assert _drain(app).sent == [mid]
    sent = _row(app)
    assert sent.status == "sent" and sent.body == body and sent.expires_at is None
    page = _outbox_page(admin)
    assert body.split(".")[0] in page and PLACEHOLDER not in page and "Kirim ulang" in page
    assert admin.post("/admin/pesan/kirim-ulang", data={"message_id": mid}).status_code == 302
    with app.app_context():
        copy = db.session.scalar(select(Message).where(Message.resend_of_id == mid))
        assert copy.body == body and copy.status == "queued"


def test_the_texts_page_marks_the_secret_templates(login_as):
    page = login_as("admin").get("/admin/pesan/templat").get_data(as_text=True)
    assert page.count("<dt>Rahasia</dt>") == 2
