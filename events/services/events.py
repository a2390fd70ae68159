"""Event rules: create, edit (dates, capacity), publish, cancel."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update

import audit
from events.models import (
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from events.services import notices
from events.services.registration import promote_waitlist
from extensions import db
from helpers.errors import DomainError
from timeutil import utcnow

EDITABLE = ("kind", "title", "description", "venue_name", "venue_address", "starts_at", "ends_at",
            "registration_opens_at", "registration_closes_at", "allow_guests", "allow_walk_ins",
            "organiser_name", "organiser_phone", "organiser_email", "program_id", "program_order",
            "required", "ketua_panitia_name", "ketua_panitia_nip", "kepala_dinas_name",
            "kepala_dinas_nip", "checkin_opens_minutes", "checkin_closes_minutes",
            "checkout_enabled")


class EventError(DomainError):
    """An event could not be saved; `.fields` maps form field -> Indonesian message."""

    code = "event_invalid"
    kind = "invalid"


@dataclass
class EventData:
    """What a panitia typed, already converted to naive UTC."""

    kind: str
    title: str
    venue_name: str
    starts_at: datetime
    ends_at: datetime
    description: str | None = None
    venue_address: str | None = None
    capacity: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    allow_guests: bool = False
    allow_walk_ins: bool = False
    organiser_name: str | None = None
    organiser_phone: str | None = None
    organiser_email: str | None = None
    program_id: int | None = None
    program_order: int | None = None
    required: bool = True
    # Signature blocks of the daftar hadir (NIP already 18 digits, helpers.nip); None: configured
    ketua_panitia_name: str | None = None
    ketua_panitia_nip: str | None = None
    kepala_dinas_name: str | None = None
    kepala_dinas_nip: str | None = None
    # Check-in window minutes (events/checkin/window.py); None: the configured defaults
    checkin_opens_minutes: int | None = None
    checkin_closes_minutes: int | None = None
    # Check-out at the door: the scanner's Masuk/Keluar switch (events/checkin/movements.py)
    checkout_enabled: bool = False
    extra: dict = field(default_factory=dict)


def validate(data: EventData) -> dict[str, str]:
    """Field errors for dates, capacity and kind (empty dict = valid)."""
    errors = {}
    if data.kind not in {k.value for k in EventKind}:
        errors["kind"] = "Jenis kegiatan tidak dikenal."
    if data.ends_at <= data.starts_at:
        errors["ends_at"] = "Waktu selesai harus setelah waktu mulai."
    if data.capacity is not None and data.capacity < 1:
        errors["capacity"] = "Kuota minimal 1 orang, atau kosongkan untuk tanpa batas."
    if (data.registration_opens_at and data.registration_closes_at
            and data.registration_closes_at <= data.registration_opens_at):
        errors["registration_closes_at"] = "Pendaftaran harus ditutup setelah dibuka."
    if data.registration_closes_at and data.registration_closes_at > data.ends_at:
        errors["registration_closes_at"] = "Pendaftaran harus ditutup sebelum kegiatan selesai."
    for who in ("ketua_panitia", "kepala_dinas"):
        if getattr(data, f"{who}_nip") and not getattr(data, f"{who}_name"):
            errors[f"{who}_name"] = "Isi nama pemilik NIP ini, atau kosongkan NIP-nya."
    if data.program_id and data.kind != EventKind.PELATIHAN:
        errors["program_id"] = "Hanya kegiatan jenis pelatihan yang dapat menjadi sesi program."
    return errors


def create_event(data: EventData, by_user=None) -> Event:
    """A new event in draft status. Raises EventError."""
    errors = validate(data)
    if errors:
        raise EventError(fields=errors)
    event = Event(status=EventStatus.DRAFT, capacity=data.capacity, seats_taken=0,
                  created_by_id=getattr(by_user, "id", None))
    for name in EDITABLE:
        setattr(event, name, getattr(data, name))
    db.session.add(event)
    db.session.flush()
    audit.record("event_create", event, user=by_user, details={"title": event.title})
    return event


def update_event(event: Event, data: EventData, by_user=None) -> list[Registration]:
    """Save edits. Capacity may not drop below the confirmed seats (checked atomically).

    Returns the waitlisted registrations promoted when the capacity grew.
    """
    errors = validate(data)
    if event.status == EventStatus.CANCELLED:
        errors["title"] = "Kegiatan yang dibatalkan tidak dapat diubah."
    if errors:
        raise EventError(fields=errors)
    if data.capacity != event.capacity:
        # Conditional UPDATE: a registration racing with this edit cannot slip past the new cap.
        cap_ok = db.session.execute(
            update(Event).where(Event.id == event.id,
                                Event.seats_taken <= (data.capacity if data.capacity is not None
                                                      else Event.seats_taken))
            .values(capacity=data.capacity).execution_options(synchronize_session=False))
        if cap_ok.rowcount != 1:
            db.session.refresh(event, attribute_names=["seats_taken"])
            raise EventError(fields={"capacity": (
                f"Kuota tidak boleh lebih kecil dari jumlah peserta terdaftar ({event.seats_taken} orang).")})
        db.session.refresh(event, attribute_names=["capacity", "seats_taken"])
    for name in EDITABLE:
        setattr(event, name, getattr(data, name))
    db.session.flush()
    audit.record("event_update", event, user=by_user, details={"title": event.title})
    return promote_waitlist(event)


def publish_event(event: Event, by_user=None) -> None:
    """Draft -> published (visible on the public pages, open for registration)."""
    if event.status != EventStatus.DRAFT:
        raise EventError(fields={"status": "Hanya kegiatan berstatus draf yang dapat diterbitkan."})
    if event.ends_at <= utcnow():
        raise EventError(fields={"status": "Kegiatan yang sudah lewat tidak dapat diterbitkan."})
    event.status = EventStatus.PUBLISHED
    audit.record("event_publish", event, user=by_user)


def cancel_event(event: Event, reason: str, by_user=None) -> list[Registration]:
    """Cancel: registrants see the reason on their ticket and home pages and are sent it through
    the outbox. Returns the registrants."""
    if event.status == EventStatus.CANCELLED:
        raise EventError(fields={"reason": "Kegiatan ini sudah dibatalkan."})
    if event.status == EventStatus.FINISHED:
        raise EventError(fields={"reason": "Kegiatan yang sudah selesai tidak dapat dibatalkan."})
    reason = (reason or "").strip()
    if not reason:
        raise EventError(fields={"reason": "Tuliskan alasan pembatalan untuk peserta."})
    event.status = EventStatus.CANCELLED
    event.cancel_reason = reason
    event.cancelled_at = utcnow()
    audit.record("event_cancel", event, user=by_user, details={"reason": reason})
    db.session.flush()
    registrants = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED)))
    notices.send_event_cancelled(event, registrants, by=by_user)
    return registrants


def registration_counts(event_id: int) -> dict[str, int]:
    """confirmed / waitlisted / cancelled counts for an event."""
    from sqlalchemy import func
    rows = db.session.execute(select(Registration.status, func.count()).where(
        Registration.event_id == event_id).group_by(Registration.status)).all()
    counts = {s.value: 0 for s in RegistrationStatus}
    counts.update(dict(rows))
    return counts
