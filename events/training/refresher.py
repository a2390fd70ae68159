"""Refresher training (issue 15.3): certificate validity, who needs a refresher, the reminder, and
enrolling them into the program's next run.

Rules owned here:
- `valid_until(program, issued_at)`: the last valid day (WIB) of a certificate issued now, the
  issue date plus the program's valid_months (None: no expiry). Snapshotted on the certificate.
- `refresher_due(...)`: an aktif relawan needs a refresher for a program when their latest
  unrevoked peserta certificate of it ends within WINDOW_DAYS (or has ended). Completing the
  refresher issues a newer certificate (next cycle) with a new valid_until, which ends the mark.
  Every page (panitia list, relawan list/detail/home), the CLI and the reminder ask this one query.
- `remind_due()`: one outbox message per certificate, claimed by stamping refresher_reminded_at.
- `enroll(cert)`: the relawan's completed enrollment restarts as the next cycle over the
  program's open sessions (events/services/programs.enroll_relawan), counting only sessions from
  the previous completion on (events/training/progress.py).
Status aktif is never changed here.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import aliased

import audit
from auth.models import User
from events.models import ProgramEnrollment, TrainingProgram
from events.services.programs import enroll_relawan
from events.training.models import Certificate
from extensions import db
from helpers import formats
from helpers.errors import DomainError
from messaging.services import Recipient, enqueue
from relawan.models import Relawan, RelawanStatus
from timeutil import to_wib, utcnow

WINDOW_DAYS = 60


def add_months(day: date, months: int) -> date:
    """`day` plus whole months; the 31st becomes the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_until(program: TrainingProgram, issued_at: datetime) -> date | None:
    """Last valid day of a certificate of `program` issued at `issued_at` (naive UTC)."""
    if not program.valid_months:
        return None
    return add_months(to_wib(issued_at).date(), program.valid_months) - timedelta(days=1)


def today() -> date:
    """Today in WIB (certificates are valid through their last day, in Serang's calendar)."""
    return to_wib(utcnow()).date()


@dataclass(frozen=True)
class Due:
    certificate: Certificate
    relawan: Relawan
    program: TrainingProgram
    enrolled: bool  # already in the program's next run (an active refresher cycle)

    @property
    def expired(self) -> bool:
        return self.certificate.expired


def _due_query(within_days: int, on: date | None):
    newer = aliased(Certificate)
    limit = (on or today()) + timedelta(days=within_days)
    return (select(Certificate, Relawan, TrainingProgram)
            .join(Relawan, Relawan.id == Certificate.relawan_id)
            .join(TrainingProgram, TrainingProgram.id == Certificate.program_id)
            .where(Certificate.role_label == "peserta", Certificate.revoked_at.is_(None),
                   Certificate.valid_until.is_not(None), Certificate.valid_until <= limit,
                   Relawan.status == RelawanStatus.AKTIF,
                   ~exists().where(and_(newer.program_id == Certificate.program_id,
                                        newer.relawan_id == Certificate.relawan_id,
                                        newer.role_label == "peserta",
                                        newer.revoked_at.is_(None),
                                        newer.cycle > Certificate.cycle)))
            .order_by(Certificate.valid_until, Relawan.full_name))


def refresher_due(*, within_days: int = WINDOW_DAYS, on: date | None = None,
                  relawan_ids: list[int] | None = None, program_id: int | None = None) -> list[Due]:
    """Aktif relawan whose latest certificate of a program ends within `within_days` of `on`
    (today, WIB) or has ended; optionally only some relawan or one program."""
    stmt = _due_query(within_days, on)
    if relawan_ids is not None:
        stmt = stmt.where(Certificate.relawan_id.in_(relawan_ids or [-1]))
    if program_id is not None:
        stmt = stmt.where(Certificate.program_id == program_id)
    rows = db.session.execute(stmt).all()
    active = set(db.session.execute(select(ProgramEnrollment.program_id, ProgramEnrollment.relawan_id)
                                    .where(ProgramEnrollment.status == "active",
                                           ProgramEnrollment.cycle > 1,
                                           ProgramEnrollment.relawan_id.in_(
                                               [r.id for _, r, _ in rows] or [-1]))).all())
    return [Due(c, r, p, (p.id, r.id) in active) for c, r, p in rows]


def due_relawan_ids(relawan_ids: list[int]) -> set[int]:
    """Which of these relawan need a refresher (the "perlu penyegaran" mark of a list page)."""
    return {d.relawan.id for d in refresher_due(relawan_ids=relawan_ids)}


def remind_due(*, on: date | None = None) -> int:
    """Queue the refresher message once per due certificate (stamped); returns how many were
    claimed. Adds and flushes; the caller commits."""
    base = current_app.config["BASE_URL"]
    claimed = 0
    for due in refresher_due(on=on):
        cert = due.certificate
        if cert.refresher_reminded_at is not None:
            continue
        # Claim by a conditional UPDATE: two runs at once never both queue it.
        won = db.session.execute(update(Certificate).where(
            Certificate.id == cert.id, Certificate.refresher_reminded_at.is_(None))
            .values(refresher_reminded_at=utcnow())).rowcount
        if not won:
            continue
        claimed += 1
        user = db.session.get(User, due.relawan.user_id) if due.relawan.user_id else None
        recipient = Recipient(due.relawan.full_name, phone=user.phone if user else None,
                              email=user.email if user else None)
        enqueue(recipient, "refresher_due", {
            "program_title": due.program.title, "valid_until": formats.format_date(cert.valid_until),
            "expired": due.expired, "home_url": f"{base}/saya",
            "verify_url": f"{base}/sertifikat/{cert.code}"}, cause=cert)
    db.session.flush()
    return claimed


class NotDue(DomainError):
    code = "refresher_not_due"
    kind = "conflict"
    default = "Sertifikat ini belum perlu penyegaran."


def enroll(cert: Certificate, by_user=None) -> ProgramEnrollment:
    """Enrol the holder of a due certificate into the program's next run (one action). Raises
    NotDue, or the registration errors of enroll_relawan (no open session, already registered)."""
    if cert.id not in {d.certificate.id for d in refresher_due(relawan_ids=[cert.relawan_id or -1])}:
        raise NotDue()
    program = db.session.get(TrainingProgram, cert.program_id)
    relawan = db.session.get(Relawan, cert.relawan_id)
    previous = db.session.scalar(select(ProgramEnrollment.completed_at).where(
        ProgramEnrollment.program_id == program.id, ProgramEnrollment.relawan_id == relawan.id))
    enrollment, _ = enroll_relawan(program, relawan, by_user,
                                   refresher_since=previous or cert.issued_at)
    audit.record("refresher_enrolled", enrollment, user=by_user,
                 details={"certificate": cert.number, "cycle": enrollment.cycle})
    db.session.flush()
    return enrollment
