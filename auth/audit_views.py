"""Admin page to browse the audit log: filter by action, user and date range; paged; each entry
as a sentence (auth/audit_text.py)."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import render_template, request
from sqlalchemy import or_, select

from auth import bp
from auth.audit_text import action_choices, describe
from auth.models import AuditEntry, User
from extensions import db
from helpers.access import admin_required
from helpers.forms import bounded_int, date_arg
from helpers.paging import paginate
from timeutil import wib_to_utc

PER_PAGE = 50


@bp.get("/admin/audit")
@admin_required
def audit_log():
    """The audit log, newest first, filtered by action, user (name/email) and WIB dates."""
    args = request.args
    action = (args.get("action") or "").strip()
    who = (args.get("user") or "").strip()[:80]
    errors: dict[str, str] = {}
    d_from, d_to = date_arg(args, "dari", errors), date_arg(args, "sampai", errors)
    stmt = select(AuditEntry).outerjoin(User, User.id == AuditEntry.user_id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if who:
        if (user_id := bounded_int(who)) is not None:
            stmt = stmt.where(AuditEntry.user_id == user_id)
        else:
            like = f"%{who}%"
            stmt = stmt.where(or_(User.name.ilike(like), User.email.ilike(like)))
    if d_from:
        stmt = stmt.where(AuditEntry.at >= wib_to_utc(datetime.combine(d_from, time.min)))
    if d_to:
        stmt = stmt.where(AuditEntry.at < wib_to_utc(datetime.combine(d_to + timedelta(days=1), time.min)))
    page = paginate(stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()), per_page=PER_PAGE)
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    return render_template("auth/audit_log.html", page=page, lines=describe(page.items),
                           actions=action_choices(actions), action=action,
                           who=who, d_from=d_from, d_to=d_to, errors=errors)
