"""Door desk ("meja manual": registrant list with one-tap check-in) and door-staff grants."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from auth.services import find_by_identifier
from events import bp
from events.checkin.access import GrantError, can_force, can_undo, grant, grants_for, revoke
from events.checkin.force import MAX_REASON_LENGTH, BadForceReason, force_reason
from events.checkin.queries import search, search_item
from events.checkin.service import new_scan_id, record_scan, undo
from events.checkin.window import in_window, window_message
from events.checkin_models import CheckIn, DoorStaffGrant
from events.models import Event, Registration, RegistrationStatus
from events.views.scanner import RESULT_CLASS, scannable_event_or_403
from extensions import db
from helpers.access import staff_required
from helpers.forms import BAD_CHARS, CleanForm, bounded_int
from timeutil import utcnow

DESK_LIMIT = 200


@bp.get("/pindai/<int:event_id>/meja")
@login_required
def door_desk(event_id: int):
    """Registrant list with one-tap check-in buttons and a search (works without JS); with
    `paksa=<registration id>` after a refusal outside the window, panitia's confirm form."""
    event = scannable_event_or_403(event_id)
    forcing = force_offer(event, bounded_int(request.args.get("paksa"), minimum=1))
    return _desk_page(event, request.args.get("q"), forcing=forcing)


def _desk_page(event: Event, q: str | None, *, forcing: Registration | None = None,
               reason: str = "", reason_error: str | None = None, status: int = 200):
    """The desk page: the list (`q` filters it) and, for `forcing`, the confirm form."""
    q = (q or "").strip()[:100]
    regs = search(event.id, q if len(q) >= 2 else "", limit=DESK_LIMIT)
    now = utcnow()
    return render_template(
        "events/door_desk.html", event=event, q=q, items=[(search_item(r), r.check_in) for r in regs],
        limit=DESK_LIMIT, can_undo=can_undo(current_user), forcing=forcing,
        forcing_item=search_item(forcing) if forcing else None,
        refusal=window_message(event, now) if forcing else None, reason=reason,
        reason_error=reason_error, max_reason=MAX_REASON_LENGTH), status


def force_offer(event: Event, registration_id: int | None) -> Registration | None:
    """The registrant the desk offers "Tetap catat kehadiran" for, or None: only panitia and
    admin (access.can_force), only while the window is closed, only a confirmed registrant of
    this event who is not checked in yet."""
    if registration_id is None or not can_force(current_user) or in_window(event, utcnow()):
        return None
    reg = db.session.get(Registration, registration_id)
    if (reg is None or reg.event_id != event.id or reg.status != RegistrationStatus.CONFIRMED
            or reg.check_in is not None):
        return None
    return reg


def _event_registration_or_404(event: Event, registration_id: int) -> Registration:
    reg = db.get_or_404(Registration, registration_id)
    if reg.event_id != event.id:
        abort(404)
    return reg


def _back_to_desk(event: Event, **args):
    return redirect(url_for("events.door_desk", event_id=event.id,
                            q=request.form.get("q") or None, **args))


def _flash_outcome(outcome) -> None:
    """The scan's message, green for a check-in, orange for "already in", red for a refusal."""
    category = {"ok": "success", "warn": "warning"}.get(RESULT_CLASS.get(outcome.result), "danger")
    flash(outcome.body["message"], category)


@bp.post("/pindai/<int:event_id>/meja/<int:registration_id>")
@login_required
def door_check_in(event_id: int, registration_id: int):
    """Check one registrant in from the door desk (method "search"); outside the window panitia
    and admin are sent to the confirm form, door staff see the refusal."""
    event = scannable_event_or_403(event_id)
    reg = _event_registration_or_404(event, registration_id)
    outcome = record_scan(event, by_user=current_user, scan_id=new_scan_id(), method="search",
                          registration_id=reg.id)
    db.session.commit()
    if outcome.result == "outside_window" and can_force(current_user):
        return _back_to_desk(event, paksa=reg.id)  # the form says why and asks for a reason
    _flash_outcome(outcome)
    return _back_to_desk(event)


@bp.post("/pindai/<int:event_id>/meja/<int:registration_id>/paksa")
@login_required
def door_force_check_in(event_id: int, registration_id: int):
    """Check a registrant in outside the window with a reason (panitia and admin): kept on the
    CheckIn and in the audit log (`checkin_forced`) by record_scan."""
    event = scannable_event_or_403(event_id)
    if not can_force(current_user):
        abort(403)
    reg = _event_registration_or_404(event, registration_id)
    typed = request.form.get("reason") or ""
    try:
        reason = force_reason(typed)
    except BadForceReason as exc:  # nothing is recorded
        forcing = force_offer(event, reg.id)
        if forcing is None:  # the window opened or someone checked the person in meanwhile
            flash(exc.message, "danger")
            return _back_to_desk(event)
        return _desk_page(event, request.form.get("q"), forcing=forcing, status=400,
                          reason=BAD_CHARS.sub("", typed)[:MAX_REASON_LENGTH], reason_error=exc.message)
    outcome = record_scan(event, by_user=current_user, scan_id=new_scan_id(), method="search",
                          registration_id=reg.id, force_reason=reason)
    db.session.commit()
    body = outcome.body
    if outcome.result == "checked_in" and body.get("forced"):
        flash(f"{body['attendee']['name']} hadir, dicatat di luar jendela waktu: {reason}", "success")
    else:  # the window opened meanwhile (a plain check-in), or already in, or cancelled
        _flash_outcome(outcome)
    return _back_to_desk(event)


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


