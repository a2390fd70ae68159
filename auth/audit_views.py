"""Admin page to browse the audit log: filter by action, user and date range; paged."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import render_template, request
from sqlalchemy import or_, select

from auth import bp
from auth.models import AuditEntry, User
from extensions import db
from helpers.access import admin_required
from timeutil import wib_to_utc

PER_PAGE = 50


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip()) if raw else None
    except ValueError:
        return None


@bp.get("/admin/audit")
@admin_required
def audit_log():
    """The audit log, newest first, filtered by action, user (name/email) and WIB dates."""
    args = request.args
    action = (args.get("action") or "").strip()
    who = (args.get("user") or "").strip()[:80]
    d_from, d_to = _date(args.get("dari")), _date(args.get("sampai"))
    errors = {}
    if args.get("dari") and not d_from:
        errors["dari"] = "Tanggal tidak valid."
    if args.get("sampai") and not d_to:
        errors["sampai"] = "Tanggal tidak valid."
    stmt = select(AuditEntry).outerjoin(User, User.id == AuditEntry.user_id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if who:
        if who.isdigit():
            stmt = stmt.where(AuditEntry.user_id == int(who))
        else:
            like = f"%{who}%"
            stmt = stmt.where(or_(User.name.ilike(like), User.email.ilike(like)))
    if d_from:
        stmt = stmt.where(AuditEntry.at >= wib_to_utc(datetime.combine(d_from, time.min)))
    if d_to:
        stmt = stmt.where(AuditEntry.at < wib_to_utc(datetime.combine(d_to + timedelta(days=1), time.min)))
    page = db.paginate(stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()),
                       per_page=PER_PAGE, error_out=False)
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    return render_template("auth/audit_log.html", page=page, actions=actions, action=action,
                           who=who, d_from=d_from, d_to=d_to, errors=errors)
