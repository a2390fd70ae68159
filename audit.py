"""One function to write the audit log; callers commit with their own unit of work."""
from flask import has_request_context, request
from flask_login import current_user

from auth.models import AuditEntry
from extensions import db


def record(action: str, target=None, *, user=None, details: dict | None = None,
           rows: int | None = None, note: str | None = None) -> AuditEntry:
    """Add an AuditEntry for `action` on `target` (a model instance or None)."""
    if user is None and has_request_context() and current_user and current_user.is_authenticated:
        user = current_user
    entry = AuditEntry(
        action=action,
        user_id=getattr(user, "id", None),
        target_type=type(target).__name__ if target is not None else None,
        target_id=str(target.id) if target is not None and getattr(target, "id", None) is not None else None,
        details=details,
        rows=rows,
        note=note,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
