"""Broadcast pages: the list, compose -> preview (counts by channel) -> send, a broadcast's
per-recipient statuses, and the public opt-out link. GET pages never write."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from auth.models import Role
from extensions import db
from helpers.access import check_kecamatan_scope, readers_required, scope_kecamatan
from helpers.errors import DomainError
from helpers.paging import paginate
from messaging import bp, broadcasts, optouts
from messaging.broadcast_forms import BroadcastForm, SendForm, new_request_key
from messaging.models import CHANNEL_LABELS, STATUS_LABELS, Broadcast, Channel, Message
from messaging.services import missing_settings

PER_PAGE = 50


def _unconfigured() -> dict[str, list[str]]:
    return {CHANNEL_LABELS[c]: missing_settings(c) for c in Channel if missing_settings(c)}


def _compose_page(form, status: int):
    return render_template("messaging/broadcast_compose.html", form=form), status


def _confirm_page(form, result: broadcasts.Plan, key: str, status: int = 200, warning=None):
    return render_template("messaging/broadcast_confirm.html", form=form, plan=result, key=key,
                           description=broadcasts.describe(result.segment), warning=warning,
                           unconfigured=_unconfigured(), channels=Channel), status


def _field_errors(form, err: DomainError) -> None:
    for name, message in err.fields.items():
        getattr(form, name).errors = [*getattr(form, name).errors, message]


def _plan_or_errors(form):
    """The plan of the form's segment in the user's scope, or None with the errors on the form."""
    try:
        return broadcasts.plan(broadcasts.scoped(form.segment(), scope_kecamatan()))
    except broadcasts.OutsideScope as err:
        _field_errors(form, err)
        return None


@bp.get("/kelola/siaran/")
@readers_required
def broadcasts_index():
    """Broadcasts, newest first (a koordinator sees those inside their kecamatan)."""
    stmt = select(Broadcast).order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
    scope = scope_kecamatan()
    if scope:
        stmt = stmt.where(Broadcast.kecamatan_kode == scope)
    return render_template("messaging/broadcasts.html", page=paginate(stmt, per_page=PER_PAGE))


@bp.route("/kelola/siaran/baru", methods=["GET", "POST"])
@readers_required
def broadcast_compose():
    """Write a broadcast; POST shows the preview with the counts per channel (writes nothing)."""
    form = BroadcastForm(scope=scope_kecamatan())
    if request.form.get("ubah"):  # back from the preview to change the text or the segment
        return _compose_page(form, 200)
    if form.validate_on_submit():
        result = _plan_or_errors(form)
        if result is not None:
            return _confirm_page(form, result, new_request_key())
    return _compose_page(form, 422 if form.is_submitted() else 200)


@bp.post("/kelola/siaran/kirim")
@readers_required
def broadcast_send():
    """Send the confirmed broadcast: the Broadcast and its outbox messages in one commit."""
    form = SendForm(scope=scope_kecamatan())
    if not form.validate_on_submit():
        return _compose_page(form, 422)
    try:
        segment = broadcasts.scoped(form.segment(), scope_kecamatan())
        broadcast = broadcasts.send(segment, form.judul.data.strip(), form.text(),
                                    by=current_user, request_key=form.request_key.data,
                                    expected=form.expected_total())
    except broadcasts.PlanRefused as err:
        return _confirm_page(form, err.plan, form.request_key.data, err.http_status,
                             warning=err.message)
    except broadcasts.AlreadySent as err:
        flash(err.message, "warning")
        if err.broadcast_id is None:
            return redirect(url_for("messaging.broadcasts_index"))
        return redirect(url_for("messaging.broadcast_detail", broadcast_id=err.broadcast_id))
    except broadcasts.OutsideScope as err:
        _field_errors(form, err)
        return _compose_page(form, 422)
    db.session.commit()
    flash(f"Siaran dikirim ke antrean untuk {broadcast.recipients_total} penerima.", "success")
    return redirect(url_for("messaging.broadcast_detail", broadcast_id=broadcast.id))


@bp.get("/kelola/siaran/<int:broadcast_id>")
@readers_required
def broadcast_detail(broadcast_id: int):
    """One broadcast: its text, totals and each recipient's outbox status."""
    broadcast = db.get_or_404(Broadcast, broadcast_id)
    check_kecamatan_scope(broadcast.kecamatan_kode)
    page = paginate(select(Message).where(Message.broadcast_id == broadcast.id)
                    .order_by(Message.id), per_page=100)
    return render_template("messaging/broadcast_detail.html", broadcast=broadcast, page=page,
                           counts=broadcasts.status_counts(broadcast.id), statuses=STATUS_LABELS,
                           full_addresses=current_user.role == Role.ADMIN)


@bp.get("/berhenti/<opt_out_token>")
def opt_out(opt_out_token: str):
    """The opt-out link of a broadcast: asks to confirm (a link preview must not opt anyone out)."""
    optouts.message_of(opt_out_token)
    return render_template("messaging/broadcast_opt_out.html", token=opt_out_token, done=False)


@bp.post("/berhenti/<opt_out_token>")
def opt_out_confirm(opt_out_token: str):
    """Record the opt-out: no more broadcasts to this person's phone number and email."""
    optouts.opt_out(opt_out_token)
    db.session.commit()
    return render_template("messaging/broadcast_opt_out.html", token=opt_out_token, done=True)
