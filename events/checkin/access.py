"""Who may scan which event: staff (admin, panitia) everywhere, door staff for their event.

A door-staff grant (DoorStaffGrant) gives scan-only access to one event and ends by itself when
the event ends (or when panitia revoke it): `_active_grants` is that rule, written once, and
every question below (may this user scan, which events, any grant at all) asks it.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

import audit
from auth.models import User, is_staff_role
from events.checkin_models import DoorStaffGrant
from events.models import Event, EventStatus
from extensions import db
from helpers.errors import DomainError
from timeutil import utcnow


class GrantError(DomainError):
    """A door-staff grant could not be made."""

    code = "grant_refused"
    kind = "conflict"


class EventNotFound(DomainError):
    code = "not_found"
    kind = "not_found"
    default = "Acara tidak ditemukan."


class NoScanAccess(DomainError):
    code = "forbidden"
    kind = "forbidden"
    default = "Anda tidak memiliki akses pemindai untuk acara ini."


def _active_grants(query, user_id: int):
    """THE rule of an active grant: the user's, not revoked, its event not ended yet."""
    return query.join(Event, Event.id == DoorStaffGrant.event_id).where(
        DoorStaffGrant.user_id == user_id, DoorStaffGrant.revoked_at.is_(None),
        Event.ends_at > utcnow())


def _user_id(user) -> int | None:
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    return getattr(user, "id", None)


def can_scan(user, event_id: int) -> bool:
    """Admin, panitia, or door staff of this event until it ends."""
    user_id = _user_id(user)
    if user_id is None:
        return False
    if is_staff_role(user.role):
        return True
    return db.session.scalar(_active_grants(select(DoorStaffGrant.id), user_id)
                             .where(DoorStaffGrant.event_id == event_id)) is not None


_EVENT = select(Event.id, Event.kind, Event.title, Event.starts_at, Event.ends_at,
                Event.checkin_opens_minutes, Event.checkin_closes_minutes, Event.checkout_enabled
                ).where(Event.id == bindparam("event_id"))


def scannable_event(user, event_id: int):
    """The event's (id, kind, title, times, check-in window and whether it records check-outs)
    if `user` may scan it; else EventNotFound / NoScanAccess. A Core read: it runs on every scan,
    and an ORM load costs more than the check-in itself."""
    event = (db.session.connection().execute(_EVENT, {"event_id": event_id}).first()
             if 0 < event_id < 2**31 else None)
    if event is None:
        raise EventNotFound()
    if not can_scan(user, event.id):
        raise NoScanAccess()
    return event


def can_undo(user) -> bool:
    """Undo is for panitia and admin only (door staff scan)."""
    return user is not None and is_staff_role(getattr(user, "role", None))


def can_force(user) -> bool:
    """A check-in outside the window, with a reason, is for panitia and admin only."""
    return can_undo(user)


def has_any_grant(user) -> bool:
    """True when the user is door staff of at least one event that has not ended."""
    user_id = _user_id(user)
    if user_id is None:
        return False
    return db.session.scalar(_active_grants(select(DoorStaffGrant.id), user_id).limit(1)) is not None


def scannable_events(user, *, days_ahead: int = 14) -> list[Event]:
    """Events the user may scan: running today or starting within `days_ahead` days."""
    now = utcnow()
    query = (select(Event).where(Event.ends_at > now - timedelta(hours=12),
                                 Event.starts_at < now + timedelta(days=days_ahead),
                                 Event.status.in_([EventStatus.PUBLISHED, EventStatus.FINISHED]))
             .order_by(Event.starts_at))
    if not is_staff_role(user.role):
        granted = _active_grants(select(DoorStaffGrant.event_id), user.id)
        query = query.where(Event.id.in_(granted))
    return list(db.session.scalars(query.limit(100)))


def grants_for(event_id: int) -> list[DoorStaffGrant]:
    """All grants of an event, newest first (revoked ones too, for the record)."""
    return list(db.session.scalars(select(DoorStaffGrant).where(DoorStaffGrant.event_id == event_id)
                                   .order_by(DoorStaffGrant.created_at.desc())))


def grant(event: Event, user: User, *, by_user) -> DoorStaffGrant:
    """Give `user` scan-only access to `event` (re-activates a revoked grant)."""
    if event.ends_at <= utcnow():
        raise GrantError("Acara ini sudah selesai; akses petugas pintu tidak bisa diberikan.")
    if not user.active:
        raise GrantError("Akun ini tidak aktif.")
    if is_staff_role(user.role):
        raise GrantError(f"{user.name} sudah bisa memindai semua acara sebagai {user.role_label}.")
    row = db.session.scalar(select(DoorStaffGrant).where(DoorStaffGrant.event_id == event.id,
                                                         DoorStaffGrant.user_id == user.id))
    if row is None:
        row = DoorStaffGrant(event_id=event.id, user_id=user.id, granted_by_id=by_user.id,
                             created_at=utcnow())
        db.session.add(row)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            raise GrantError(f"{user.name} sudah menjadi petugas pintu acara ini.") from None
    elif row.revoked_at is None:
        raise GrantError(f"{user.name} sudah menjadi petugas pintu acara ini.")
    else:
        row.revoked_at = None
        row.granted_by_id = by_user.id
        row.created_at = utcnow()
    audit.record("door_staff_grant", row, user=by_user,
                 details={"event_id": event.id, "user_id": user.id})
    return row


def revoke(row: DoorStaffGrant, *, by_user) -> None:
    """End a grant now."""
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record("door_staff_revoke", row, user=by_user,
                     details={"event_id": row.event_id, "user_id": row.user_id})
