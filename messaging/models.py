"""The outbox: one Message row per message to one person on one channel."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
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


STATUS_LABELS = {
    MessageStatus.QUEUED: "Antre",
    MessageStatus.SENDING: "Sedang dikirim",
    MessageStatus.SENT: "Terkirim",
    MessageStatus.FAILED: "Gagal",
    MessageStatus.UNSENDABLE: "Tidak dapat dikirim",
}
CHANNEL_LABELS = {Channel.WHATSAPP: "WhatsApp", Channel.EMAIL: "Email"}


class Message(db.Model):
    """One message in the outbox, written in the transaction of the change that causes it."""

    __tablename__ = "message"
    __table_args__ = (
        # The worker's claim: due queued rows and stale sending rows, oldest first.
        Index("ix_message_status_next_attempt_at", "status", "next_attempt_at"),
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
    broadcast_id: Mapped[int | None] = mapped_column(Integer)  # broadcasts come later (issue 12)
    resend_of_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def channel_label(self) -> str:
        return CHANNEL_LABELS.get(self.channel, self.channel)
