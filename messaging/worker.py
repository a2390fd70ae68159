"""The outbox worker: claim due messages, send them outside any transaction, record the outcome.

Claim (one short transaction, committed before anything is sent):

    UPDATE message SET status='sending', claimed_at=now, claimed_by=me, attempts=attempts+1
    WHERE id IN (SELECT id FROM message WHERE <due> ORDER BY ... LIMIT n
                 FOR UPDATE SKIP LOCKED) RETURNING id

<due> is a queued message whose next_attempt_at has come, or a `sending` message whose claim is
older than the lease (its worker was killed mid-send). On PostgreSQL SKIP LOCKED lets any number
of workers claim disjoint batches without waiting on each other. SQLite has no FOR UPDATE; there
the single UPDATE statement holds the database's one write lock, so two claims still never take
the same row, but run one worker on SQLite (writes are serialised anyway).

After sending, the outcome is written only if this worker still holds the claim (status sending,
claimed_by me). A message is sent twice only if a worker dies after the provider accepted it
and before that write, or a send outlasts the lease (OUTBOX_LEASE_SECONDS, far above the
channels' timeouts): at-least-once there, as no provider here takes an idempotency key.

A secret message (a reset code or link, messaging/texts.py) loses its text in the same write
that makes it final: sent, failed for good, or expired (past `expires_at`, it is not sent, and
it is not retried past it either).
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from extensions import db
from messaging import attachments, channels, services
from messaging.channels import Outgoing, SendError
from messaging.models import Message, MessageStatus
from timeutil import utcnow

log = logging.getLogger(__name__)
BATCH = 20
EXPIRED = "Tidak dikirim: batas waktunya sudah lewat sebelum pesan dapat dikirim."


def worker_id() -> str:
    """host:pid:thread, so a claim names the worker that holds it."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"[:80]


@dataclass
class Pass:
    """What one drain did."""

    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.sent) + len(self.retried) + len(self.failed)


def _due(now: datetime, lease: timedelta):
    return or_(and_(Message.status == MessageStatus.QUEUED, Message.next_attempt_at <= now),
               and_(Message.status == MessageStatus.SENDING, Message.claimed_at < now - lease))


def claim(me: str, now: datetime | None = None, limit: int = BATCH) -> list[int]:
    """Claim up to `limit` due messages for worker `me` and commit; returns their ids."""
    now = now or utcnow()
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    due_ids = (select(Message.id).where(_due(now, lease))
               .order_by(Message.next_attempt_at, Message.id).limit(limit)
               .with_for_update(skip_locked=True))
    ids = db.session.scalars(
        update(Message).where(Message.id.in_(due_ids.scalar_subquery()))
        .values(status=MessageStatus.SENDING, claimed_at=now, claimed_by=me,
                attempts=Message.attempts + 1)
        .returning(Message.id).execution_options(synchronize_session=False)).all()
    db.session.commit()
    return sorted(ids)


def load(ids: list[int]) -> list[Outgoing]:
    """The claimed rows as plain values, then end the read transaction (nothing held while sending)."""
    rows = db.session.scalars(select(Message).where(Message.id.in_(ids)).order_by(Message.id)).all()
    out = [Outgoing(id=m.id, channel=m.channel, recipient=m.recipient, subject=m.subject,
                    body=m.body, wa_template=m.wa_template, attachment_ref=m.attachment,
                    attempts=m.attempts, secret=m.is_secret, expires_at=m.expires_at)
           for m in rows]
    db.session.rollback()
    return out


def send_one(message: Outgoing) -> str:
    """Render the attachments and hand the message to its channel; the provider id or SendError."""
    config = current_app.config
    channel = channels.get(message.channel)
    missing = channel.missing(config)
    if missing:
        raise SendError(f"Belum dikonfigurasi: {', '.join(missing)}", permanent=True)
    rendered = attachments.render(message.attachment_ref)
    return channel.send(replace(message, attachments=rendered), config)


def _finish(message_id: int, me: str, **values) -> bool:
    done = db.session.execute(
        update(Message).where(Message.id == message_id, Message.status == MessageStatus.SENDING,
                              Message.claimed_by == me)
        .values(claimed_at=None, claimed_by=None, **values)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return done == 1


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: OUTBOX_RETRY_SECONDS, doubled per attempt, at most 6 hours."""
    base = current_app.config["OUTBOX_RETRY_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def deliver(outgoing: Outgoing, me: str, result: Pass) -> None:
    """Send one claimed message and record sent, a retry with backoff, or failed with the reason;
    one past its `expires_at` is failed unsent. A secret message's text goes when it is final."""
    message_id, attempts, expires_at = outgoing.id, outgoing.attempts, outgoing.expires_at
    erased = services.erasure(outgoing.secret)
    if expires_at is not None and utcnow() >= expires_at:
        if _finish(message_id, me, status=MessageStatus.FAILED, last_error=EXPIRED, **erased):
            result.failed.append(message_id)
        return
    try:
        provider_id = send_one(outgoing)
    except SendError as exc:
        retry_at = utcnow() + retry_delay(attempts)
        final = (exc.permanent or attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]
                 or (expires_at is not None and retry_at >= expires_at))
        values = {"last_error": exc.reason[:2000]}
        if final:
            values |= {"status": MessageStatus.FAILED, **erased}
        else:
            values |= {"status": MessageStatus.QUEUED, "next_attempt_at": retry_at}
        if _finish(message_id, me, **values):
            (result.failed if final else result.retried).append(message_id)
        log.warning("Message %s via %s: %s", message_id, outgoing.channel, exc.reason)
        return
    if _finish(message_id, me, status=MessageStatus.SENT, provider_id=provider_id,
               sent_at=utcnow(), last_error=None, **erased):
        result.sent.append(message_id)


def drain(me: str | None = None, now: datetime | None = None) -> Pass:
    """One pass: claim and send batches until no message is due."""
    me = me or worker_id()
    result = Pass()
    while True:
        ids = claim(me, now)
        if not ids:
            return result
        for outgoing in load(ids):
            deliver(outgoing, me, result)


def work(stop: threading.Event, poll_seconds: float = 2.0, me: str | None = None) -> None:
    """Drain, then wait `poll_seconds` (or until `stop` is set), until `stop` is set."""
    me = me or worker_id()
    while not stop.is_set():
        try:
            done = drain(me)
            if done.total:
                log.info("Outbox: %d sent, %d to retry, %d failed", len(done.sent),
                         len(done.retried), len(done.failed))
        except Exception:
            log.exception("Outbox pass failed; trying again")
            db.session.rollback()
        stop.wait(poll_seconds)
