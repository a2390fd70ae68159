"""Retention chores under UU PDP 27/2022 Pasal 42-44: prune the audit log, anonymise relawan.

Rejected (ditolak) or inactive (nonaktif) calon relawan are anonymised once their status has
been unchanged for RETENTION_DAYS_REJECTED days (the period stated in the consent text). The
erasure itself is relawan.data_rights.anonymise, the same one an admin's deletion uses, so the
counts per status and kelurahan stay and the person is no longer identifiable.
Audit entries older than AUDIT_RETENTION_DAYS are deleted.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, func, select

import audit
from auth.models import AuditEntry
from extensions import db
from relawan.models import Relawan, RelawanStatus
from timeutil import utcnow

EXPIRING_STATUSES = (RelawanStatus.DITOLAK, RelawanStatus.NONAKTIF)


@dataclass
class AnonymiseReport:
    days: int
    cutoff: object
    by_status: dict[str, int] = field(default_factory=dict)
    done: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def _expired_relawan_query(cutoff):
    return (select(Relawan)
            .where(Relawan.status.in_([s.value for s in EXPIRING_STATUSES]),
                   Relawan.status_changed_at < cutoff,
                   Relawan.anonymized_at.is_(None)))


def anonymise_expired(days: int, *, dry_run: bool, batch: int = 200) -> AnonymiseReport:
    """Count (dry run) or anonymise relawan rejected/inactive for longer than `days`. Caller commits."""
    cutoff = utcnow() - timedelta(days=days)
    report = AnonymiseReport(days=days, cutoff=cutoff)
    rows = db.session.execute(
        select(Relawan.status, func.count())
        .where(Relawan.id.in_(_expired_relawan_query(cutoff).with_only_columns(Relawan.id)))
        .group_by(Relawan.status)).all()
    report.by_status = dict(rows)
    if dry_run or not report.total:
        return report
    from relawan.data_rights import anonymise  # the relawan area's erasure, reused

    last_id = 0
    while True:
        chunk = db.session.scalars(_expired_relawan_query(cutoff).where(Relawan.id > last_id)
                                   .order_by(Relawan.id).limit(batch)).all()
        if not chunk:
            break
        for relawan in chunk:
            anonymise(relawan, None)
            report.done += 1
            last_id = relawan.id
        db.session.flush()
    audit.record("retention_anonymised", None, details={"days": days, "by_status": report.by_status},
                 rows=report.done, note="flask privacy anonymise")
    return report


def count_old_audit_entries(days: int) -> tuple[int, object]:
    cutoff = utcnow() - timedelta(days=days)
    n = db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.at < cutoff))
    return n or 0, cutoff


def prune_audit(days: int, *, dry_run: bool) -> int:
    """Delete audit entries older than `days` (after counting). Caller commits."""
    n, cutoff = count_old_audit_entries(days)
    if dry_run or not n:
        return n
    db.session.execute(delete(AuditEntry).where(AuditEntry.at < cutoff))
    # The pruning itself is recorded, so a gap in the log is explained.
    audit.record("audit_pruned", None, details={"days": days, "before": cutoff.isoformat()}, rows=n,
                 note="flask audit prune")
    db.session.flush()
    return n
