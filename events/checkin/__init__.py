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

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Integer,
    String,
    delete,
    select,
)
from sqlalchemy.exc import IntegrityError

import audit
from auth.models import User
from events.checkin.codes import parse_code
from events.checkin.driver import Statement
from events.checkin.messages import (
    attendee_from_row,
    attendee_of,
    body_for,
    first_from_row,
)
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
             device: str | None = None, method: str = "qr", first_look=None) -> ScanOutcome:
    """Check the holder of `code` in to `event`; replays of `scan_id` get the first answer.
    `first_look`: first_look_of() of a row the caller read for this scan_id and code."""
    stored, first_row = first_look if first_look is not None else _first_look(scan_id, parse_code(code))
    if stored is not None:
        return stored
    event_id, event_kind = event.id, event.kind  # plain values survive a rollback
    user_id = getattr(by_user, "id", None)
    scanned_at = scanned_at or utcnow()
    method = method if method in METHODS else "qr"
    outcome = None
    relawan_id = None
    for attempt in range(3):
        row, relawan, result, extra = _resolve(event_id, code, first_row if attempt == 0 else None)
        if result is None and row is None and relawan is not None:
            row, result, extra = _walk_in(event_id, relawan)
            if result == "retry":
                continue
        if result is None:
            result, extra = _judge(row)
        if result == "checked_in":
            try:
                new_id = _INSERT_CHECK_IN.first({
                    "registration_id": row.id, "event_id": event_id, "scan_id": scan_id,
                    "scanned_at": scanned_at, "recorded_at": utcnow(), "by_user_id": user_id,
                    "device": device, "method": method}).id
            except IntegrityError:
                db.session.rollback()
                stored = _stored(scan_id)
                if stored is not None:  # the same scan_id won the race elsewhere
                    return stored
                continue  # someone else checked this registration in: judge again
            relawan_id = row.relawan_id
            extra = {**extra, "checkin_id": new_id}
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


# The hot path uses Core statements on the tables (one row, only the needed columns): the
# ORM's identity map and unit of work cost more than the queries themselves at the door.
CHECK_IN = CheckIn.__table__
SCAN = ScanRecord.__table__
REG = Registration.__table__
_ROW_COLUMNS = (
    REG.c.id, REG.c.event_id, REG.c.status, REG.c.relawan_id, REG.c.is_walk_in, REG.c.source,
    REG.c.guest_name, REG.c.guest_instansi, Relawan.__table__.c.full_name,
    Relawan.__table__.c.organisation_detail, Relawan.__table__.c.organisation,
    CHECK_IN.c.id.label("ci_id"), CHECK_IN.c.recorded_at.label("ci_recorded_at"),
    CHECK_IN.c.scanned_at.label("ci_scanned_at"), CHECK_IN.c.device.label("ci_device"),
    CHECK_IN.c.method.label("ci_method"), User.__table__.c.name.label("ci_by"))
_ROW_FROM = (REG.outerjoin(Relawan.__table__, Relawan.__table__.c.id == REG.c.relawan_id)
             .outerjoin(CHECK_IN, CHECK_IN.c.registration_id == REG.c.id)
             .outerjoin(User.__table__, User.__table__.c.id == CHECK_IN.c.by_user_id))


def _registration_row(*where):
    return db.session.execute(select(*_ROW_COLUMNS).select_from(_ROW_FROM).where(*where)).first()


# The first look at a scan, in one round trip: the stored answer for scan_id (a replay) and the
# registration for the token with its check-in, if any. One row always (LEFT JOINs from a dual).
# The three hot-path statements go straight to the driver (events/checkin/driver.py).
# FIRST_LOOK_* are also appended to the bearer-token lookup of the scan endpoint (auth.tokens),
# so a scanner's request reads token, event, grant and this in one statement.
FIRST_LOOK_COLUMNS_SQL = (
    "s.result AS s_result, s.http_status AS s_status, s.body AS s_body, "
    "r.id AS id, r.event_id AS event_id, r.status AS status, r.relawan_id AS relawan_id, "
    "r.is_walk_in AS is_walk_in, r.source AS source, r.guest_name AS guest_name, "
    "r.guest_instansi AS guest_instansi, rl.full_name AS full_name, "
    "rl.organisation_detail AS organisation_detail, rl.organisation AS organisation, "
    "c.id AS ci_id, c.recorded_at AS ci_recorded_at, c.scanned_at AS ci_scanned_at, "
    "c.device AS ci_device, c.method AS ci_method, cu.name AS ci_by, card.id AS card_id")
FIRST_LOOK_JOINS_SQL = (
    " LEFT JOIN scan_record s ON s.scan_id = :scan_id"
    " LEFT JOIN registration r ON r.token = :token"
    " LEFT JOIN relawan rl ON rl.id = r.relawan_id"
    " LEFT JOIN check_in c ON c.registration_id = r.id"
    " LEFT JOIN \"user\" cu ON cu.id = c.by_user_id"
    " LEFT JOIN relawan card ON card.card_token = :token")
FIRST_LOOK_TYPES = {
    "s_result": String, "s_status": Integer, "s_body": JSON, "id": Integer, "event_id": Integer,
    "status": String, "relawan_id": Integer, "is_walk_in": Boolean, "source": String,
    "guest_name": String, "guest_instansi": String, "full_name": String,
    "organisation_detail": String, "organisation": String, "ci_id": Integer,
    "ci_recorded_at": DateTime, "ci_scanned_at": DateTime, "ci_device": String,
    "ci_method": String, "ci_by": String, "card_id": Integer}
_FIRST_LOOK = Statement(
    f"SELECT {FIRST_LOOK_COLUMNS_SQL} FROM (SELECT 1 AS one) AS o{FIRST_LOOK_JOINS_SQL}",
    columns=FIRST_LOOK_TYPES)


_INSERT_CHECK_IN = Statement(
    "INSERT INTO check_in (registration_id, event_id, scan_id, scanned_at, recorded_at, "
    "by_user_id, device, method) VALUES (:registration_id, :event_id, :scan_id, :scanned_at, "
    ":recorded_at, :by_user_id, :device, :method) RETURNING id",
    binds={"scanned_at": DateTime(), "recorded_at": DateTime()}, columns={"id": Integer})
_INSERT_SCAN = Statement(
    "INSERT INTO scan_record (scan_id, event_id, result, http_status, body, by_user_id, "
    "recorded_at) VALUES (:scan_id, :event_id, :result, :http_status, :body, :by_user_id, "
    ":recorded_at)",
    binds={"body": JSON(), "recorded_at": DateTime()})


def _first_look(scan_id: str, token: str | None):
    """(stored outcome or None, registration row or None) in one query."""
    return first_look_of(_FIRST_LOOK.first({"scan_id": scan_id, "token": token}))


def first_look_of(row):
    """(stored outcome or None, registration row or None) from a row with FIRST_LOOK columns."""
    if row.s_result is not None:
        return ScanOutcome(row.s_result, row.s_status, row.s_body), None
    return None, (row if row.id is not None else None)


def _stored(scan_id: str) -> ScanOutcome | None:
    row = db.session.execute(select(SCAN.c.result, SCAN.c.http_status, SCAN.c.body)
                             .where(SCAN.c.scan_id == scan_id)).first()
    return ScanOutcome(row.result, row.http_status, row.body) if row else None


def _save(scan_id: str, event_id: int, user_id: int | None, outcome: ScanOutcome) -> ScanOutcome:
    """Store the first answer for scan_id; a lost race returns the winner's answer."""
    try:
        _INSERT_SCAN.execute({
            "scan_id": scan_id, "event_id": event_id, "result": outcome.result,
            "http_status": outcome.http_status, "body": outcome.body, "by_user_id": user_id,
            "recorded_at": utcnow()})
    except IntegrityError:
        db.session.rollback()
        stored = _stored(scan_id)
        if stored is None:  # pragma: no cover - the other writer rolled back
            raise
        return stored
    return outcome


def _resolve(event_id: int, code: str, row=None):
    """(registration row, relawan, result-or-None, extra) for a scanned code."""
    token = parse_code(code)
    if token is None:
        return None, None, "invalid_code", {}
    if row is None or row.id is None:
        row = _registration_row(REG.c.token == token)
    if row is not None:
        if row.event_id != event_id:
            return row, None, "wrong_event", {"attendee": attendee_from_row(row),
                                              "other_event": db.session.get(Event, row.event_id)}
        return row, None, None, {}
    relawan = db.session.scalar(select(Relawan).where(Relawan.card_token == token))
    if relawan is None:
        return None, None, "invalid_code", {}
    row = _registration_row(REG.c.event_id == event_id, REG.c.relawan_id == relawan.id)
    return row, relawan, None, {}


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
    return _registration_row(REG.c.id == reg.id), None, {"walk_in": True}


def _judge(row):
    """The outcome for a registration of this event (checked_in means: try to insert)."""
    attendee = attendee_from_row(row)
    if row.status == RegistrationStatus.CANCELLED:
        return "cancelled", {"attendee": attendee}
    if row.status == RegistrationStatus.WAITLISTED:
        return "not_registered", {"attendee": attendee, "waitlisted": True}
    if row.ci_id is not None:
        return "already_checked_in", {"attendee": attendee, "first_check_in": first_from_row(row),
                                      "checkin_id": row.ci_id}
    return "checked_in", {"attendee": attendee,
                          "walk_in": bool(row.is_walk_in and row.source == "walk_in")}


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
