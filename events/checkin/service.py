"""The one check-in: `record_scan` decides and records a scan for every caller.

The scanner API (bearer token or browser session), the one-tap check-in on a ticket page and
the door desk all call `record_scan` after `access.scannable_event` said the user may scan the
event. The rules (DESIGN.md "Check-in is idempotent"):
- exactly one CheckIn per registration, decided by the unique constraint on
  check_in.registration_id: we INSERT and turn the IntegrityError into `already_checked_in`
  (never check-then-insert alone);
- every scan's first answer is stored in ScanRecord under its client-made scan_id, so a replay
  (retry after a timeout, offline queue uploaded twice) gets the same answer, also when two
  copies race (the unique scan_id decides, the loser returns the winner's answer);
- a lost race rolls the request's unit of work back (no SAVEPOINT: on SQLite a savepoint on a
  fresh pysqlite transaction would commit) and judges again;
- the scan time must be plausible (window.check_scan_time, 400) and inside the event's check-in
  window (window.in_window) or the answer is `outside_window`; panitia and admin may force it
  with a reason (access.can_force), kept on the CheckIn and in the audit log.
A scan names a ticket by its scanned `code` or, from the door search (which never shows tokens),
by `registration_id` of this event.
Where the event has check-out switched on (Event.checkout_enabled, issue 13.3) a scan also has a
`direction`: "out" records a pass out, and "in" for a person outside records the re-entry; both
are a CheckInMovement after the one CheckIn, decided and written by movements.py with the same
rules (a unique constraint decides a race, the ScanRecord replays).

It returns a ScanOutcome (result name + JSON body) and knows nothing of HTTP: the API maps a
result to a status once (events/api/checkin.py). Statements are SQLAlchemy Core on the
Session's connection: one read (`_look`) and at most two INSERTs per scan (the check-in or a
movement, and the answer).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, false, func, insert, literal, select
from sqlalchemy.exc import IntegrityError

import audit
from auth.models import User
from events.checkin import movements
from events.checkin.access import NoScanAccess, can_force
from events.checkin.codes import parse_code
from events.checkin.doorlist import touch
from events.checkin.messages import attendee_of, first_from_row, message_for, scan_attendee
from events.checkin.window import check_scan_time, checkin_window, in_window, window_message
from events.checkin_models import CheckIn, ScanRecord
from events.models import Event, EventKind, Registration, RegistrationStatus
from events.training import recompute_for_relawan
from extensions import db
from helpers.errors import DomainError
from relawan.models import Relawan
from timeutil import to_wib, utcnow

# How a check-in was made: scanner, door search, manual, or the person by the projector's QR
# ("self", events/checkin/selfcode.py).
METHODS = ("qr", "search", "manual", "self")


@dataclass(frozen=True)
class ScanOutcome:
    """The answer to one scan: its result name and the JSON body the door staff see."""

    result: str
    body: dict


class CheckInNotFound(DomainError):
    """Undo of a check-in that does not exist (any more)."""

    code = "not_found"
    kind = "not_found"
    default = "Check-in tidak ditemukan atau sudah dibatalkan."


def new_scan_id() -> str:
    """A server-made scan_id for pages that check in without a scanner (one-tap buttons)."""
    return str(uuid.uuid4())


def record_scan(event, code: str | None = None, *, by_user, scan_id: str,
                scanned_at: datetime | None = None, device: str | None = None, method: str = "qr",
                registration_id: int | None = None, force_reason: str | None = None,
                direction: str = movements.IN) -> ScanOutcome:
    """Check the holder of `code` (or registration `registration_id` of this event) in to
    `event` (from access.scannable_event), or, with `direction` "out", out of it (check-out
    events); a replay of `scan_id` gets the first answer. `force_reason` (panitia, admin) checks
    in outside the window. Adds and flushes; the caller commits. Raises BadScanTime for an
    implausible `scanned_at`, NoScanAccess for a force by door staff."""
    now = utcnow()
    if scanned_at is not None:
        check_scan_time(scanned_at, now)
    if force_reason is not None and not can_force(by_user):
        raise NoScanAccess("Hanya panitia atau admin yang dapat mencatat check-in di luar "
                           "jendela waktu.")
    event_id, event_kind = event.id, event.kind  # plain values survive a rollback
    refusal = ("checkout_disabled" if direction == movements.OUT and not event.checkout_enabled
               else None)
    window = checkin_window(event)
    user_id = getattr(by_user, "id", None)
    token = parse_code(code) if registration_id is None else None
    at = scanned_at or now
    scan = {"scan_id": scan_id, "event_id": event_id, "by_user_id": user_id, "scanned_at": at,
            "device": device, "method": method if method in METHODS else "qr", "forced_reason": None}
    window_refusal = None
    if not in_window(event, at):  # forced by panitia (with its reason), or refused
        scan["forced_reason"] = force_reason
        window_refusal = None if force_reason else window_message(event, at)
    for _attempt in range(3):
        stored, row = _look(scan_id, token, registration_id=registration_id, event_id=event_id)
        if stored is not None:
            return stored
        result, extra, row = ((refusal, {}, None) if refusal else
                              _decide(event_id, token, row, window_refusal, direction,
                                      by_id=registration_id is not None))
        if result == "retry":
            continue
        if result in movements.MOVED:
            try:
                extra.update(movements.record(row, scan))
            except IntegrityError:  # another door moved this person first: judge again
                db.session.rollback()
                continue
        if result == "checked_in":
            try:
                extra["checkin_id"] = _insert_check_in(row.id, scan)
            except IntegrityError:  # another door (or a copy of this scan) was first
                db.session.rollback()
                continue
            extra["forced"] = scan["forced_reason"] is not None
        outcome = _outcome(result, extra, window)
        try:
            _insert_answer(scan, outcome)
        except IntegrityError:  # a copy of this scan_id answered first: its answer stands
            db.session.rollback()
            continue
        if result == "checked_in" and scan["forced_reason"] is not None:
            audit.record("checkin_forced", None, user=by_user, details={
                "event_id": event_id, "registration_id": row.id, "checkin_id": extra["checkin_id"],
                "scanned_at": at.isoformat(), "reason": scan["forced_reason"]},
                note=scan["forced_reason"])
        if result == "checked_in" and row.relawan_id and event_kind == EventKind.PELATIHAN:
            recompute_for_relawan(row.relawan_id)
        return outcome
    raise RuntimeError(f"scan {scan_id}: three lost races in a row")  # pragma: no cover


def undo(checkin_id: int, *, by_user) -> dict:
    """Delete one CheckIn and its movements out and in again (access.can_undo decides who may)
    and write it to the audit log."""
    row = db.session.get(CheckIn, checkin_id)
    if row is None:
        raise CheckInNotFound()
    reg = db.session.get(Registration, row.registration_id)
    name = attendee_of(reg)["name"] if reg else "-"
    details = {"event_id": row.event_id, "registration_id": row.registration_id,
               "scan_id": row.scan_id, "scanned_at": row.scanned_at.isoformat(),
               "device": row.device, "method": row.method,
               "movements": movements.delete_for(checkin_id)}
    audit.record("checkin_undo", row, user=by_user, details=details)
    touch(row.registration_id)  # door lists' deltas (doorlist.py) must see the undone check-in
    db.session.execute(delete(CheckIn).where(CheckIn.id == checkin_id))
    return {"result": "undone", "message": f"Check-in {name} dibatalkan.", "checkin_id": checkin_id,
            "attendee": attendee_of(reg) if reg else None, "first_check_in": None}


# ------------------------------------------------------------------------- the one read
CHECK_IN, SCAN, REG = CheckIn.__table__, ScanRecord.__table__, Registration.__table__
RELAWAN, USER = Relawan.__table__, User.__table__
_ONE_ROW = select(literal(1).label("one")).subquery("o")  # LEFT JOINs hang off one row
# Family/group (issue 15.1): the size of the scanned registration's group (its lead and the lead's
# companions not cancelled), so the scanner can offer the group check-in; 1 for most tickets.
_COMPANION = REG.alias("companion")
_GROUP_SIZE = (select(func.count()).select_from(_COMPANION)
               .where(_COMPANION.c.lead_registration_id == func.coalesce(REG.c.lead_registration_id, REG.c.id),
                      _COMPANION.c.status != RegistrationStatus.CANCELLED)
               .correlate(REG).scalar_subquery() + 1).label("group_size")


def _look_query(on_scan, on_registration):
    return (select(SCAN.c.result.label("s_result"), SCAN.c.body.label("s_body"),
                   REG.c.id, REG.c.event_id, REG.c.status, REG.c.relawan_id, REG.c.is_walk_in,
                   REG.c.source, REG.c.guest_name, REG.c.guest_instansi, RELAWAN.c.full_name,
                   REG.c.lead_registration_id, _GROUP_SIZE,
                   RELAWAN.c.organisation_detail, RELAWAN.c.organisation,
                   CHECK_IN.c.id.label("ci_id"), CHECK_IN.c.recorded_at.label("ci_recorded_at"),
                   CHECK_IN.c.scanned_at.label("ci_scanned_at"),
                   CHECK_IN.c.device.label("ci_device"), CHECK_IN.c.method.label("ci_method"),
                   USER.c.name.label("ci_by"), movements.last_seq(CHECK_IN.c.id).label("mv_seq"))
            .select_from(_ONE_ROW.outerjoin(SCAN, on_scan)
                         .outerjoin(REG, on_registration)
                         .outerjoin(RELAWAN, RELAWAN.c.id == REG.c.relawan_id)
                         .outerjoin(CHECK_IN, CHECK_IN.c.registration_id == REG.c.id)
                         .outerjoin(USER, USER.c.id == CHECK_IN.c.by_user_id)))


_LOOK_BY_TOKEN = _look_query(SCAN.c.scan_id == bindparam("scan_id"), REG.c.token == bindparam("token"))
_LOOK_BY_ID = _look_query(SCAN.c.scan_id == bindparam("scan_id"),
                          (REG.c.id == bindparam("registration_id"))
                          & (REG.c.event_id == bindparam("event_id")))


def _look(scan_id: str | None, token: str | None, registration=None, *,
          registration_id: int | None = None, event_id: int | None = None):
    """(stored answer or None, registration row or None) in one statement: the ScanRecord of
    `scan_id` and the registration of the ticket `token` (or `registration_id` of `event_id`, or
    the one matching `registration`, a WHERE clause, with scan_id None) with its relawan, its
    check-in, if any, and the seq of its last movement out or in again (mv_seq)."""
    if registration is not None:
        query, params = _look_query(false(), registration), {}
    elif registration_id is not None:
        query, params = _LOOK_BY_ID, {"scan_id": scan_id, "registration_id": registration_id,
                                      "event_id": event_id}
    else:
        query, params = _LOOK_BY_TOKEN, {"scan_id": scan_id, "token": token or ""}
    row = db.session.connection().execute(query, params).first()
    if row.s_result is not None:
        return ScanOutcome(row.s_result, row.s_body), None
    return None, (row if row.id is not None else None)


# ------------------------------------------------------------------------- the decision
def _decide(event_id: int, token: str | None, row, window_refusal: str | None, direction: str, *,
            by_id: bool):
    """(result, extra, registration row) for a scanned code or a registration id; "checked_in"
    means: insert, a result of movements.MOVED: insert a movement. `window_refusal` is the message
    when the scan is outside the window."""
    if by_id and row is None:
        return "invalid_code", {"by_id": True}, None
    if token is None and not by_id:
        return "invalid_code", {}, None
    if row is None:  # not a ticket: maybe a relawan's personal card
        relawan = db.session.scalar(select(Relawan).where(Relawan.card_token == token))
        if relawan is None:
            return "invalid_code", {}, None
        _stored, row = _look(None, None, (REG.c.event_id == event_id) & (REG.c.relawan_id == relawan.id))
        if row is None:
            if direction == movements.OUT:  # nobody is registered as a walk-in on the way out
                return "not_registered", {"attendee": {"name": relawan.full_name,
                                                       "instansi": None}}, None
            if window_refusal is not None:
                return "outside_window", {"attendee": {"name": relawan.full_name, "instansi": None},
                                          "window_refusal": window_refusal}, None
            return _walk_in(event_id, relawan)
    if row.event_id != event_id:  # no name: the holder is not this door's business
        return "wrong_event", {"other_event": db.session.get(Event, row.event_id)}, row
    attendee = scan_attendee(row)
    if row.status == RegistrationStatus.CANCELLED:
        return "cancelled", {"attendee": attendee}, row
    if row.status == RegistrationStatus.WAITLISTED:
        return "not_registered", {"attendee": attendee, "waitlisted": True}, row
    moved = movements.decide(direction, row, attendee)
    if moved is not None:
        return (*moved, row)
    if row.ci_id is not None:
        return "already_checked_in", {"attendee": attendee, "first_check_in": first_from_row(row),
                                      "checkin_id": row.ci_id}, row
    if window_refusal is not None:
        return "outside_window", {"attendee": attendee, "window_refusal": window_refusal}, row
    return "checked_in", {"attendee": attendee,
                          "walk_in": bool(row.is_walk_in and row.source == "walk_in")}, row


def _walk_in(event_id: int, relawan: Relawan):
    """A personal card without a registration: register a walk-in when the event allows it."""
    from events.services import registration as reg_service

    event = db.session.get(Event, event_id)
    if not event.allow_walk_ins:
        return "not_registered", {"attendee": {"name": relawan.full_name,
                                               "instansi": relawan.organisation_detail
                                               or relawan.organisation}}, None
    try:
        reg = reg_service.register_walk_in(event, relawan)
    except reg_service.AlreadyRegistered:
        return "retry", {}, None  # registered concurrently: judge again
    except reg_service.RegistrationError as exc:
        return "not_registered", {"attendee": {"name": relawan.full_name, "instansi": None},
                                  "reason": exc.message}, None
    _stored, row = _look(None, None, REG.c.id == reg.id)
    return "checked_in", {"attendee": scan_attendee(row), "walk_in": True}, row


# ------------------------------------------------------------------------- the writes
_INSERT_CHECK_IN = insert(CHECK_IN).returning(CHECK_IN.c.id)
_INSERT_ANSWER = insert(SCAN)


def _insert_check_in(registration_id: int, scan: dict) -> int:
    """The one INSERT of a check-in; the unique registration_id (and scan_id) decide."""
    return db.session.connection().execute(
        _INSERT_CHECK_IN, {**scan, "registration_id": registration_id, "recorded_at": utcnow()}).scalar_one()


def _insert_answer(scan: dict, outcome: ScanOutcome) -> None:
    """The first answer under its scan_id (a replay gets it from _look)."""
    db.session.connection().execute(_INSERT_ANSWER, {
        "scan_id": scan["scan_id"], "event_id": scan["event_id"], "result": outcome.result,
        "body": outcome.body, "by_user_id": scan["by_user_id"], "recorded_at": utcnow()})


def _outcome(result: str, extra: dict, window: tuple[datetime, datetime]) -> ScanOutcome:
    """The full JSON body for `result`."""
    body = {"result": result, "message": message_for(result, extra),
            "attendee": extra.get("attendee"), "first_check_in": extra.get("first_check_in"),
            "checkin_id": extra.get("checkin_id")}
    if result == "checked_in":
        body["walk_in"] = bool(extra.get("walk_in"))
        body["forced"] = bool(extra.get("forced"))
    if "movement" in extra:  # checked_out, re_entered, already_checked_out
        body["movement"] = extra["movement"]
    if result == "outside_window":
        body["window"] = {"opens": to_wib(window[0]).isoformat(timespec="seconds"),
                          "closes": to_wib(window[1]).isoformat(timespec="seconds")}
    other = extra.get("other_event")
    if result == "wrong_event" and other is not None:
        body["ticket_event"] = {"id": other.id, "title": other.title,
                                "starts_at": to_wib(other.starts_at).isoformat(timespec="seconds")}
    return ScanOutcome(result, body)
