"""Training program rules: create/edit programs and enrol relawan in all their sessions."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import audit
from events.models import (
    Event,
    EventStatus,
    ProgramEnrollment,
    Registration,
    RegistrationStatus,
    TrainingProgram,
)
from events.services.eligibility import may_join_training
from events.services.registration import (
    AlreadyRegistered,
    EventCancelled,
    NotEligible,
    RegistrationError,
    register_relawan,
)
from extensions import db
from helpers.errors import DomainError
from relawan.models import Relawan, RelawanStatus
from timeutil import utcnow


class ProgramError(DomainError):
    """A program could not be saved; `.fields` maps field -> Indonesian message."""

    code = "program_invalid"
    kind = "invalid"


@dataclass
class ProgramData:
    title: str
    description: str | None
    completion_rule: str
    min_sessions: int | None
    status: str
    valid_months: int | None = None  # certificate validity; None: no expiry (issue 15.3)


def _validate(data: ProgramData, program: TrainingProgram | None) -> None:
    errors = {}
    if data.completion_rule not in ("all_required", "min_sessions"):
        errors["completion_rule"] = "Aturan kelulusan tidak dikenal."
    if data.completion_rule == "min_sessions":
        if not data.min_sessions or data.min_sessions < 1:
            errors["min_sessions"] = "Isi jumlah sesi minimal (1 atau lebih)."
        elif program is not None and program.sessions and data.min_sessions > len(program.sessions):
            errors["min_sessions"] = (f"Jumlah sesi minimal melebihi jumlah sesi program "
                                      f"({len(program.sessions)}).")
    if data.valid_months is not None and not 1 <= data.valid_months <= 120:
        errors["valid_months"] = "Masa berlaku antara 1 dan 120 bulan, atau kosongkan."
    if data.status not in (EventStatus.DRAFT, EventStatus.PUBLISHED, EventStatus.CANCELLED):
        errors["status"] = "Status program tidak dikenal."
    if errors:
        raise ProgramError(fields=errors)


def save_program(data: ProgramData, program: TrainingProgram | None = None,
                 by_user=None) -> TrainingProgram:
    """Create (program=None) or update a training program. Raises ProgramError."""
    _validate(data, program)
    if program is None:
        program = TrainingProgram(created_by_id=getattr(by_user, "id", None))
        db.session.add(program)
    program.title = data.title.strip()
    program.description = data.description
    program.completion_rule = data.completion_rule
    program.min_sessions = data.min_sessions if data.completion_rule == "min_sessions" else None
    program.status = data.status
    program.valid_months = data.valid_months
    db.session.flush()
    audit.record("program_save", program, user=by_user, details={"title": program.title})
    return program


def open_sessions(program: TrainingProgram) -> list[Event]:
    """Sessions a new participant can still be registered for (published, not over)."""
    now = utcnow()
    return [s for s in program.sessions if s.status == EventStatus.PUBLISHED and s.ends_at > now]


def enrollment_for(program_id: int, relawan_id: int) -> ProgramEnrollment | None:
    return db.session.scalar(select(ProgramEnrollment).where(
        ProgramEnrollment.program_id == program_id, ProgramEnrollment.relawan_id == relawan_id))


def enroll_relawan(program: TrainingProgram, relawan: Relawan, by_user=None, *,
                   refresher_since=None) -> tuple[ProgramEnrollment, list[Registration]]:
    """Register a relawan for a program and each of its open sessions (one unit of work).

    A terverifikasi relawan moves to dalam_pelatihan (with a history row). Full sessions put the
    relawan on that session's waitlist. `refresher_since` (events/training/refresher.py) restarts
    a completed enrollment as the next cycle counting sessions from then. Raises
    RegistrationError subclasses.
    """
    if program.status == EventStatus.CANCELLED:
        raise EventCancelled("Program pelatihan ini dibatalkan.")
    if program.status != EventStatus.PUBLISHED:
        raise RegistrationError("Program pelatihan ini belum dibuka untuk pendaftaran.")
    decision = may_join_training(relawan)
    if not decision:
        raise NotEligible(decision.reason)
    sessions = open_sessions(program)
    if not sessions:
        raise RegistrationError("Tidak ada sesi program yang masih dapat didaftarkan.")
    enrollment = enrollment_for(program.id, relawan.id)
    if refresher_since is not None and enrollment is not None and enrollment.status == "completed":
        enrollment.cycle += 1
        enrollment.cycle_started_at = refresher_since
        enrollment.completed_at = None
    elif enrollment is not None and enrollment.status != "cancelled":
        raise AlreadyRegistered("Anda sudah terdaftar pada program pelatihan ini.")
    if enrollment is None:
        enrollment = ProgramEnrollment(program_id=program.id, relawan_id=relawan.id,
                                       status="active", created_at=utcnow())
        db.session.add(enrollment)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            raise AlreadyRegistered("Anda sudah terdaftar pada program pelatihan ini.") from None
    else:
        enrollment.status = "active"
    registrations = []
    for session in sessions:
        existing = db.session.scalar(select(Registration).where(
            Registration.event_id == session.id, Registration.relawan_id == relawan.id))
        if existing is not None and existing.status != RegistrationStatus.CANCELLED:
            existing.enrollment_id = enrollment.id
            registrations.append(existing)
            continue
        registrations.append(register_relawan(session, relawan, source="program",
                                              enrollment_id=enrollment.id))
    if relawan.status == RelawanStatus.TERVERIFIKASI:
        set_relawan_status(relawan, RelawanStatus.DALAM_PELATIHAN, by_user,
                           f"Mendaftar program {program.title}.")
    db.session.flush()
    return enrollment, registrations


def cancel_enrollment(enrollment: ProgramEnrollment, by_user=None) -> None:
    """Withdraw from a program and from its sessions that have not started."""
    from events.services.registration import cancel_registration
    if enrollment.status != "active":
        raise RegistrationError("Pendaftaran program ini tidak aktif.")
    enrollment.status = "cancelled"
    now = utcnow()
    regs = db.session.scalars(select(Registration).where(
        Registration.enrollment_id == enrollment.id,
        Registration.status != RegistrationStatus.CANCELLED))
    for reg in regs:
        if reg.event.starts_at > now and reg.check_in is None:
            cancel_registration(reg, by_user, notify=False)  # no message per session
    db.session.flush()


def set_relawan_status(relawan: Relawan, to_status: str, by_user, note: str) -> None:
    """Change status through relawan.services (history row + audit)."""
    from relawan.services import change_status
    change_status(relawan, to_status, by_user, note)
