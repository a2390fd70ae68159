"""Check-in records: one per registration, the movements out and in again after it, scan
replay records, door-staff grants."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events.models import Event, Registration
from extensions import db
from timeutil import utcnow


class CheckIn(db.Model):
    """Exactly one check-in per registration, guaranteed by the unique constraint."""

    __tablename__ = "check_in"
    __table_args__ = (Index("ix_check_in_event_recorded", "event_id", "recorded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"))
    scan_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    scanned_at: Mapped[datetime] = mapped_column(DateTime)   # device time (offline uploads)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # server time
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    device: Mapped[str | None] = mapped_column(String(80))
    method: Mapped[str] = mapped_column(String(10), default="qr")  # qr | manual | search
    # Set when panitia checked someone in outside the check-in window (record_scan's force):
    # their reason. Such a check-in counts for completion (events/training/progress.py).
    forced_reason: Mapped[str | None] = mapped_column(String(300))

    registration: Mapped[Registration] = relationship(back_populates="check_in")
    by_user = relationship("User")


class CheckInMovement(db.Model):
    """One pass through the door after the check-in, on an event with check-out switched on
    (Event.checkout_enabled, issue 13.3): out, in again, out...

    The CheckIn is the first "in" (seq 1) and is never repeated; its movements go on counting:
    seq 2 is the first "out", 3 the next "in", so the direction follows from seq (even = out,
    odd = in; the check constraint keeps the column honest). The unique (checkin_id, seq) is what
    keeps in and out alternating when two doors scan the same person at the same moment: both
    would write the same next seq, the database lets one through and the other scan is judged
    again and finds the person already outside (events/checkin/movements.py). Deleting the
    check-in (undo) deletes its movements."""

    __tablename__ = "check_in_movement"
    __table_args__ = (
        UniqueConstraint("checkin_id", "seq"),
        CheckConstraint("seq >= 2 AND direction = CASE WHEN seq % 2 = 0 THEN 'out' ELSE 'in' END",
                        name="direction_follows_seq"),
        Index("ix_check_in_movement_event_at", "event_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("check_in.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"))
    seq: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(3))   # "in" | "out"
    at: Mapped[datetime] = mapped_column(DateTime)      # scan time (device time, offline uploads)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # server time
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    device: Mapped[str | None] = mapped_column(String(80))
    method: Mapped[str] = mapped_column(String(10), default="qr")
    scan_id: Mapped[str | None] = mapped_column(String(36), unique=True)


class ScanRecord(db.Model):
    """Every scan's first answer, keyed by the client's scan_id, so replays get the same body."""

    __tablename__ = "scan_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)
    result: Mapped[str] = mapped_column(String(24))  # the API maps it to the HTTP status
    body: Mapped[dict] = mapped_column(JSON)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DoorStaffGrant(db.Model):
    """Scan-only access for one user to one event, ending when the event ends."""

    __tablename__ = "door_staff_grant"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    event: Mapped[Event] = relationship()
    user = relationship("User", foreign_keys=[user_id])
