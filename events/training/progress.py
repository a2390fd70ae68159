"""Progress in a training program: sessions attended out of needed, and the hours they make.

The one answer to "how far is this relawan in this program": the program page, the relawan's
history, the completion rule and the certificate's hours all ask `progress()`.

Attended = a CheckIn exists for the relawan's confirmed registration of a session that is not
cancelled (late check-ins count; izin without a check-in does not; a check-in wins over izin,
as in the attendance statuses of events/training/attendance.py). Only a check-in scanned inside
the session's check-in window counts (events/checkin/window.py, issue 13.1), or one panitia
forced outside it with a reason (CheckIn.forced_reason): they confirmed the person was there.

Hours of service (`hours_present`, the one rule for the certificate, the program page and the
relawan's history): a session's length; where the event records check-outs and the person has
movements out and in again (CheckInMovement, issue 13.3), the time actually present: the
intervals from the check-in or a re-entry to the next "out", each clipped to the session (an
interval still open ends at the session end; one that runs backwards, from device clocks,
counts zero).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from events.checkin.window import in_window
from events.checkin_models import CheckIn, CheckInMovement
from events.models import (
    Event,
    EventStatus,
    ProgramEnrollment,
    Registration,
    RegistrationStatus,
    TrainingProgram,
)
from extensions import db


@dataclass(frozen=True)
class Progress:
    """One relawan in one program."""

    sessions: list[Event]   # the program's sessions that are not cancelled
    attended: set[int]      # ids of those sessions the relawan attended
    needed: int             # min_sessions, or the number of required sessions
    met: bool               # the program's completion rule is satisfied
    hours: float            # hours of service in them, hours_present (on the certificate)

    @property
    def attended_count(self) -> int:
        return len(self.attended)

    @property
    def total(self) -> int:
        return len(self.sessions)


def session_hours(start: datetime, end: datetime) -> float:
    """Length of a session in hours, two decimals (never negative)."""
    return round(max((end - start).total_seconds(), 0) / 3600.0, 2)


def time_present(start: datetime, end: datetime, passes: list[datetime]) -> float:
    """Hours inside the session [start, end] for `passes`: the check-in time, then each
    movement's time in seq order (out, in, out, ...); two decimals."""
    seconds = 0.0
    for i in range(0, len(passes), 2):
        came = max(passes[i], start)
        left = min(passes[i + 1], end) if i + 1 < len(passes) else end
        seconds += max((left - came).total_seconds(), 0)
    return round(seconds / 3600.0, 2)


def hours_present(relawan_id: int, events: list[Event]) -> dict[int, float]:
    """Hours of service per event (of `events`) where the relawan has a check-in: the session's
    length, or the time actually present when the check-in has movements out and in again."""
    by_id = {e.id: e for e in events}
    if not by_id:
        return {}
    checkins = db.session.execute(
        select(CheckIn.id, CheckIn.event_id, CheckIn.scanned_at)
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(Registration.relawan_id == relawan_id, CheckIn.event_id.in_(list(by_id)))).all()
    passes = defaultdict(list)
    for checkin_id, at in db.session.execute(
            select(CheckInMovement.checkin_id, CheckInMovement.at)
            .where(CheckInMovement.checkin_id.in_([c.id for c in checkins]))
            .order_by(CheckInMovement.checkin_id, CheckInMovement.seq)):
        passes[checkin_id].append(at)
    hours = {}
    for checkin_id, event_id, scanned_at in checkins:
        event = by_id[event_id]
        hours[event_id] = (time_present(event.starts_at, event.ends_at,
                                        [scanned_at, *passes[checkin_id]])
                           if passes[checkin_id] else session_hours(event.starts_at, event.ends_at))
    return hours


def attended_event_ids(relawan_id: int, sessions: list[Event]) -> set[int]:
    """Sessions (of `sessions`) where the relawan has a check-in on a confirmed registration,
    scanned inside the session's check-in window or forced by panitia."""
    by_id = {s.id: s for s in sessions}
    if not by_id:
        return set()
    rows = db.session.execute(
        select(Registration.event_id, CheckIn.scanned_at, CheckIn.forced_reason)
        .join(CheckIn, CheckIn.registration_id == Registration.id)
        .where(Registration.relawan_id == relawan_id, Registration.event_id.in_(list(by_id)),
               Registration.status == RegistrationStatus.CONFIRMED))
    return {event_id for event_id, scanned_at, forced in rows
            if forced is not None or in_window(by_id[event_id], scanned_at)}


def progress(program: TrainingProgram, relawan_id: int) -> Progress:
    """Attended/needed for one relawan in one program, whether the rule is met, and the hours.

    In a refresher cycle (ProgramEnrollment.cycle_started_at set) only the sessions starting from
    then count: the earlier run was completed and certified already."""
    since = db.session.scalar(select(ProgramEnrollment.cycle_started_at).where(
        ProgramEnrollment.program_id == program.id, ProgramEnrollment.relawan_id == relawan_id))
    sessions = [s for s in program.sessions if s.status != EventStatus.CANCELLED
                and (since is None or s.starts_at >= since)]
    attended = attended_event_ids(relawan_id, sessions)
    required = [s for s in sessions if s.required]
    if program.completion_rule == "min_sessions":
        needed = program.min_sessions or 0
        met = needed > 0 and len(attended) >= needed
    else:
        needed = len(required)
        met = bool(required) and all(s.id in attended for s in required)
    hours = round(sum(hours_present(relawan_id, [s for s in sessions if s.id in attended]).values()), 2)
    return Progress(sessions=sessions, attended=attended, needed=needed, met=met, hours=hours)
