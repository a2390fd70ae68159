"""The day-before reminder: one email per confirmed registration, with the ticket's QR.

Ticket emails get lost (spam folders, a new phone); a reminder shortly before the event, with
the QR attached, is what door staff at other events wish every attendee had. Run hourly from
cron or a systemd timer (`flask --app app events remind`, docs/deploy.md). Each registration is
reminded once: it is claimed with a conditional UPDATE (reminder_sent_at IS NULL) and committed
before the email goes out, so two overlapping runs cannot both send it; a failed send releases
the claim and the next run tries again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from auth.models import User
from events.models import Event, EventStatus, Registration, RegistrationStatus
from events.services.mail import send_mail, ticket_qr_attachment
from events.services.tickets import ticket_url
from extensions import db
from relawan.models import Relawan
from timeutil import format_wib, utcnow

DEFAULT_HOURS = 36  # events starting within this many hours are due


@dataclass
class ReminderRun:
    """What one run did: sent, failed (SMTP), and due registrants without an email address."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    no_email: int = 0


def due(now: datetime | None = None, hours: int = DEFAULT_HOURS) -> list[Registration]:
    """Confirmed, not yet reminded registrations of published events starting within `hours`."""
    now = now or utcnow()
    email = or_(Registration.guest_email.isnot(None), User.email.isnot(None))
    return list(db.session.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .outerjoin(Relawan, Relawan.id == Registration.relawan_id)
        .outerjoin(User, User.id == Relawan.user_id)
        .where(Registration.status == RegistrationStatus.CONFIRMED,
               Registration.reminder_sent_at.is_(None),
               Event.status == EventStatus.PUBLISHED,
               Event.starts_at > now, Event.starts_at <= now + timedelta(hours=hours), email)
        .order_by(Event.starts_at, Registration.id)))


def count_without_email(now: datetime | None = None, hours: int = DEFAULT_HOURS) -> int:
    """Due registrants nobody can email (panitia reach them by the WhatsApp link instead)."""
    now = now or utcnow()
    return len(db.session.scalars(
        select(Registration.id).join(Event, Event.id == Registration.event_id)
        .outerjoin(Relawan, Relawan.id == Registration.relawan_id)
        .outerjoin(User, User.id == Relawan.user_id)
        .where(Registration.status == RegistrationStatus.CONFIRMED,
               Registration.reminder_sent_at.is_(None), Event.status == EventStatus.PUBLISHED,
               Event.starts_at > now, Event.starts_at <= now + timedelta(hours=hours),
               Registration.guest_email.is_(None), User.email.is_(None))).all())


def reminder_body(reg: Registration) -> str:
    event = reg.event
    return (f"Yth. {reg.display_name},\n\nPengingat: Anda terdaftar pada kegiatan berikut.\n\n"
            f"Kegiatan : {event.title}\nWaktu    : {format_wib(event.starts_at)}\n"
            f"Tempat   : {event.venue_name}\n\nTiket dan kode QR Anda: {ticket_url(reg.token)}\n"
            f"Kode QR terlampir: tunjukkan di pintu masuk, juga bisa tanpa internet.\n"
            f"Bila berhalangan hadir, batalkan lewat tautan tiket agar kursi Anda dapat dipakai "
            f"peserta lain.\n\n{current_app.config['ORG_UNIT']}")


def send_due(now: datetime | None = None, hours: int = DEFAULT_HOURS) -> ReminderRun:
    """Send every due reminder once. Commits (each claim before its email)."""
    from events.services.mail import registration_email
    now = now or utcnow()
    run = ReminderRun(no_email=count_without_email(now, hours))
    for reg in due(now, hours):
        claimed = db.session.execute(
            update(Registration).where(Registration.id == reg.id,
                                       Registration.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now).execution_options(synchronize_session=False)).rowcount
        db.session.commit()
        if claimed != 1:
            continue  # another run took it
        if send_mail(registration_email(reg), f"Pengingat: {reg.event.title}",
                     reminder_body(reg), ticket_qr_attachment(reg)):
            run.sent.append(reg.id)
            continue
        db.session.execute(update(Registration).where(Registration.id == reg.id)
                           .values(reminder_sent_at=None)
                           .execution_options(synchronize_session=False))
        db.session.commit()
        run.failed.append(reg.id)
    return run
