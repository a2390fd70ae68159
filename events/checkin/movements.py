"""Out and in again after the check-in (issue 13.3): where a person is, the decision, the write.

Switched on per event (Event.checkout_enabled). The scanner's Masuk/Keluar switch sends a scan's
`direction`: "in" (the default, every caller that has no switch) or "out". `record_scan`
(service.py) judges the ticket as always and asks `decide` once the ticket is a confirmed
registration of this event; a direction "out" on an event without check-out is refused before
anything else (`checkout_disabled`: door staff in the wrong mode, or an old phone).
- "out" before the check-in: `not_checked_in`; while already outside: `already_checked_out`;
  while inside: `checked_out` (one movement).
- "in" while outside: `re_entered` (one movement; the CheckIn stays the one row of the
  registration). "in" while inside or before the check-in is the ordinary check-in
  (`already_checked_in` / `checked_in`). A re-entry is recorded even when check-out was switched
  off meanwhile, so the record never keeps outside a person who came back.
- The check-in window (window.py) governs the check-in only: a person admitted may go out and in
  again without panitia forcing anything.

Where a person is follows from the last movement's seq (CheckInMovement): none (the CheckIn
itself is seq 1) or odd = inside, even = outside. The write is one INSERT of seq = last + 1, and
the unique (checkin_id, seq) decides between two doors scanning the same person at the same
moment: both read the same last seq and write the same next one, the database lets one through,
and the loser's IntegrityError makes record_scan roll back and judge again (the person is then
already outside, or inside). No lock and no check-then-insert; the same on SQLite and PostgreSQL.
A movement's time is the scan time (offline uploads carry theirs); seq is the order the server
received them, and the hours of service (events/training/progress.py) count an interval that
runs backwards (device clocks) as zero.
"""
from __future__ import annotations

from sqlalchemy import func, insert, select

from auth.models import User
from events.checkin.messages import first_from_row
from events.checkin_models import CheckInMovement
from extensions import db
from timeutil import to_wib, utcnow

IN, OUT = "in", "out"
DIRECTIONS = (IN, OUT)
MOVED = ("checked_out", "re_entered")  # the results that write a movement
MOVE = CheckInMovement.__table__


def last_seq(checkin_id_column):
    """The last movement's seq of a check-in, as a correlated subquery for the one read of
    record_scan (None: no movement, the person is inside since the check-in)."""
    return (select(func.max(MOVE.c.seq)).where(MOVE.c.checkin_id == checkin_id_column)
            .scalar_subquery())


def is_outside(seq: int | None) -> bool:
    """True when the last movement (seq) was an "out": even seq."""
    return seq is not None and seq % 2 == 0


def direction_of(seq: int) -> str:
    return OUT if seq % 2 == 0 else IN


def decide(direction: str, row, attendee: dict) -> tuple[str, dict] | None:
    """The result for a confirmed registration row of this event (with ci_* of its check-in and
    mv_seq, its last movement), or None when the ordinary check-in decides. Check-out being
    switched on is the caller's check (checkout_disabled comes first)."""
    outside = is_outside(row.mv_seq)
    if direction == OUT:
        if row.ci_id is None:
            return "not_checked_in", {"attendee": attendee}
        if outside:
            return "already_checked_out", {"attendee": attendee, "checkin_id": row.ci_id,
                                           "first_check_in": first_from_row(row),
                                           **last_movement(row.ci_id)}
        return "checked_out", {"attendee": attendee, "checkin_id": row.ci_id,
                               "first_check_in": first_from_row(row)}
    if row.ci_id is not None and outside:
        return "re_entered", {"attendee": attendee, "checkin_id": row.ci_id,
                              "first_check_in": first_from_row(row)}
    return None


_INSERT = insert(MOVE)


def record(row, scan: dict) -> dict:
    """The one INSERT of a movement (seq = last + 1) for the check-in of `row`; an IntegrityError
    means another door (or a copy of this scan_id) was first. Returns the extra of the answer."""
    seq = (row.mv_seq or 1) + 1
    db.session.connection().execute(_INSERT, {
        "checkin_id": row.ci_id, "event_id": scan["event_id"], "seq": seq,
        "direction": direction_of(seq), "at": scan["scanned_at"], "recorded_at": utcnow(),
        "by_user_id": scan["by_user_id"], "device": scan["device"], "method": scan["method"],
        "scan_id": scan["scan_id"]})
    return {"moved_at": scan["scanned_at"],
            "movement": {"direction": direction_of(seq), "seq": seq,
                         "at": to_wib(scan["scanned_at"]).isoformat(timespec="seconds"),
                         "device": scan["device"]}}


def last_movement(checkin_id: int) -> dict:
    """The extra of the last movement of a check-in (when and by whom), for the answer to a
    scan that finds the person already outside."""
    row = db.session.execute(
        select(MOVE.c.seq, MOVE.c.at, MOVE.c.device, User.name)
        .outerjoin(User, User.id == MOVE.c.by_user_id)
        .where(MOVE.c.checkin_id == checkin_id).order_by(MOVE.c.seq.desc()).limit(1)).first()
    who = row.name or "sistem"
    return {"moved_at": row.at,
            "movement": {"direction": direction_of(row.seq), "seq": row.seq,
                         "at": to_wib(row.at).isoformat(timespec="seconds"),
                         "by": f"{who} ({row.device})" if row.device else who,
                         "device": row.device}}


def delete_for(checkin_id: int) -> int:
    """Delete the movements of a check-in (its undo); returns how many there were."""
    return db.session.execute(MOVE.delete().where(MOVE.c.checkin_id == checkin_id)).rowcount


def export_of(checkin_id: int) -> list[dict]:
    """A check-in's passes out and in again for the person's own data export (UTC, ISO 8601)."""
    rows = db.session.execute(select(MOVE.c.direction, MOVE.c.at).where(
        MOVE.c.checkin_id == checkin_id).order_by(MOVE.c.seq))
    return [{"direction": direction, "at": at.replace(microsecond=0).isoformat() + "Z"}
            for direction, at in rows]
