"""Screening pages: the relawan list and detail (admin, panitia; koordinator read-only and scoped),
approve, reject, status change, bulk approve, and the admin's carrying out of a deletion request."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from auth.models import Role
from extensions import db
from helpers.access import (
    admin_required,
    check_kecamatan_scope,
    readers_required,
    scope_kecamatan,
    staff_required,
)
from helpers.forms import bounded_int
from helpers.paging import paginate
from relawan import bp, data_rights, services
from relawan.forms import (
    EDUCATION_LABELS,
    ORGANISATION_LABELS,
    ConfirmForm,
    RejectForm,
    StatusForm,
)
from relawan.models import Kecamatan, Kelurahan, Relawan
from relawan.queries import parse_filters, screening_stmt

PER_PAGE = 25
MAX_BULK = 200
ID = "<int(max=2147483647):relawan_id>"  # larger ids would overflow PostgreSQL's integer


def _load(relawan_id: int) -> Relawan:
    """The relawan, or 404; a scoped koordinator gets 404 outside their kecamatan."""
    relawan = db.get_or_404(Relawan, relawan_id)
    check_kecamatan_scope(relawan.kelurahan.kecamatan_kode if relawan.kelurahan else None)
    return relawan


def _status_form(relawan: Relawan) -> StatusForm:
    form = StatusForm(prefix="st")
    form.to_status.choices = [("", "Pilih status")] + [
        (s, services.label(s)) for s in services.allowed_transitions(relawan.status)]
    return form


def _render_detail(relawan: Relawan, reject_form=None, status_form=None, delete_form=None):
    return render_template(
        "relawan/detail.html", r=relawan, warnings=services.nik_warnings(relawan),
        reject_form=reject_form or RejectForm(prefix="rj"), status_form=status_form or _status_form(relawan),
        delete_form=delete_form or ConfirmForm(prefix="del"), can_write=current_user.is_staff,
        show_full_nik=current_user.role == Role.ADMIN, label=services.label,
        org_labels=ORGANISATION_LABELS, edu_labels=EDUCATION_LABELS)


@bp.get("/relawan")
@readers_required
def screening():
    """List of relawan with filters, search and paging."""
    scope = scope_kecamatan()
    filters = parse_filters(request.args)
    page = paginate(screening_stmt(filters, scope), per_page=PER_PAGE)
    kec_stmt = select(Kecamatan).order_by(Kecamatan.nama)
    kel_stmt = select(Kelurahan).order_by(Kelurahan.nama)
    if scope:
        kec_stmt = kec_stmt.where(Kecamatan.kode == scope)
        kel_stmt = kel_stmt.where(Kelurahan.kecamatan_kode == scope)
    return render_template(
        "relawan/screening.html", page=page, f=filters, scope=scope,
        kecamatan_list=db.session.scalars(kec_stmt).all(), kelurahan_list=db.session.scalars(kel_stmt).all(),
        statuses=list(services.TRANSITIONS), label=services.label, org_labels=ORGANISATION_LABELS,
        can_write=current_user.is_staff, back=request.full_path)


@bp.get(f"/relawan/{ID}")
@readers_required
def detail(relawan_id: int):
    """One relawan: profile, NIK warnings, history and (for staff) the screening actions."""
    return _render_detail(_load(relawan_id))


@bp.post(f"/relawan/{ID}/setujui")
@staff_required
def approve(relawan_id: int):
    """Approve a calon relawan (calon -> terverifikasi)."""
    relawan = _load(relawan_id)
    try:
        services.approve(relawan, current_user)
        db.session.commit()
        flash(f"{relawan.full_name} disetujui (terverifikasi).", "success")
    except services.RelawanError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    return redirect(url_for("relawan.detail", relawan_id=relawan_id))


@bp.post(f"/relawan/{ID}/tolak")
@staff_required
def reject(relawan_id: int):
    """Reject with a required reason."""
    relawan = _load(relawan_id)
    form = RejectForm(prefix="rj")
    if not form.validate_on_submit():
        return _render_detail(relawan, reject_form=form)
    try:
        services.reject(relawan, current_user, form.reason.data)
        db.session.commit()
        flash(f"Pendaftaran {relawan.full_name} ditolak.", "success")
    except services.RelawanError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    return redirect(url_for("relawan.detail", relawan_id=relawan_id))


@bp.post(f"/relawan/{ID}/status")
@staff_required
def change_status(relawan_id: int):
    """Any allowed status change, with an optional note."""
    relawan = _load(relawan_id)
    form = _status_form(relawan)
    if not form.validate_on_submit():
        return _render_detail(relawan, status_form=form)
    try:
        services.change_status(relawan, form.to_status.data, current_user, form.note.data)
        db.session.commit()
        flash(f"Status {relawan.full_name} sekarang {relawan.status_label}.", "success")
    except services.RelawanError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    return redirect(url_for("relawan.detail", relawan_id=relawan_id))


def _parse_ids(values: list[str]) -> list[int]:
    """Checkbox values -> ids; anything that is not a plausible id is a tampered form (400)."""
    if len(values) > MAX_BULK:
        abort(400)
    ids = []
    for value in values:
        if (rid := bounded_int(value)) is None:
            abort(400)
        ids.append(rid)
    return ids


def _back_url() -> str:
    back = request.form.get("back", "")
    base = url_for("relawan.screening")
    if back.startswith(base) and not back.startswith("//") and "\\" not in back and len(back) < 2000:
        return back
    return base


@bp.post("/relawan/setujui-massal")
@staff_required
def bulk_approve():
    """Approve the ticked relawan; only those still calon change status."""
    ids = _parse_ids(request.form.getlist("ids"))
    if not ids:
        flash("Belum ada relawan yang dipilih.", "warning")
        return redirect(_back_url())
    relawan_list = db.session.scalars(select(Relawan).where(Relawan.id.in_(ids))
                                      .order_by(Relawan.id).with_for_update()).all()
    approved, skipped = services.bulk_approve(relawan_list, current_user)
    db.session.commit()
    message = f"{approved} relawan disetujui."
    if skipped:
        message += f" {skipped} dilewati karena statusnya bukan calon."
    flash(message, "success" if approved else "warning")
    return redirect(_back_url())


@bp.post(f"/relawan/{ID}/hapus-data")
@admin_required
def anonymise(relawan_id: int):
    """Admin: carry out a deletion (personal data erased, counts and history kept)."""
    relawan = _load(relawan_id)
    form = ConfirmForm(prefix="del")
    if not form.validate_on_submit():
        return _render_detail(relawan, delete_form=form)
    try:
        data_rights.anonymise(relawan, current_user)
        db.session.commit()
        flash("Data pribadi relawan sudah dihapus (dianonimkan).", "success")
    except services.RelawanError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    return redirect(url_for("relawan.detail", relawan_id=relawan_id))
