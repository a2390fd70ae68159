"""Training: attendance statuses, progress, completion and certificates (one owner of the chain).

Public API only; the rules live in the modules named beside each name.
"""
from events.training.attendance import (
    LABELS,
    Attendance,
    AttendanceError,
    program_grid,
    set_excused,
    status_for,
)
from events.training.certificates import (
    ROLE_TEXT,
    CertificateError,
    CertificateNumberTaken,
    issue_for_completed,
    issue_for_enrollment,
    issue_for_event_staff,
    revoke,
)
from events.training.completion import recompute_all, recompute_for_relawan
from events.training.models import Certificate
from events.training.progress import Progress, hours_present, progress

__all__ = [
    "LABELS", "ROLE_TEXT", "Attendance", "AttendanceError", "Certificate", "CertificateError",
    "CertificateNumberTaken", "Progress", "hours_present", "issue_for_completed", "issue_for_enrollment",
    "issue_for_event_staff", "program_grid", "progress", "recompute_all", "recompute_for_relawan",
    "revoke", "set_excused", "status_for",
]
