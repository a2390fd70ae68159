"""Pages of the registration questions: panitia keep an event's questions; a registrant sees and
changes their answers on /t/<token>/jawaban; the relawan's one-tap registration shows its
question form here when an answer was refused (events/views/registrations.py asks it)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from events import bp
from events.forms import ActionForm
from events.models import Event
from events.questions import manage, saving
from events.questions.answers import InvalidAnswer, questions_of
from events.questions.forms import QuestionForm
from events.questions.models import EventQuestion
from events.services import registration as reg_service
from events.services.tickets import find_registration
from events.viewutil import apply_errors, refuse
from extensions import db
from helpers.access import staff_required

BASE = "/kelola/kegiatan/<int:event_id>/pertanyaan"
MOVES = {"naik": -1, "turun": 1}
NO_STORE = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}  # as the ticket


def _question_or_404(event_id: int, event_question_id: int) -> tuple[Event, EventQuestion]:
    event = db.get_or_404(Event, event_id)
    question = db.get_or_404(EventQuestion, event_question_id)
    if question.event_id != event.id:
        abort(404)
    return event, question


def _save(form: QuestionForm, event: Event, question: EventQuestion | None) -> bool:
    """Validate and save; True when saved (committed), else the form carries the messages."""
    if not form.validate_on_submit():
        return False
    data = manage.QuestionData(label=form.label.data or "", kind=form.kind.data or "",
                               options=(form.options.data or "").splitlines(),
                               required=form.required.data, on_daftar_hadir=form.on_daftar_hadir.data)
    try:
        manage.save_question(event, data, question, by_user=current_user)
        db.session.commit()
    except manage.QuestionInvalid as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return False
    return True


@bp.route(BASE, methods=["GET", "POST"])
@staff_required
def event_questions(event_id: int):
    """An event's registration questions: the list (reorder, edit, delete) and a form to add one."""
    event = db.get_or_404(Event, event_id)
    form = QuestionForm()
    if request.method == "POST" and _save(form, event, None):
        flash("Pertanyaan ditambahkan.", "success")
        return redirect(url_for("events.event_questions", event_id=event.id))
    return render_template("events/questions.html", event=event, form=form,
                           questions=questions_of(event.id), action_form=ActionForm(),
                           max_questions=manage.MAX_QUESTIONS), 422 if request.method == "POST" else 200


@bp.route(f"{BASE}/<int:event_question_id>/ubah", methods=["GET", "POST"])
@staff_required
def edit_event_question(event_id: int, event_question_id: int):
    """Change a question (kind fixed and chosen options kept once someone answered)."""
    event, question = _question_or_404(event_id, event_question_id)
    if request.method == "GET":  # the stored question; on POST only what was sent
        form = QuestionForm(obj=question)
        form.options.data = "\n".join(question.options or [])
    else:
        form = QuestionForm()
    if request.method == "POST" and _save(form, event, question):
        flash("Pertanyaan disimpan.", "success")
        return redirect(url_for("events.event_questions", event_id=event.id))
    return render_template("events/questions_edit.html", event=event, question=question, form=form,
                           answers=manage.answer_count(question)), 422 if request.method == "POST" else 200


@bp.post(f"{BASE}/<int:event_question_id>/geser")
@staff_required
def move_event_question(event_id: int, event_question_id: int):
    """Move a question one place up ("naik") or down ("turun")."""
    _, question = _question_or_404(event_id, event_question_id)
    step = MOVES.get(request.form.get("arah", ""))
    if not ActionForm().validate_on_submit() or step is None:
        abort(400)
    if manage.move_question(question, step):
        db.session.commit()
    return redirect(url_for("events.event_questions", event_id=event_id) + f"#q-{question.id}")


@bp.route(f"{BASE}/<int:event_question_id>/hapus", methods=["GET", "POST"])
@staff_required
def delete_event_question(event_id: int, event_question_id: int):
    """Confirm, then delete a question with all its answers (audited)."""
    event, question = _question_or_404(event_id, event_question_id)
    form = ActionForm()
    if form.validate_on_submit():
        label = question.label
        gone = manage.delete_question(question, by_user=current_user)
        db.session.commit()
        flash(f"Pertanyaan \"{label}\" dihapus" + (f" beserta {gone} jawaban." if gone else "."), "success")
        return redirect(url_for("events.event_questions", event_id=event.id))
    return render_template("events/questions_delete.html", event=event, question=question, form=form,
                           answers=manage.answer_count(question)), 400 if request.method == "POST" else 200


def registration_question_page(event: Event, error: InvalidAnswer, companion_values):
    """The relawan's registration form with the refused answers marked (nothing was saved)."""
    questions = questions_of(event.id)
    return render_template("events/questions_register.html", event=event, questions=questions,
                           answer_values=saving.raw_values(questions, request.form),
                           answer_errors=error.fields, companion_values=companion_values), 422


@bp.route("/t/<token>/jawaban", methods=["GET", "POST"])
def registration_answers(token: str):
    """The holder's answers to the event's questions; changeable until the event starts."""
    reg = find_registration(token)
    if reg is None:
        abort(404)
    user = current_user if current_user.is_authenticated else None
    if not reg_service.may_cancel(reg, user):  # who acts on a registration: one rule
        abort(403)
    questions = questions_of(reg.event_id)
    editable = saving.may_change_answers(reg, user)
    errors, values = {}, saving.stored_values(reg, questions)
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            saving.change_answers(reg, request.form, user)
            db.session.commit()
        except saving.AnswersLocked as exc:
            refuse(exc, "warning")
            return redirect(url_for("events.registration_answers", token=token))
        except InvalidAnswer as exc:
            db.session.rollback()
            errors, values = exc.fields, saving.raw_values(questions, request.form)
        else:
            flash("Jawaban Anda disimpan.", "success")
            return redirect(url_for("events.ticket", token=token))
    return render_template("events/questions_answers.html", reg=reg, event=reg.event,
                           questions=questions, answer_values=values, answer_errors=errors,
                           editable=editable, lines=saving.answer_lines(reg)), 422 if errors else 200, NO_STORE
