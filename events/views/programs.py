"""Training program pages: list, detail with sessions and progress, create/edit (panitia)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from events import bp
from events.forms import ActionForm, ProgramForm
from events.models import EventStatus, ProgramEnrollment, TrainingProgram
from events.services.programs import (
    ProgramData,
    ProgramError,
    enrollment_for,
    save_program,
)
from events.training import progress
from events.viewutil import apply_errors, current_relawan, is_reader, is_staff
from extensions import db
from helpers.access import staff_required


@bp.get("/program")
def programs():
    """Training programs: published ones for everyone, all of them for panitia/koordinator."""
    query = select(TrainingProgram).order_by(TrainingProgram.id.desc())
    if not is_reader():
        query = query.where(TrainingProgram.status == EventStatus.PUBLISHED)
    items = db.session.scalars(query).all()
    counts = dict(db.session.execute(
        select(ProgramEnrollment.program_id, func.count()).where(ProgramEnrollment.status != "cancelled")
        .group_by(ProgramEnrollment.program_id)).all())
    return render_template("events/programs.html", programs=items, counts=counts, staff=is_staff())


@bp.get("/program/<int:program_id>")
def program_detail(program_id: int):
    """A program's sessions, completion rule, and (for a relawan) their own progress."""
    program = db.get_or_404(TrainingProgram, program_id)
    if program.status == EventStatus.DRAFT and not is_reader():
        abort(404)
    relawan = current_relawan()
    enrollment = my_progress = None
    if relawan is not None:
        enrollment = enrollment_for(program.id, relawan.id)
        if enrollment is not None:
            my_progress = progress(program, relawan.id)
    enrollments = []
    if is_reader():
        enrollments = db.session.scalars(select(ProgramEnrollment).where(
            ProgramEnrollment.program_id == program.id).order_by(ProgramEnrollment.created_at)).all()
    return render_template("events/program_detail.html", program=program, relawan=relawan,
                           enrollment=enrollment, my_progress=my_progress, enrollments=enrollments,
                           staff=is_staff(), reader=is_reader(), action_form=ActionForm())


def _program_form_view(program: TrainingProgram | None):
    form = ProgramForm(obj=program)
    if form.validate_on_submit():
        data = ProgramData(title=form.title.data, description=form.description.data or None,
                           completion_rule=form.completion_rule.data,
                           min_sessions=form.min_sessions.data, status=form.status.data,
                           valid_months=form.valid_months.data)
        try:
            program = save_program(data, program, by_user=current_user)
            db.session.commit()
            flash("Program pelatihan disimpan.", "success")
            return redirect(url_for("events.program_detail", program_id=program.id))
        except ProgramError as exc:
            db.session.rollback()
            apply_errors(form, exc)
    return render_template("events/program_form.html", form=form, program=program), (
        422 if request.method == "POST" else 200)


@bp.route("/kelola/program/baru", methods=["GET", "POST"])
@staff_required
def program_create():
    """New training program (sessions are pelatihan events that point at it)."""
    return _program_form_view(None)


@bp.route("/kelola/program/<int:program_id>/ubah", methods=["GET", "POST"])
@staff_required
def program_edit(program_id: int):
    """Edit a training program's name, rule and status."""
    return _program_form_view(db.get_or_404(TrainingProgram, program_id))
