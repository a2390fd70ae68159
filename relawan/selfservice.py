"""Relawan self-service: home with status timeline, profile edit, kartu relawan (QR), a copy of
one's own data (JSON) and a deletion request. A relawan only ever reaches their own record."""
from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from auth.models import Role
from extensions import db
from helpers import qr
from helpers.access import roles_required
from relawan import bp, data_rights, services
from relawan.choices import kelurahan_codes, kelurahan_groups
from relawan.forms import (
    EDUCATION_LABELS,
    ORGANISATION_LABELS,
    ConfirmForm,
    ProfileForm,
)
from relawan.models import Relawan

relawan_required = roles_required(Role.RELAWAN)


def _own() -> Relawan:
    """The logged-in relawan's own record (404 when the account has none or it was erased)."""
    relawan = current_user.relawan
    if relawan is None or relawan.anonymized_at is not None:
        abort(404)
    return relawan


def _private(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.get("/saya")
@relawan_required
def home():
    """The relawan's home: status steps, history with notes, links to card and data rights."""
    relawan = current_user.relawan
    if relawan is None or relawan.anonymized_at is not None:
        return render_template("relawan/no_record.html")
    return render_template("relawan/home.html", r=relawan, steps=services.STEPS, label=services.label,
                           step_index=_step_index(relawan.status), org_labels=ORGANISATION_LABELS)


def _step_index(status: str) -> int:
    """Position on the calon -> aktif path (-1 for ditolak/nonaktif, shown separately)."""
    try:
        return services.STEPS.index(status)
    except ValueError:
        return -1


@bp.route("/saya/profil", methods=["GET", "POST"])
@relawan_required
def profile_edit():
    """Edit own profile with the sign-up validation (the NIK is not editable here)."""
    relawan = _own()
    form = ProfileForm(obj=relawan, kelurahan_codes=kelurahan_codes())
    if request.method == "GET":
        form.phone.data = _display_phone(relawan.user.phone)
        form.email.data = relawan.user.email or ""
    if request.method == "POST" and form.validate_on_submit():
        try:
            changed = services.update_profile(relawan, form.profile_values())
            db.session.commit()
        except services.DuplicateRelawan as exc:
            db.session.rollback()
            fields = exc.fields or services.find_duplicates(
                phone=form.phone.data, email=form.clean.get("email"),
                exclude_user_id=current_user.id)
            for name, message in fields.items():
                getattr(form, name).errors.append(message)
            if not fields:
                form.form_errors.append(str(exc))
        else:
            flash("Profil disimpan." if changed else "Tidak ada perubahan.", "success")
            for warning in services.nik_warnings(relawan):
                flash(warning, "warning")
            return redirect(url_for("relawan.home"))
    return render_template("relawan/profile_edit.html", form=form, r=relawan, groups=kelurahan_groups(),
                           edu_labels=EDUCATION_LABELS)


def _display_phone(phone: str | None) -> str:
    from helpers.template_helpers import phone_display
    return phone_display(phone) if phone else ""


@bp.get("/saya/kartu")
@relawan_required
def card():
    """The printable kartu relawan with the personal QR (inline SVG)."""
    relawan = _own()
    url = qr.card_url(relawan.card_token)
    return _private(Response(render_template(
        "relawan/card.html", r=relawan, qr_svg=qr.svg(url, "Kode QR kartu relawan"))))


@bp.get("/saya/kartu.svg")
@relawan_required
def card_svg():
    """The card's QR code as an SVG image."""
    relawan = _own()
    return _private(Response(qr.svg(qr.card_url(relawan.card_token), "Kode QR kartu relawan"),
                             mimetype="image/svg+xml"))


@bp.get("/saya/kartu.png")
@relawan_required
def card_png():
    """The card's QR code as a PNG download."""
    relawan = _own()
    resp = Response(qr.png(qr.card_url(relawan.card_token)), mimetype="image/png")
    resp.headers["Content-Disposition"] = 'attachment; filename="kartu-relawan-qr.png"'
    return _private(resp)


@bp.get("/saya/data.json")
@relawan_required
def export_data():
    """Download all of one's own data as JSON (UU PDP: access and a copy)."""
    relawan = _own()
    data = data_rights.export_data(relawan)
    db.session.commit()  # the audit entry for the export
    body = json.dumps(data, ensure_ascii=False, indent=2)
    resp = Response(body, mimetype="application/json")
    resp.headers["Content-Disposition"] = f'attachment; filename="data-relawan-{relawan.id}.json"'
    return _private(resp)


@bp.route("/saya/hapus-data", methods=["GET", "POST"])
@relawan_required
def request_deletion():
    """Ask for one's personal data to be deleted; an admin carries it out."""
    relawan = _own()
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        data_rights.request_deletion(relawan)
        db.session.commit()
        flash("Permintaan hapus data sudah kami terima dan akan diproses paling lambat 3 x 24 jam.",
              "success")
        return redirect(url_for("relawan.home"))
    return render_template("relawan/request_deletion.html", form=form, r=relawan)
