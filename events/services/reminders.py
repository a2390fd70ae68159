"""The day-before reminder: one outbox message per confirmed registration (WhatsApp for people
with a phone number, email otherwise; by email with the ticket's QR).

Ticket messages get lost (spam folders, a new phone); a reminder shortly before the event, with
the QR, is what door staff at other events wish every attendee had. Run hourly from cron or a
systemd timer (`flask --app app events remind`, docs/deploy.md). Each registration is reminded
once: it is claimed with a conditional UPDATE (reminder_sent_at IS NULL) and its message is
queued in the same transaction, so the stamp and the message are saved together or not at all,
and two overlapping runs cannot both queue it (the second run's UPDATE waits for the first's
row lock, then finds the stamp and matches nothing). Sending, retries and the provider's
failures are the outbox worker's (messaging/worker.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from auth.models import User
from events.models import Event, EventStatus, Registration, RegistrationStatus
from events.services import notices
from extensions import db
from relawan.models import Relawan
from timeutil import utcnow

DEFAULT_HOURS = 36  # events starting within this many hours are due


@dataclass
class ReminderRun:
    """What one run did: the registrations whose reminder was queued, and due registrants who
    have neither a phone number nor an email on file."""

    queued: list[int] = field(default_factory=list)
    unreachable: int = 0


def _due_query(now: datetime, hours: int, *, reachable: bool):
    has_address = or_(Registration.guest_phone.isnot(None), Registration.guest_email.isnot(None),
                      User.phone.isnot(None), User.email.isnot(None))
    return (select(Registration).join(Event, Event.id == Registration.event_id)
            .outerjoin(Relawan, Relawan.id == Registration.relawan_id)
            .outerjoin(User, User.id == Relawan.user_id)
            .where(Registration.status == RegistrationStatus.CONFIRMED,
                   Registration.reminder_sent_at.is_(None),
                   Event.status == EventStatus.PUBLISHED,
                   Event.starts_at > now, Event.starts_at <= now + timedelta(hours=hours),
                   has_address if reachable else ~has_address))


def due(now: datetime | None = None, hours: int = DEFAULT_HOURS) -> list[Registration]:
    """Confirmed, not yet reminded registrations of published events starting within `hours`,
    with a phone number or an email on file."""
    now = now or utcnow()
    return list(db.session.scalars(_due_query(now, hours, reachable=True)
                                   .order_by(Event.starts_at, Registration.id)))


def count_unreachable(now: datetime | None = None, hours: int = DEFAULT_HOURS) -> int:
    """Due registrants with neither phone nor email (panitia reach them another way)."""
    now = now or utcnow()
    query = _due_query(now, hours, reachable=False).with_only_columns(Registration.id)
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def queue_due(now: datetime | None = None, hours: int = DEFAULT_HOURS) -> ReminderRun:
    """Claim every due registration once and queue its reminder in the same transaction
    (add/flush; the caller commits once)."""
    now = now or utcnow()
    run = ReminderRun(unreachable=count_unreachable(now, hours))
    for reg in due(now, hours):
        claimed = db.session.execute(
            update(Registration).where(Registration.id == reg.id,
                                       Registration.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            continue  # another run took it
        notices.send_reminder(reg)
        run.queued.append(reg.id)
    return run
