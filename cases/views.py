"""Case statistics pages: the public table and charts, and admin entry of yearly figures."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cases import bp, charts, services
from cases.forms import NOTE_HINT, TypeForm, year_form
from events.viewutil import apply_errors
from extensions import db, limiter
from helpers.access import admin_required


@bp.get("/data-kasus")
@limiter.limit("120 per minute")
def statistics():
    """Public: cases per year and type, the sum of the parts, the stated total, and charts."""
    table = services.table()
    return render_template("cases/statistics.html", table=table,
                           by_year=charts.per_year(table), by_type=charts.per_type(table))


@bp.get("/kelola/kasus")
@admin_required
def manage():
    """Admin: the years entered, with links to edit, and the form to add a case type."""
    return render_template("cases/manage.html", table=services.table(), type_form=TypeForm())


def _figures(form, types) -> services.YearFigures:
    return services.YearFigures(
        year=form.year.data, counts={t.id: form[f"count_{t.id}"].data for t in types},
        source=form.source.data or "", note=form.note.data, total=form.total.data,
        total_source=form.total_source.data or "")


def _save(form, types, *, new: bool):
    try:
        services.save_year(_figures(form, types), new=new, by_user=current_user)
        db.session.commit()
    except (services.FiguresInvalid, services.FiguresExist) as err:
        db.session.rollback()
        apply_errors(form, err)
        return False
    return True


@bp.route("/kelola/kasus/tahun-baru", methods=["GET", "POST"])
@admin_required
def add_year():
    """Admin: enter a new year's figures."""
    types = services.case_types()
    form = year_form(types)
    if form.validate_on_submit() and _save(form, types, new=True):
        flash(f"Data kasus tahun {form.year.data} disimpan.", "success")
        return redirect(url_for("cases.manage"))
    return render_template("cases/year_form.html", form=form, new=True, note_hint=NOTE_HINT), (
        422 if form.errors or form.form_errors else 200)


@bp.route("/kelola/kasus/<int:year>", methods=["GET", "POST"])
@admin_required
def edit_year(year: int):
    """Admin: change a year's figures (an empty count removes that figure)."""
    stored = services.year_figures(year)
    if stored is None:
        abort(404)
    types = services.case_types()
    prefill = None
    if request.method == "GET":
        prefill = {"year": year, "source": stored.source, "note": stored.note,
                   "total": stored.total, "total_source": stored.total_source,
                   **{f"count_{t}": n for t, n in stored.counts.items()}}
    form = year_form(types, data=prefill)
    if form.validate_on_submit():
        form.year.data = year  # the year is the page's, not the form's
        if _save(form, types, new=False):
            flash(f"Data kasus tahun {year} diperbarui.", "success")
            return redirect(url_for("cases.manage"))
    return render_template("cases/year_form.html", form=form, new=False, year=year,
                           note_hint=NOTE_HINT), (422 if form.errors or form.form_errors else 200)


@bp.post("/kelola/kasus/jenis")
@admin_required
def add_type():
    """Admin: add a case type (it then appears as a column and on every year form)."""
    form = TypeForm()
    if not form.validate_on_submit():
        flash("Nama jenis kasus tidak valid.", "danger")
        return redirect(url_for("cases.manage"))
    try:
        case_type = services.add_type(form.name.data, by_user=current_user)
        db.session.commit()
        flash(f"Jenis kasus \"{case_type.name}\" ditambahkan.", "success")
    except (services.FiguresInvalid, services.FiguresExist) as err:
        db.session.rollback()
        flash(err.message, "danger")
    return redirect(url_for("cases.manage"))
