"""Training completion: count attended sessions per enrollment and apply the program's rule.

Attended = a CheckIn exists for the relawan's confirmed registration of that session (late
check-ins count; izin without a check-in does not; a check-in wins over izin, as in the
attendance statuses of reports/attendance.py). Called by check-in after every
scan (`recompute_for_relawan`) and re-runnable for everyone: `flask --app app training recompute`.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from events.checkin_models import CheckIn
from events.models import (
    EventStatus,
    ProgramEnrollment,
    Registration,
    RegistrationStatus,
    TrainingProgram,
)
from extensions import db
from relawan.models import Relawan, RelawanStatus
from timeutil import utcnow

# Hooks called with each newly completed enrollment (e.g. the reports engineer's certificates).
on_program_completed: list[Callable[[ProgramEnrollment], None]] = []


def attended_event_ids(relawan_id: int, event_ids: list[int]) -> set[int]:
    """Sessions (of `event_ids`) where the relawan has a check-in on a confirmed registration."""
    if not event_ids:
        return set()
    rows = db.session.scalars(
        select(Registration.event_id).join(CheckIn, CheckIn.registration_id == Registration.id)
        .where(Registration.relawan_id == relawan_id, Registration.event_id.in_(event_ids),
               Registration.status == RegistrationStatus.CONFIRMED))
    return set(rows)


def progress(program: TrainingProgram, relawan_id: int) -> dict:
    """Attended/needed numbers for one relawan in one program (for pages and the rule)."""
    sessions = [s for s in program.sessions if s.status != EventStatus.CANCELLED]
    attended = attended_event_ids(relawan_id, [s.id for s in sessions])
    required = [s for s in sessions if s.required]
    if program.completion_rule == "min_sessions":
        needed = program.min_sessions or 0
        met = needed > 0 and len(attended) >= needed
    else:
        needed = len(required)
        met = bool(required) and all(s.id in attended for s in required)
    return {"sessions": sessions, "attended": attended, "attended_count": len(attended),
            "needed": needed, "met": met}


def _complete(enrollment: ProgramEnrollment) -> None:
    from events.services.programs import set_relawan_status
    enrollment.status = "completed"
    enrollment.completed_at = utcnow()
    relawan = db.session.get(Relawan, enrollment.relawan_id)
    if relawan is not None and relawan.status in (RelawanStatus.DALAM_PELATIHAN,
                                                  RelawanStatus.TERVERIFIKASI):
        if relawan.status == RelawanStatus.TERVERIFIKASI:
            set_relawan_status(relawan, RelawanStatus.DALAM_PELATIHAN, None,
                               f"Mengikuti program {enrollment.program.title}.")
        set_relawan_status(relawan, RelawanStatus.AKTIF, None,
                           f"Lulus program {enrollment.program.title}.")
    db.session.flush()


def recompute_for_relawan(relawan_id: int) -> list[int]:
    """Apply completion rules to the relawan's active enrollments; return newly completed program ids."""
    enrollments = db.session.scalars(select(ProgramEnrollment).where(
        ProgramEnrollment.relawan_id == relawan_id, ProgramEnrollment.status == "active")).all()
    completed = []
    for enrollment in enrollments:
        if progress(enrollment.program, relawan_id)["met"]:
            _complete(enrollment)
            completed.append(enrollment.program_id)
            for hook in on_program_completed:
                hook(enrollment)
    return completed


def recompute_all() -> dict[int, list[int]]:
    """recompute_for_relawan for everyone with an active enrollment: {relawan_id: [program ids]}."""
    relawan_ids = db.session.scalars(select(ProgramEnrollment.relawan_id).where(
        ProgramEnrollment.status == "active").distinct()).all()
    changed = {}
    for relawan_id in relawan_ids:
        done = recompute_for_relawan(relawan_id)
        if done:
            changed[relawan_id] = done
    return changed


