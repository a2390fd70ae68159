"""Registration rules: capacity under concurrency, waitlist, guests, walk-ins, cancellation.

Event.seats_taken changes only through an atomic conditional UPDATE, so two people can never
both take the last seat; uniqueness (one registration per relawan or guest phone per event) is
guarded by the database's unique constraints, never by check-then-insert alone.
"""
from __future__ import annotations

import secrets

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

import audit
from auth.models import is_staff_role
from events.models import Event, EventStatus, Registration, RegistrationStatus
from events.services import companions as family
from events.services import notices
from events.services.eligibility import may_register
from extensions import db
from helpers.errors import DomainError
from relawan.models import Relawan
from timeutil import utcnow

# Who may register for what (status rules) is events/services/eligibility.py, asked below.
# Registrations that queue their ticket at once. Not "program" (one enrollment registers every
# session: a ticket each would flood the phone), "import" (panitia send invitees their tickets
# with "Kirim tiket") or "walk_in" (the person is already in the room).
TICKET_ON_REGISTER = {"self", "guest"}


class RegistrationError(DomainError):
    """A registration could not be made or changed; `.message` is Indonesian."""

    code = "registration_refused"
    kind = "conflict"
    default = "Pendaftaran tidak dapat diproses."


class EventClosed(RegistrationError):
    code = "event_closed"
    default = "Pendaftaran untuk kegiatan ini sudah ditutup."


class EventCancelled(RegistrationError):
    code = "event_cancelled"
    default = "Kegiatan ini dibatalkan. Pendaftaran tidak dapat dilakukan."


class AlreadyRegistered(RegistrationError):
    code = "already_registered"
    default = "Anda sudah terdaftar pada kegiatan ini."


class NotEligible(RegistrationError):
    code = "not_eligible"
    kind = "forbidden"
    default = "Anda belum dapat mendaftar untuk kegiatan ini."


def new_token() -> str:
    """An unguessable ticket token: 18 random bytes = 144 bits, 24 URL-safe characters."""
    return secrets.token_urlsafe(18)


def check_open(event: Event, *, now=None, walk_in: bool = False, by_staff: bool = False) -> None:
    """Raise EventCancelled/EventClosed unless the event accepts registrations now.

    by_staff (panitia importing invitees): drafts and the registration window do not apply.
    """
    now = now or utcnow()
    if event.status == EventStatus.CANCELLED:
        raise EventCancelled()
    if event.status == EventStatus.DRAFT and not by_staff:
        raise EventClosed("Kegiatan ini belum dibuka untuk pendaftaran.")
    if event.status == EventStatus.FINISHED or event.ends_at <= now:
        raise EventClosed("Kegiatan ini sudah selesai.")
    if walk_in or by_staff:
        return
    if event.registration_opens_at and now < event.registration_opens_at:
        raise EventClosed("Pendaftaran belum dibuka.")
    if event.registration_closes_at and now >= event.registration_closes_at:
        raise EventClosed()


def take_seat(event_id: int, n: int = 1) -> bool:
    """Atomically take n seats (a family is seated as one unit) if that many are left;
    True = confirmed, False = full."""
    result = db.session.execute(
        update(Event)
        .where(Event.id == event_id,
               or_(Event.capacity.is_(None), Event.seats_taken + n <= Event.capacity))
        .values(seats_taken=Event.seats_taken + n)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def _force_seat(event_id: int) -> None:
    """Take a seat regardless of capacity (walk-ins at the door: they are already in the room)."""
    db.session.execute(update(Event).where(Event.id == event_id)
                       .values(seats_taken=Event.seats_taken + 1)
                       .execution_options(synchronize_session=False))


def _release_seat(event_id: int, n: int = 1) -> None:
    db.session.execute(update(Event).where(Event.id == event_id, Event.seats_taken >= n)
                       .values(seats_taken=Event.seats_taken - n)
                       .execution_options(synchronize_session=False))


def _insert(reg: Registration, *, duplicate_message: str) -> Registration:
    """Flush the new row; the unique constraints turn a duplicate into AlreadyRegistered.

    On SQLite a SAVEPOINT on a fresh pysqlite transaction would commit on RELEASE, so we flush
    plainly and roll the whole unit of work back on IntegrityError (this also returns the seat).
    """
    db.session.add(reg)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyRegistered(duplicate_message) from None
    return reg


def _add_companions(lead: Registration, companions) -> None:
    """The lead's companions, each a registration with its own ticket token and the lead's status."""
    for companion in companions:
        db.session.add(family.companion_row(lead, companion, new_token()))
    db.session.flush()


def _refresh_seats(event: Event) -> None:
    """Reload seats_taken after the SQL-side update so pages show the current count."""
    db.session.refresh(event, attribute_names=["seats_taken"])


def _existing(event_id: int, *, relawan_id=None, phone=None) -> Registration | None:
    cond = (Registration.relawan_id == relawan_id) if relawan_id else (Registration.guest_phone == phone)
    return db.session.scalar(select(Registration).where(Registration.event_id == event_id, cond))


def _reuse_cancelled(reg: Registration, event: Event, source: str, confirmed: bool) -> Registration:
    """A cancelled registration re-activated: same row (the unique key), a fresh token."""
    reg.status = RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITLISTED
    reg.cancelled_at = None
    reg.source = source
    reg.token = new_token()
    reg.created_at = utcnow()  # back of the waitlist queue
    db.session.flush()
    return reg


def register_relawan(event: Event, relawan: Relawan, *, source: str = "self",
                     enrollment_id: int | None = None, companions=()) -> Registration:
    """Register a relawan (with `companions`, family.Companion, as one unit): confirmed while
    seats last, else waitlisted. Raises RegistrationError."""
    decision = may_register(relawan, event)
    if not decision:
        raise NotEligible(decision.reason)
    check_open(event)
    existing = _existing(event.id, relawan_id=relawan.id)
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        raise AlreadyRegistered()
    confirmed = take_seat(event.id, 1 + len(companions))
    if existing is not None:
        reg = _reuse_cancelled(existing, event, source, confirmed)
        reg.enrollment_id = enrollment_id or reg.enrollment_id
    else:
        reg = _insert(Registration(
            event_id=event.id, relawan_id=relawan.id, enrollment_id=enrollment_id, source=source,
            status=RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITLISTED,
            token=new_token(), created_at=utcnow()), duplicate_message=AlreadyRegistered.default)
    _add_companions(reg, companions)
    _refresh_seats(event)
    if source in TICKET_ON_REGISTER:
        notices.send_ticket(reg)
    return reg


def register_guest(event: Event, *, name: str, instansi: str | None, jabatan: str | None,
                   phone: str, email: str | None = None, kelurahan_kode: str | None = None,
                   source: str = "guest", companions=()) -> Registration:
    """Register a person without an account (phone already normalised to E.164)."""
    if source == "guest" and not event.allow_guests:
        raise NotEligible("Kegiatan ini hanya untuk relawan terdaftar.")
    check_open(event, by_staff=source == "import")
    message = "Nomor HP ini sudah terdaftar pada kegiatan ini."
    existing = _existing(event.id, phone=phone)
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        raise AlreadyRegistered(message)
    confirmed = take_seat(event.id, 1 + len(companions))
    fields = {"guest_name": name.strip(), "guest_instansi": (instansi or "").strip() or None,
              "guest_jabatan": (jabatan or "").strip() or None, "guest_phone": phone,
              "guest_email": email or None, "guest_kelurahan_kode": kelurahan_kode or None}
    if existing is not None:
        for key, value in fields.items():
            setattr(existing, key, value)
        reg = _reuse_cancelled(existing, event, source, confirmed)
    else:
        reg = _insert(Registration(
            event_id=event.id, source=source, token=new_token(), created_at=utcnow(),
            status=RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITLISTED,
            **fields), duplicate_message=message)
    _add_companions(reg, companions)
    _refresh_seats(event)
    if source in TICKET_ON_REGISTER:
        notices.send_ticket(reg)
    return reg


def register_walk_in(event: Event, relawan: Relawan) -> Registration:
    """Register a relawan who turned up at the door: confirmed regardless of capacity."""
    if not event.allow_walk_ins:
        raise NotEligible("Kegiatan ini tidak menerima peserta tanpa pendaftaran (walk-in).")
    if not may_register(relawan, event):  # said to the door staff, hence not the "Anda" reason
        raise NotEligible(f"Status relawan ini ({relawan.status_label}) belum memungkinkan "
                          "pendaftaran kegiatan ini.")
    check_open(event, walk_in=True)
    existing = _existing(event.id, relawan_id=relawan.id)
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        raise AlreadyRegistered("Relawan ini sudah terdaftar pada kegiatan ini.")
    _force_seat(event.id)
    if existing is not None:
        reg = _reuse_cancelled(existing, event, "walk_in", True)
        reg.is_walk_in = True
    else:
        reg = _insert(Registration(event_id=event.id, relawan_id=relawan.id, source="walk_in",
                                   is_walk_in=True, status=RegistrationStatus.CONFIRMED,
                                   token=new_token(), created_at=utcnow()),
                      duplicate_message="Relawan ini sudah terdaftar pada kegiatan ini.")
    _refresh_seats(event)
    return reg


def promote_waitlist(event: Event) -> list[Registration]:
    """Give free seats to the waitlist in order (created_at, id), a family as one unit (the
    queue waits until the whole family fits), and queue each promoted lead's ticket. Returns the
    promoted registrations without companions."""
    promoted = []
    while True:
        query = (select(Registration)
                 .where(Registration.event_id == event.id,
                        Registration.status == RegistrationStatus.WAITLISTED,
                        Registration.lead_registration_id.is_(None))
                 .order_by(Registration.created_at, Registration.id).limit(1))
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update()
        candidate = db.session.scalar(query)
        unit = [] if candidate is None else [candidate] + [
            c for c in candidate.companions if c.status == RegistrationStatus.WAITLISTED]
        if candidate is None or not take_seat(event.id, len(unit)):
            break
        for member in unit:
            member.status = RegistrationStatus.CONFIRMED
        db.session.flush()
        promoted.append(candidate)
    _refresh_seats(event)
    notices.send_promoted(promoted)
    return promoted


class CancelForbidden(RegistrationError):
    code = "cancel_forbidden"
    kind = "forbidden"
    default = ("Hanya pemegang tiket, panitia, atau admin yang dapat membatalkan pendaftaran ini. "
               "Jika ini tiket Anda, keluar dari akun ini lalu buka tautan tiket Anda.")


class CancelTooLate(RegistrationError):
    code = "cancel_too_late"
    default = "Kegiatan sudah selesai; pendaftaran tidak dapat dibatalkan lagi."


def may_cancel(reg: Registration, by_user) -> bool:
    """Who may cancel: panitia and admin, the relawan whose registration it is, and (by_user None)
    a visitor who is not logged in and opened the ticket link: the token is a guest's only
    credential. Any other account, door staff included, may not (issue 11: door staff cancelled
    registrations with tokens read from the door list)."""
    if by_user is None:
        return True
    if is_staff_role(by_user.role):
        return True
    return reg.relawan is not None and reg.relawan.user_id == by_user.id


def cancel_registration(reg: Registration, by_user=None, *, notify: bool = True) -> list[Registration]:
    """Cancel a registration (see may_cancel; only before the event ends), audit it and queue a
    message to the registrant (not with `notify` off: leaving a program sends no message per session); a freed
    seat goes to the first on the waitlist (same transaction). by_user None: the anonymous
    holder of the ticket link."""
    if not may_cancel(reg, by_user):
        raise CancelForbidden()
    if reg.event.ends_at <= utcnow():
        raise CancelTooLate()
    if reg.status == RegistrationStatus.CANCELLED:
        raise RegistrationError("Pendaftaran ini sudah dibatalkan.")
    group = family.group_of(reg)  # cancelling the lead cancels the companions with it
    if any(member.check_in is not None for member in group):
        raise RegistrationError("Peserta sudah hadir (check-in), pendaftaran tidak dapat dibatalkan.")
    was_confirmed = reg.status == RegistrationStatus.CONFIRMED
    by_staff = by_user is not None and is_staff_role(by_user.role)
    for member in group:
        member.status = RegistrationStatus.CANCELLED
        member.cancelled_at = utcnow()
    db.session.flush()
    audit.record("registration_cancel", reg, user=by_user,
                 details={"event_id": reg.event_id, "was": "confirmed" if was_confirmed else "waitlisted",
                          "by": "staff" if by_staff else "holder"})
    if notify:
        notices.send_cancelled(reg, by=by_user, by_staff=by_staff)
    if not was_confirmed:
        return []
    _release_seat(reg.event_id, len(group))
    return promote_waitlist(reg.event)


def waitlist_position(reg: Registration) -> int | None:
    """1-based place in the event's waitlist, or None when not waitlisted."""
    if reg.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count()).select_from(Registration).where(
            Registration.event_id == reg.event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.lead_registration_id.is_(None),  # a family is one place in the queue
            or_(Registration.created_at < reg.created_at,
                and_(Registration.created_at == reg.created_at, Registration.id < reg.id))))
    return ahead + 1


def registration_for(event_id: int, relawan_id: int) -> Registration | None:
    """The relawan's registration for an event (any status), or None."""
    return _existing(event_id, relawan_id=relawan_id)


def registrations_of_relawan(relawan_id: int, *, include_past: bool = True) -> list[Registration]:
    """A relawan's registrations, newest event first (for their home page and 'Kegiatan saya')."""
    query = (select(Registration).join(Event).where(Registration.relawan_id == relawan_id)
             .order_by(Event.starts_at.desc()))
    if not include_past:
        query = query.where(Event.ends_at >= utcnow())
    return list(db.session.scalars(query))
