"""Door desk ("meja manual": registrant list with one-tap check-in) and door-staff grants."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from auth.services import find_by_identifier
from events import bp
from events.checkin.access import GrantError, can_undo, grant, grants_for, revoke
from events.checkin.queries import search, search_item
from events.checkin.service import new_scan_id, record_scan, undo
from events.checkin_models import CheckIn, DoorStaffGrant
from events.models import Event, Registration
from events.views.scanner import RESULT_CLASS, scannable_event_or_403
from extensions import db
from helpers.access import staff_required
from helpers.forms import CleanForm
from timeutil import utcnow

DESK_LIMIT = 200


@bp.get("/pindai/<int:event_id>/meja")
@login_required
def door_desk(event_id: int):
    """Registrant list with one-tap check-in buttons and a search (works without JS)."""
    event = scannable_event_or_403(event_id)
    q = (request.args.get("q") or "").strip()[:100]
    regs = search(event.id, q if len(q) >= 2 else "", limit=DESK_LIMIT)
    return render_template("events/door_desk.html", event=event, q=q,
                           items=[(search_item(r), r.check_in) for r in regs],
                           limit=DESK_LIMIT, can_undo=can_undo(current_user))


@bp.post("/pindai/<int:event_id>/meja/<int:registration_id>")
@login_required
def door_check_in(event_id: int, registration_id: int):
    """Check one registrant in from the door desk (method "search")."""
    event = scannable_event_or_403(event_id)
    reg = db.get_or_404(Registration, registration_id)
    if reg.event_id != event.id:
        abort(404)
    outcome = record_scan(event, by_user=current_user, scan_id=new_scan_id(), method="search",
                          registration_id=reg.id)
    db.session.commit()
    category = {"ok": "success", "warn": "warning"}.get(RESULT_CLASS.get(outcome.result), "danger")
    flash(outcome.body["message"], category)
    return redirect(url_for("events.door_desk", event_id=event.id, q=request.form.get("q") or None))


@bp.post("/pindai/check-in/<int:checkin_id>/batal")
@login_required
def door_undo(checkin_id: int):
    """Undo a check-in from the door desk (panitia and admin)."""
    if not can_undo(current_user):
        abort(403)
    row = db.get_or_404(CheckIn, checkin_id)
    event_id = row.event_id
    body = undo(checkin_id, by_user=current_user)
    db.session.commit()
    flash(body["message"], "info")
    return redirect(url_for("events.door_desk", event_id=event_id, q=request.form.get("q") or None))


class GrantForm(CleanForm):
    identifier = StringField("Email atau nomor HP pengguna",
                             validators=[DataRequired("Isi email atau nomor HP."), Length(max=254)])


@bp.route("/kelola/kegiatan/<int:event_id>/petugas-pintu", methods=["GET", "POST"])
@staff_required
def door_staff(event_id: int):
    """Panitia grant any user scan-only access to this event, until it ends."""
    event = db.get_or_404(Event, event_id)
    form = GrantForm()
    if form.validate_on_submit():
        user = find_by_identifier(form.identifier.data)
        if user is None:
            form.identifier.errors.append("Pengguna dengan email/nomor HP itu tidak ditemukan. "
                                          "Minta ia membuat akun relawan terlebih dahulu.")
        else:
            try:
                grant(event, user, by_user=current_user)
                db.session.commit()
                flash(f"{user.name} sekarang petugas pintu acara ini sampai acara selesai.", "success")
                return redirect(url_for("events.door_staff", event_id=event.id))
            except GrantError as exc:
                db.session.rollback()
                form.identifier.errors.append(exc.message)
    return render_template("events/door_staff.html", event=event, form=form,
                           grants=grants_for(event.id), now=utcnow())


@bp.post("/kelola/petugas-pintu/<int:grant_id>/cabut")
@staff_required
def door_staff_revoke(grant_id: int):
    """End a door-staff grant now."""
    row = db.get_or_404(DoorStaffGrant, grant_id)
    revoke(row, by_user=current_user)
    db.session.commit()
    flash(f"Akses petugas pintu {row.user.name} dicabut.", "info")
    return redirect(url_for("events.door_staff", event_id=row.event_id))


