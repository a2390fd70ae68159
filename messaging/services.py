"""The outbox's rules: which channel reaches a person, what a new message looks like, resending
and delivery statuses. Services add/flush in the caller's transaction and never commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import String, cast, select, update

from extensions import db
from helpers.errors import DomainError
from messaging import channels, texts
from messaging.models import Channel, Message, MessageStatus
from timeutil import utcnow


@dataclass(frozen=True)
class Recipient:
    """Whom to reach: a name for the greeting and the addresses on file."""

    name: str
    phone: str | None = None  # E.164, as relawan and guest records keep it
    email: str | None = None


class NotResendable(DomainError):
    code = "not_resendable"
    kind = "conflict"
    default = "Pesan ini masih dalam antrean; tidak perlu dikirim ulang."


class SecretNotResendable(DomainError):
    code = "secret_not_resendable"
    kind = "conflict"
    default = ("Pesan ini berisi kode atau tautan rahasia untuk memulihkan kata sandi dan tidak "
               "dapat dikirim ulang: isinya dihapus setelah terkirim dan kodenya cepat "
               "kedaluwarsa. Minta pemilik akun meminta kode baru lewat halaman Lupa kata sandi.")


# What is left of a secret message's text once it is final (sent, failed, expired, unsendable).
ERASED_TEXT = {"subject": None, "body": "", "wa_template": None}


def erasure(secret: bool) -> dict:
    """The column values that erase a final message's text when it is secret (else none)."""
    return dict(ERASED_TEXT) if secret else {}


FORGOTTEN_RECIPIENT = "(dihapus)"
FORGOTTEN_REASON = "Tidak dikirim: data penerima dihapus (anonimisasi)."


def forget_recipient(addresses) -> int:
    """Anonymisation: the outbox forgets a person's phone numbers and emails. Their messages keep
    channel, template, status and times (what was sent, counted) but lose the address and the
    text (which names them); those still waiting are failed unsent. Returns how many rows."""
    wanted = {a.strip() for a in addresses if a} | {a.strip().lower() for a in addresses if a}
    if not wanted:
        return 0
    mine = Message.recipient.in_(wanted)
    db.session.execute(update(Message).where(mine, Message.status.in_(
        (MessageStatus.QUEUED, MessageStatus.SENDING))).values(
        status=MessageStatus.FAILED, last_error=FORGOTTEN_REASON, claimed_at=None, claimed_by=None)
        .execution_options(synchronize_session=False))
    return db.session.execute(update(Message).where(mine).values(
        recipient=FORGOTTEN_RECIPIENT, attachment=None, **ERASED_TEXT)
        .execution_options(synchronize_session=False)).rowcount


def missing_settings(channel: str) -> list[str]:
    """The settings `channel` still needs in this app (empty: it can send)."""
    return channels.get(channel).missing(current_app.config)


def preferred_channel(recipient: Recipient) -> tuple[str, str] | None:
    """(channel, address) that reaches `recipient`: WhatsApp when they have a phone number, email
    otherwise. A configured channel wins over an unconfigured one (a phone-only WhatsApp setup
    still reaches people who gave an email and vice versa); None when there is no address."""
    options = []
    if recipient.phone:
        options.append((Channel.WHATSAPP.value, recipient.phone))
    if recipient.email:
        options.append((Channel.EMAIL.value, recipient.email))
    if not options:
        return None
    return next((o for o in options if not missing_settings(o[0])), options[0])


def _cause_fields(cause, by) -> dict:
    fields = {"cause_user_id": getattr(by, "id", None), "cause_type": "system", "cause_id": None}
    if isinstance(cause, str):
        fields["cause_type"] = cause
    elif cause is not None:
        fields["cause_type"] = type(cause).__name__
        fields["cause_id"] = str(cause.id)
    return fields


def _initial_state(channel: str) -> dict:
    """queued, or unsendable with the missing settings as its reason."""
    missing = missing_settings(channel)
    if missing:
        return {"status": MessageStatus.UNSENDABLE,
                "last_error": f"Belum dikonfigurasi: {', '.join(missing)}"}
    return {"status": MessageStatus.QUEUED, "last_error": None}


def enqueue(recipient: Recipient, template: str, context: dict, *, cause="system", by=None,
            attachment: str | None = None, channel: str | None = None,
            broadcast_id: int | None = None, opt_out_token: str | None = None,
            expires_at: datetime | None = None, flush: bool = True) -> Message | None:
    """Write one message to the outbox in the caller's transaction (add/flush, no commit).

    `cause` is the object that caused it (a Registration, ...) or a word ("system"); `by` the
    user who acted. `attachment` names what the worker renders at send time ("ticket_qr:<token>").
    A broadcast's messages carry its `broadcast_id` and their opt-out link's `opt_out_token`;
    a caller writing thousands of messages passes flush=False and flushes once (one batch).
    A message not sent by `expires_at` is not sent at all (the worker fails it).
    Returns None when the person has no phone number or email on file. Templates see the chosen
    `channel`; attachments travel by email only (a WhatsApp text carries the link instead)."""
    route = preferred_channel(recipient)
    if channel is not None:
        address = recipient.phone if channel == Channel.WHATSAPP else recipient.email
        route = (channel, address) if address else None
    if route is None:
        return None
    chosen, address = route
    ctx = {"name": recipient.name, "org_unit": current_app.config["ORG_UNIT"], "channel": chosen,
           **context}
    rendered = texts.render(template, ctx, wa_templates=(
        chosen == Channel.WHATSAPP and bool(current_app.config.get("WHATSAPP_TEMPLATES"))))
    text = {"subject": rendered.subject if chosen == Channel.EMAIL else None,
            "body": rendered.body, "wa_template": rendered.wa_template}
    state = _initial_state(chosen)
    if state["status"] == MessageStatus.UNSENDABLE:  # final already: a secret is not kept
        text |= erasure(texts.is_secret(template))
    message = Message(channel=chosen, recipient=address, template=template, **text,
                      attachment=attachment if chosen == Channel.EMAIL else None,
                      attempts=0, next_attempt_at=utcnow(), expires_at=expires_at,
                      broadcast_id=broadcast_id, opt_out_token=opt_out_token,
                      **_cause_fields(cause, by), **state)
    db.session.add(message)
    if flush:
        db.session.flush()
    return message


def resend(message: Message, by) -> Message:
    """A new outbox row with the same recipient and text (the original keeps its history).
    A message still queued or being sent is not resent, nor is a secret one (its text is gone
    once sent, and its code or link is of no use later anyway)."""
    if message.is_secret:
        raise SecretNotResendable()
    if message.status in (MessageStatus.QUEUED, MessageStatus.SENDING):
        raise NotResendable()
    copy = Message(channel=message.channel, recipient=message.recipient, template=message.template,
                   subject=message.subject, body=message.body, wa_template=message.wa_template,
                   attachment=message.attachment, attempts=0, next_attempt_at=utcnow(),
                   cause_user_id=getattr(by, "id", None), cause_type="resend",
                   cause_id=str(message.id), resend_of_id=message.id,
                   broadcast_id=message.broadcast_id, **_initial_state(message.channel))
    db.session.add(copy)
    db.session.flush()
    return copy


# A message in one of these states reaches (or is on its way to) its recipient.
REACHING = (MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.SENT)


def reaching_message_exists(cause_type: str, cause_id, templates: tuple[str, ...]):
    """SQL EXISTS: a message of one of `templates` caused by the `cause_type` object whose id is
    `cause_id` (a column or a value) is queued, being sent or sent. Unsendable and failed
    messages do not count: the person has not received them."""
    return (select(Message.id)
            .where(Message.cause_type == cause_type,
                   Message.cause_id == cast(cause_id, String),
                   Message.template.in_(templates), Message.status.in_(REACHING))
            .exists())


# WhatsApp delivery statuses in the order they happen; "failed" can come at any time.
DELIVERY_RANK = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}


def record_delivery_status(provider_id: str, status: str, at: datetime | None = None,
                           error: str | None = None) -> Message | None:
    """Apply a provider's delivery status to the message with that provider id. Statuses may
    arrive out of order: an earlier one never overwrites a later one."""
    if status not in DELIVERY_RANK:
        return None
    message = db.session.scalar(select(Message).where(Message.provider_id == provider_id))
    if message is None:
        return None
    if DELIVERY_RANK.get(message.delivery_status or "", 0) > DELIVERY_RANK[status]:
        return message
    message.delivery_status = status
    message.delivery_updated_at = at or utcnow()
    if status == "failed" and error:
        message.last_error = error
    db.session.flush()
    return message
