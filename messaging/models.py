"""The outbox: one Message row per message to one person on one channel."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from helpers import labels
from messaging import texts
from timeutil import utcnow


class Channel(enum.StrEnum):
    WHATSAPP = "whatsapp"
    EMAIL = "email"


class MessageStatus(enum.StrEnum):
    QUEUED = "queued"          # waiting for the worker (next_attempt_at says when)
    SENDING = "sending"        # claimed by a worker (claimed_at/claimed_by); reclaimed after the lease
    SENT = "sent"              # the provider accepted it (provider_id)
    FAILED = "failed"          # gave up: last_error holds the provider's reason
    UNSENDABLE = "unsendable"  # no provider configured for the channel when it was written


STATUS_LABELS = labels.LABELS["message_status"]
CHANNEL_LABELS = labels.LABELS["channel"]


class Message(db.Model):
    """One message in the outbox, written in the transaction of the change that causes it."""

    __tablename__ = "message"
    __table_args__ = (
        # The worker's claim: due queued rows and stale sending rows, oldest first.
        Index("ix_message_status_next_attempt_at", "status", "next_attempt_at"),
        # "Has this registration been sent its ticket?" (events.services.notices)
        Index("ix_message_cause", "cause_type", "cause_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(254))  # E.164 phone or email address
    template: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # Rendered at send time, never stored as a blob, e.g. "ticket_qr:<ticket token>".
    attachment: Mapped[str | None] = mapped_column(String(120))
    # A WhatsApp template message (name, language, body parameters) instead of free text.
    wa_template: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default=MessageStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Not sent after this moment (a reset code's own expiry): the worker fails it instead.
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(128), index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(12))  # sent/delivered/read/failed
    delivery_updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Who or what caused it: a user, and/or an object ("Registration", "42"), or "system".
    cause_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    cause_type: Mapped[str] = mapped_column(String(40), default="system")
    cause_id: Mapped[str | None] = mapped_column(String(40))
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcast.id", ondelete="SET NULL"), index=True)
    # A broadcast message's "stop these messages" link: {BASE_URL}/berhenti/<token> (random,
    # never the address itself; messaging/optouts.py).
    opt_out_token: Mapped[str | None] = mapped_column(String(43), unique=True)
    resend_of_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def is_secret(self) -> bool:
        """Its text carries a one-time secret: never shown, erased once final, never resent."""
        return texts.is_secret(self.template)

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS.get(self.channel, self.channel)


class Broadcast(db.Model):
    """A text written once to a segment (messaging/broadcasts.py); one Message per recipient
    carries its broadcast_id. The counts are those of the preview the author confirmed."""

    __tablename__ = "broadcast"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    segment: Mapped[dict] = mapped_column(JSON)  # broadcasts.Segment.as_data()
    segment_label: Mapped[str] = mapped_column(String(300))  # as described when it was sent
    # The kecamatan the segment lies inside (None: the whole city); a koordinator sees only theirs.
    kecamatan_kode: Mapped[str | None] = mapped_column(ForeignKey("kecamatan.kode"), index=True)
    subject: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    # The confirm page's one-time key: a double click on "Kirim" sends one broadcast, not two.
    request_key: Mapped[str] = mapped_column(String(43), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    recipients_total: Mapped[int] = mapped_column(Integer, default=0)  # messages written
    whatsapp_count: Mapped[int] = mapped_column(Integer, default=0)
    email_count: Mapped[int] = mapped_column(Integer, default=0)
    unreachable_count: Mapped[int] = mapped_column(Integer, default=0)  # no phone or email
    opted_out_count: Mapped[int] = mapped_column(Integer, default=0)

    author = relationship("User")


class BroadcastOptOut(db.Model):
    """A phone number (E.164) or email address (lower case) that asked for no more broadcasts.
    Kept per address, so it covers guests without an account; tickets and codes still go."""

    __tablename__ = "broadcast_opt_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(254), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The broadcast message whose link was used.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))
