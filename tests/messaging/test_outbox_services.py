"""enqueue, the preferred channel, messages without a provider, resend (services)."""
from __future__ import annotations

from sqlalchemy import func, select

from extensions import db
from messaging import services, worker
from messaging.models import Message
from messaging.services import Recipient

PERSON = Recipient(name="Siti Aminah", phone="+6281234567890", email="siti@contoh.id")


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Message))


def test_whatsapp_is_preferred_when_the_person_has_a_phone_number(ctx, cloud_api, smtp_server):
    assert services.preferred_channel(PERSON) == ("whatsapp", "+6281234567890")
    assert services.preferred_channel(Recipient("A", email="a@contoh.id")) == ("email", "a@contoh.id")
    assert services.preferred_channel(Recipient("A")) is None


def test_email_is_used_when_whatsapp_is_not_configured_and_the_person_has_an_email(ctx, smtp_server):
    assert services.preferred_channel(PERSON) == ("email", "siti@contoh.id")


def test_enqueue_writes_in_the_callers_transaction(ctx, cloud_api):
    message = services.enqueue(PERSON, "test", {}, cause="system")
    assert message.id is not None and message.status == "queued"
    db.session.rollback()  # the caller's change failed: its message goes with it
    assert _count() == 0
    services.enqueue(PERSON, "test", {}, cause="system")
    db.session.commit()
    assert _count() == 1
    assert cloud_api.requests == []  # enqueue never talks to a provider


def test_without_any_provider_messages_are_kept_as_unsendable_with_the_reason(ctx):
    message = services.enqueue(PERSON, "test", {}, cause="system")
    db.session.commit()
    assert message.channel == "whatsapp" and message.status == "unsendable"
    assert "WHATSAPP_TOKEN" in message.last_error
    assert worker.drain("w").total == 0  # the worker leaves them alone
    assert db.session.get(Message, message.id).status == "unsendable"


def test_enqueue_renders_the_indonesian_text_and_records_the_cause(ctx, smtp_server, make_user):
    user = make_user("admin")
    message = services.enqueue(Recipient("Budi", email="budi@contoh.id"), "test", {},
                               cause="cli", by=user)
    db.session.commit()
    assert message.subject.startswith("Pesan uji") and "pengaturan pengiriman" in message.body
    assert (message.cause_type, message.cause_user_id) == ("cli", user.id)


def test_a_person_without_phone_or_email_gets_no_message(ctx, cloud_api):
    assert services.enqueue(Recipient("Tanpa Kontak"), "test", {}) is None
    assert _count() == 0


def test_resend_makes_a_new_queued_copy_and_keeps_the_original(ctx, cloud_api):
    original = services.enqueue(PERSON, "test", {})
    original.status, original.last_error = "failed", "WhatsApp 400: ditolak"
    db.session.commit()
    copy = services.resend(original, by=None)
    db.session.commit()
    assert copy.id != original.id and copy.status == "queued" and copy.resend_of_id == original.id
    assert copy.body == original.body and copy.recipient == original.recipient
    assert db.session.get(Message, original.id).status == "failed"
