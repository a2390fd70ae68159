"""Training completion: apply the program's rule and, when met, complete and certify.

Completing an enrollment makes the relawan aktif and issues the program certificate in the
same unit of work (events/training/certificates.py), so nobody is aktif without a certificate.
Check-in calls `recompute_for_relawan` after every scan of a pelatihan session; everyone can be
recomputed with `flask --app app training recompute`.
"""
from __future__ import annotations

from sqlalchemy import select

from events.models import ProgramEnrollment
from events.services.programs import set_relawan_status
from events.training.certificates import issue_for_enrollment
from events.training.progress import progress
from extensions import db
from relawan.models import Relawan, RelawanStatus
from timeutil import utcnow


def _complete(enrollment: ProgramEnrollment) -> None:
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
    """Complete (and certify) the relawan's active enrollments whose rule is met.

    Returns the newly completed program ids. Adds and flushes; the caller commits.
    """
    enrollments = db.session.scalars(select(ProgramEnrollment).where(
        ProgramEnrollment.relawan_id == relawan_id, ProgramEnrollment.status == "active")).all()
    completed = []
    for enrollment in enrollments:
        if progress(enrollment.program, relawan_id).met:
            _complete(enrollment)
            issue_for_enrollment(enrollment)
            completed.append(enrollment.program_id)
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
