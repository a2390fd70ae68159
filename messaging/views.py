"""Admin pages of the outbox: the messages with filters and reasons, resend, the texts."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

import audit
from extensions import db
from helpers.access import admin_required
from helpers.forms import bounded_int
from helpers.paging import paginate
from messaging import bp, services
from messaging.models import CHANNEL_LABELS, STATUS_LABELS, Channel, Message
from messaging.queries import OutboxFilter, counts_by_status
from messaging.texts import TEMPLATES

PER_PAGE = 50


@bp.get("/admin/pesan/")
@admin_required
def outbox():
    """The outbox, newest first, filtered by status, channel, template and WIB date."""
    filters = OutboxFilter.from_args(request.args)
    page = paginate(filters.statement(), per_page=PER_PAGE)
    unconfigured = {CHANNEL_LABELS[c]: services.missing_settings(c) for c in Channel
                    if services.missing_settings(c)}
    return render_template("messaging/outbox.html", page=page, f=filters,
                           counts=counts_by_status(), unconfigured=unconfigured,
                           statuses=STATUS_LABELS, channels=CHANNEL_LABELS, templates=TEMPLATES)


@bp.post("/admin/pesan/kirim-ulang")
@admin_required
def resend():
    """Put a copy of a sent, failed or unsendable message back in the outbox (audited)."""
    message_id = bounded_int(request.form.get("message_id"), minimum=1)
    if message_id is None:
        abort(400)
    message = db.get_or_404(Message, message_id)
    copy = services.resend(message, by=current_user)
    audit.record("message.resend", copy, details={"resend_of": message.id,
                                                  "channel": message.channel})
    db.session.commit()
    flash(f"Pesan #{message.id} dimasukkan lagi ke antrean sebagai #{copy.id}.", "success")
    return redirect(request.form.get("next") if _safe_next() else url_for("messaging.outbox"))


@bp.get("/admin/pesan/templat")
@admin_required
def message_templates():
    """The Indonesian texts of every message kind (read-only)."""
    return render_template("messaging/templates.html", templates=TEMPLATES.values())


def _safe_next() -> bool:
    nxt = request.form.get("next") or ""
    return nxt.startswith("/admin/pesan/") and "//" not in nxt


from messaging import webhook  # noqa: E402,F401  (the WhatsApp webhook registers on bp)
