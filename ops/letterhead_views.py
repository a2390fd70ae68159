"""Admin page of the kop surat: the emblem upload and what configuration prints on paper."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf.file import FileField

from events.signatories import configured_chair, dinas_head
from events.viewutil import apply_errors
from extensions import db
from helpers.access import admin_required
from helpers.forms import CleanForm
from helpers.nip import format_nip
from ops import letterhead
from ops.models import LetterheadEmblem

bp = Blueprint("letterhead", __name__, url_prefix="/admin/kop")


class EmblemForm(CleanForm):
    file = FileField("Berkas lambang (PNG atau SVG)")


class RemoveForm(CleanForm):
    """A POST button (CSRF only)."""


def _page(form: EmblemForm, status: int = 200):
    cfg = current_app.config
    return render_template(
        "ops/letterhead.html", form=form, remove_form=RemoveForm(), cfg=cfg,
        emblem=db.session.get(LetterheadEmblem, 1), head=dinas_head(), chair=configured_chair(),
        format_nip=format_nip, max_size=cfg["EMBLEM_MAX_BYTES"]), status


@bp.get("/")
@admin_required
def settings():
    """The kop as printed: emblem, dinas lines and signatories, and the emblem upload."""
    return _page(EmblemForm())


@bp.post("/")
@admin_required
def upload():
    """Check and keep an uploaded emblem (PNG or SVG); a refused file saves nothing."""
    form = EmblemForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    upload_file = form.file.data
    limit = current_app.config["EMBLEM_MAX_BYTES"]
    data = upload_file.read(limit + 1) if upload_file else b""
    try:
        letterhead.save_emblem(data, getattr(upload_file, "filename", "") or "", current_user)
    except letterhead.EmblemRefused as err:
        db.session.rollback()
        apply_errors(form, err)
        return _page(form, 400)
    db.session.commit()
    flash("Lambang kop surat disimpan. Daftar hadir berikutnya memakai lambang ini.", "success")
    return redirect(url_for("letterhead.settings"))


@bp.post("/hapus")
@admin_required
def remove():
    """Remove the emblem: the kop prints its text only."""
    if not RemoveForm().validate_on_submit():
        abort(400)
    letterhead.remove_emblem(current_user)
    db.session.commit()
    flash("Lambang kop surat dihapus.", "success")
    return redirect(url_for("letterhead.settings"))


@bp.get("/lambang")
@admin_required
def emblem_image():
    """The stored emblem for the preview; served so that an SVG can never run anything."""
    row = db.session.get(LetterheadEmblem, 1)
    if row is None:
        abort(404)
    return Response(row.data, mimetype=row.content_type, headers={
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})
