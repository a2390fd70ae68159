"""Check-in service: one scan in, one outcome out (idempotent per scan_id).

The rules (issue 4, DESIGN.md "Check-in is idempotent"):
- exactly one CheckIn per registration, guaranteed by the unique constraint: we INSERT and
  turn the IntegrityError into `already_checked_in` (never check-then-insert alone);
- every scan's first answer is stored in ScanRecord under its client-made scan_id, so a replay
  (retry after a timeout, offline queue uploaded twice) gets the same status and body, also
  when two copies race;
- on SQLite we never open a SAVEPOINT on a fresh pysqlite transaction (legacy transaction mode
  makes RELEASE commit): we flush inside try/except and roll the unit of work back.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

import audit
from events.checkin.codes import parse_code
from events.checkin.messages import attendee_of, body_for, first_check_in_of
from events.checkin_models import CheckIn, ScanRecord
from events.models import Event, EventKind, Registration, RegistrationStatus
from extensions import db
from relawan.models import Relawan
from timeutil import utcnow

METHODS = ("qr", "search", "manual")
STATUS = {"checked_in": 201, "already_checked_in": 200, "invalid_code": 404,
          "not_registered": 409, "wrong_event": 409, "cancelled": 409}


@dataclass
class ScanOutcome:
    """The answer to one scan: result name, HTTP status and the JSON body."""

    result: str
    http_status: int
    body: dict


class CheckInError(Exception):
    """A check-in could not be undone; `.message` is Indonesian."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def new_scan_id() -> str:
    """A server-made scan_id for pages that check in without a scanner (one-tap buttons)."""
    return str(uuid.uuid4())


def check_in(event: Event, code: str, *, by_user, scan_id: str, scanned_at: datetime | None = None,
             device: str | None = None, method: str = "qr") -> ScanOutcome:
    """Check the holder of `code` in to `event`; replays of `scan_id` get the first answer."""
    stored = _stored(scan_id)
    if stored is not None:
        return stored
    event_id, event_kind = event.id, event.kind  # plain values survive a rollback
    user_id = getattr(by_user, "id", None)
    scanned_at = scanned_at or utcnow()
    method = method if method in METHODS else "qr"
    outcome = None
    relawan_id = None
    for _attempt in range(3):
        reg, relawan, result, extra = _resolve(event_id, code)
        if result is None and reg is None and relawan is not None:
            reg, result, extra = _walk_in(event_id, relawan)
            if result == "retry":
                continue
        if result is None:
            result, extra = _judge(reg, event_id)
        if result == "checked_in":
            row = CheckIn(registration_id=reg.id, event_id=event_id, scan_id=scan_id,
                          scanned_at=scanned_at, recorded_at=utcnow(), by_user_id=user_id,
                          device=device, method=method)
            attendee = attendee_of(reg)
            relawan_id = reg.relawan_id
            db.session.add(row)
            try:
                db.session.flush()
            except IntegrityError:
                db.session.rollback()
                stored = _stored(scan_id)
                if stored is not None:  # the same scan_id won the race elsewhere
                    return stored
                relawan_id = None
                continue  # someone else checked this registration in: judge again
            extra = {**extra, "checkin_id": row.id, "attendee": attendee}
        outcome = body_for(result, STATUS[result], extra)
        break
    if outcome is None:  # pragma: no cover - three lost races in a row
        outcome = body_for("already_checked_in", 200, {"attendee": None})
    saved = _save(scan_id, event_id, user_id, outcome)
    if saved is not outcome:
        return saved
    if outcome.result == "checked_in" and relawan_id and event_kind == EventKind.PELATIHAN:
        _recompute_training(relawan_id)
    return outcome


def _stored(scan_id: str) -> ScanOutcome | None:
    row = db.session.execute(select(ScanRecord.result, ScanRecord.http_status, ScanRecord.body)
                             .where(ScanRecord.scan_id == scan_id)).first()
    return ScanOutcome(row.result, row.http_status, row.body) if row else None


def _save(scan_id: str, event_id: int, user_id: int | None, outcome: ScanOutcome) -> ScanOutcome:
    """Store the first answer for scan_id; a lost race returns the winner's answer."""
    db.session.add(ScanRecord(scan_id=scan_id, event_id=event_id, result=outcome.result,
                              http_status=outcome.http_status, body=outcome.body,
                              by_user_id=user_id, recorded_at=utcnow()))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        stored = _stored(scan_id)
        if stored is None:  # pragma: no cover - the other writer rolled back
            raise
        return stored
    return outcome


def _resolve(event_id: int, code: str):
    """(registration, relawan, result-or-None, extra) for a scanned code."""
    token = parse_code(code)
    if token is None:
        return None, None, "invalid_code", {}
    reg = db.session.scalar(
        select(Registration).where(Registration.token == token)
        .options(joinedload(Registration.relawan), joinedload(Registration.event)))
    if reg is not None:
        if reg.event_id != event_id:
            return reg, None, "wrong_event", {"attendee": attendee_of(reg), "other_event": reg.event}
        return reg, None, None, {}
    relawan = db.session.scalar(select(Relawan).where(Relawan.card_token == token))
    if relawan is None:
        return None, None, "invalid_code", {}
    reg = db.session.scalar(
        select(Registration).where(Registration.event_id == event_id,
                                   Registration.relawan_id == relawan.id)
        .options(joinedload(Registration.relawan)))
    return reg, relawan, None, {}


def _walk_in(event_id: int, relawan: Relawan):
    """A personal card without a registration: register a walk-in when the event allows it."""
    event = db.session.get(Event, event_id)
    if not event.allow_walk_ins:
        return None, "not_registered", {"attendee": {"name": relawan.full_name,
                                                     "instansi": relawan.organisation_detail
                                                     or relawan.organisation}}
    from events.services import registration as reg_service
    try:
        reg = reg_service.register_walk_in(event, relawan)
    except reg_service.AlreadyRegistered:
        return None, "retry", {}  # registered concurrently: resolve again
    except reg_service.RegistrationError as exc:
        return None, "not_registered", {"attendee": {"name": relawan.full_name, "instansi": None},
                                        "reason": exc.message}
    return reg, None, {"walk_in": True}


def _judge(reg: Registration, event_id: int):
    """The outcome for a registration of this event (checked_in means: try to insert)."""
    if reg.status == RegistrationStatus.CANCELLED:
        return "cancelled", {"attendee": attendee_of(reg)}
    if reg.status == RegistrationStatus.WAITLISTED:
        return "not_registered", {"attendee": attendee_of(reg), "waitlisted": True}
    first = db.session.scalar(select(CheckIn).where(CheckIn.registration_id == reg.id)
                              .options(joinedload(CheckIn.by_user)))
    if first is not None:
        return "already_checked_in", {"attendee": attendee_of(reg),
                                      "first_check_in": first_check_in_of(first),
                                      "checkin_id": first.id}
    return "checked_in", {"walk_in": bool(reg.is_walk_in and reg.source == "walk_in")}


def _recompute_training(relawan_id: int) -> None:
    """Check-in of a pelatihan session may complete a training program (events.training)."""
    try:
        from events.training import recompute_for_relawan
    except ImportError:  # the training service is written with the events issue
        return
    recompute_for_relawan(relawan_id)


def undo(checkin_id: int, *, by_user) -> dict:
    """Delete one CheckIn (panitia/admin decide who may) and write it to the audit log."""
    row = db.session.get(CheckIn, checkin_id)
    if row is None:
        raise CheckInError("Check-in tidak ditemukan atau sudah dibatalkan.")
    reg = db.session.get(Registration, row.registration_id)
    name = attendee_of(reg)["name"] if reg else "-"
    audit.record("checkin_undo", row, user=by_user,
                 details={"event_id": row.event_id, "registration_id": row.registration_id,
                          "scan_id": row.scan_id, "scanned_at": row.scanned_at.isoformat(),
                          "device": row.device, "method": row.method})
    db.session.execute(delete(CheckIn).where(CheckIn.id == checkin_id))
    return {"result": "undone", "message": f"Check-in {name} dibatalkan.", "checkin_id": checkin_id,
            "attendee": attendee_of(reg) if reg else None, "first_check_in": None}
