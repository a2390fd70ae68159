"""Who may scan which event: admin and panitia everywhere, door staff for their one event.

A door-staff grant (DoorStaffGrant) gives scan-only access to one event and ends by itself when
the event ends (or when panitia revoke it).
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import audit
from auth.models import Role, User
from events.checkin_models import DoorStaffGrant
from events.models import Event, EventStatus
from extensions import db
from timeutil import utcnow

STAFF = (Role.ADMIN, Role.PANITIA)


class GrantError(Exception):
    """A grant could not be made; `.message` is Indonesian."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def active_grant(user, event_id: int) -> DoorStaffGrant | None:
    """The user's unrevoked grant for an event that has not ended yet, if any."""
    if user is None or getattr(user, "id", None) is None:
        return None
    return db.session.scalar(
        select(DoorStaffGrant).join(Event, Event.id == DoorStaffGrant.event_id)
        .where(DoorStaffGrant.user_id == user.id, DoorStaffGrant.event_id == event_id,
               DoorStaffGrant.revoked_at.is_(None), Event.ends_at > utcnow()))


def can_scan(user, event_id: int) -> bool:
    """Admin, panitia, or door staff of this event until it ends."""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    if user.role in STAFF:
        return True
    return active_grant(user, event_id) is not None


def can_undo(user) -> bool:
    """Undo is for panitia and admin only (door staff scan)."""
    return user is not None and user.role in STAFF


def has_any_grant(user) -> bool:
    """True when the user is door staff of at least one event that has not ended."""
    if user is None or getattr(user, "id", None) is None:
        return False
    return db.session.scalar(
        select(DoorStaffGrant.id).join(Event, Event.id == DoorStaffGrant.event_id)
        .where(DoorStaffGrant.user_id == user.id, DoorStaffGrant.revoked_at.is_(None),
               Event.ends_at > utcnow()).limit(1)) is not None


def scannable_events(user, *, days_ahead: int = 14) -> list[Event]:
    """Events the user may scan: running today or starting within `days_ahead` days."""
    now = utcnow()
    query = (select(Event).where(Event.ends_at > now - timedelta(hours=12),
                                 Event.starts_at < now + timedelta(days=days_ahead),
                                 Event.status.in_([EventStatus.PUBLISHED, EventStatus.FINISHED]))
             .order_by(Event.starts_at))
    if user.role not in STAFF:
        query = query.join(DoorStaffGrant, DoorStaffGrant.event_id == Event.id).where(
            DoorStaffGrant.user_id == user.id, DoorStaffGrant.revoked_at.is_(None),
            Event.ends_at > now)
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
    if user.role in STAFF:
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
