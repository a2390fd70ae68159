"""Panitia pages: an event's questionnaires, the template library, questions and rounds.

A template and an event's questionnaire share the editor page and its question forms; templates
live under /kelola/kuesioner/templat/<id>, an event's under /kelola/kegiatan/<event>/kuesioner/<id>
(`survey_url` picks the endpoint); `load` refuses a questionnaire of another event.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from events.models import Event
from events.viewutil import apply_errors, refuse
from extensions import db
from helpers.access import staff_required
from helpers.labels import LABELS
from surveys import bp, services
from surveys.forms import FromTemplateForm, NewQuestionnaireForm, QuestionForm, SaveTemplateForm
from surveys.models import QUESTION_KINDS_OF, Question, Questionnaire, QuestionnaireKind

EVENT = "/kelola/kegiatan/<int:event_id>/kuesioner"
TEMPLATE = "/kelola/kuesioner/templat"


def load(event_id: int | None, questionnaire_id: int) -> Questionnaire:
    """The questionnaire in the URL, 404 unless it belongs to that event (None: a template)."""
    questionnaire = db.get_or_404(Questionnaire, questionnaire_id)
    if questionnaire.event_id != event_id:
        abort(404)
    return questionnaire


TEMPLATE_PAGES = {"edit": "surveys.edit_template", "add_question": "surveys.add_template_question",
                  "delete_question": "surveys.delete_template_question"}


def survey_url(page: str, questionnaire: Questionnaire, **values) -> str:
    """The URL of an editor page (edit, add_question, delete_question) of a template or of an
    event's questionnaire: templates have their own endpoints, with no event in the URL."""
    if questionnaire.is_template:
        if "question_id" in values:
            values["template_question_id"] = values.pop("question_id")
        return url_for(TEMPLATE_PAGES[page], template_id=questionnaire.id, **values)
    return url_for(f"surveys.{page}", event_id=questionnaire.event_id, questionnaire_id=questionnaire.id, **values)


bp.add_app_template_global(survey_url, "survey_url")


def _template_choices() -> list[tuple[int, str]]:
    return [(t.id, f"{t.title} ({t.kind_label}, {len(t.questions)} pertanyaan)") for t in services.templates()]


@bp.get(EVENT)
@staff_required
def event_questionnaires(event_id: int):
    """An event's questionnaires, and the forms to make one from a template or blank."""
    event = db.get_or_404(Event, event_id)
    from_template = FromTemplateForm()
    from_template.template_id.choices = _template_choices()
    return render_template("surveys/event_questionnaires.html", event=event,
                           questionnaires=services.of_event(event.id), from_template=from_template,
                           blank=NewQuestionnaireForm())


@bp.post(f"{EVENT}/dari-templat")
@staff_required
def create_from_template(event_id: int):
    """Copy a template of the library into this event."""
    event = db.get_or_404(Event, event_id)
    form = FromTemplateForm()
    form.template_id.choices = _template_choices()
    if not form.validate_on_submit():
        flash("Pilih templat dari daftar.", "danger")
        return redirect(url_for("surveys.event_questionnaires", event_id=event.id))
    template = load(None, form.template_id.data)
    copy = services.copy_questionnaire(template, event=event, by_user=current_user,
                                       title=(form.title.data or "").strip() or None)
    db.session.commit()
    flash(f"Kuesioner “{copy.title}” dibuat dari templat.", "success")
    return redirect(survey_url("edit", copy))


def _create(form: NewQuestionnaireForm, event, back: str):
    if not form.validate_on_submit():
        flash(" ".join(e for errs in form.errors.values() for e in errs), "danger")
        return redirect(back)
    try:
        questionnaire = services.create_questionnaire(form.kind.data, form.title.data, event=event,
                                                      by_user=current_user)
    except services.QuestionnaireInvalid as err:
        refuse(err)
        return redirect(back)
    db.session.commit()
    flash("Kuesioner dibuat. Tambahkan pertanyaannya.", "success")
    return redirect(survey_url("edit", questionnaire))


@bp.post(f"{EVENT}/baru")
@staff_required
def create_blank(event_id: int):
    """A blank questionnaire for this event."""
    event = db.get_or_404(Event, event_id)
    return _create(NewQuestionnaireForm(), event, url_for("surveys.event_questionnaires", event_id=event.id))


@bp.get(TEMPLATE)
@staff_required
def templates():
    """The template library."""
    return render_template("surveys/templates.html", templates=services.templates(),
                           blank=NewQuestionnaireForm())


@bp.post(f"{TEMPLATE}/baru")
@staff_required
def create_template():
    """A blank template."""
    return _create(NewQuestionnaireForm(), None, url_for("surveys.templates"))


def _question_form(questionnaire: Questionnaire) -> QuestionForm:
    form = QuestionForm()
    form.kind.choices = [(k.value, LABELS["question_kind"][k.value])
                         for k in QUESTION_KINDS_OF[QuestionnaireKind(questionnaire.kind)]]
    return form


def _editor(questionnaire: Questionnaire, form: QuestionForm, status: int = 200):
    return render_template("surveys/edit.html", q=questionnaire, form=form,
                           locked=services.is_locked(questionnaire),
                           save_form=SaveTemplateForm(), event=questionnaire.event), status


@bp.get(f"{EVENT}/<int:questionnaire_id>")
@staff_required
def edit(event_id: int, questionnaire_id: int):
    """The questions, the form to add one, the rounds with open/close, links to QR and results."""
    questionnaire = load(event_id, questionnaire_id)
    return _editor(questionnaire, _question_form(questionnaire))


@bp.get(f"{TEMPLATE}/<int:template_id>")
@staff_required
def edit_template(template_id: int):
    """A template's questions and the form to add one."""
    questionnaire = load(None, template_id)
    return _editor(questionnaire, _question_form(questionnaire))


@bp.post(f"{EVENT}/<int:questionnaire_id>/pertanyaan")
@staff_required
def add_question(event_id: int, questionnaire_id: int):
    """Append a question to an event's questionnaire (refused once anyone has answered)."""
    return _add_question(load(event_id, questionnaire_id))


@bp.post(f"{TEMPLATE}/<int:template_id>/pertanyaan")
@staff_required
def add_template_question(template_id: int):
    """Append a question to a template."""
    return _add_question(load(None, template_id))


def _add_question(questionnaire: Questionnaire):
    form = _question_form(questionnaire)
    if form.validate_on_submit():
        data = services.QuestionData(kind=form.kind.data, text=form.text.data,
                                     options=(form.options.data or "").splitlines(),
                                     correct=form.correct.data, required=form.required.data)
        try:
            services.add_question(questionnaire, data)
            db.session.commit()
            flash("Pertanyaan ditambahkan.", "success")
            return redirect(survey_url("edit", questionnaire))
        except services.QuestionnaireInvalid as err:
            db.session.rollback()
            apply_errors(form, err)
        except services.QuestionnaireLocked as err:
            db.session.rollback()
            form.form_errors.append(err.message)
    return _editor(questionnaire, form, 422)


@bp.post(f"{EVENT}/<int:questionnaire_id>/pertanyaan/<int:question_id>/hapus")
@staff_required
def delete_question(event_id: int, questionnaire_id: int, question_id: int):
    """Remove a question of an event's questionnaire (refused once anyone has answered)."""
    return _delete_question(load(event_id, questionnaire_id), question_id)


@bp.post(f"{TEMPLATE}/<int:template_id>/pertanyaan/<int:template_question_id>/hapus")
@staff_required
def delete_template_question(template_id: int, template_question_id: int):
    """Remove a question of a template."""
    return _delete_question(load(None, template_id), template_question_id)


def _delete_question(questionnaire: Questionnaire, question_id: int):
    question = db.get_or_404(Question, question_id)
    if question.questionnaire_id != questionnaire.id:
        abort(404)
    try:
        services.delete_question(questionnaire, question)
        db.session.commit()
        flash("Pertanyaan dihapus.", "success")
    except services.QuestionnaireLocked as err:
        refuse(err)
    return redirect(survey_url("edit", questionnaire))


@bp.post(f"{EVENT}/<int:questionnaire_id>/simpan-templat")
@staff_required
def save_template(event_id: int, questionnaire_id: int):
    """Save this event's questionnaire into the template library (a copy)."""
    questionnaire = load(event_id, questionnaire_id)
    form = SaveTemplateForm()
    if not form.validate_on_submit():
        for messages in form.errors.values():
            flash(" ".join(messages), "danger")
        return redirect(survey_url("edit", questionnaire))
    template = services.copy_questionnaire(questionnaire, by_user=current_user,
                                           title=(form.title.data or "").strip() or None)
    db.session.commit()
    flash(f"Disimpan sebagai templat “{template.title}”.", "success")
    return redirect(survey_url("edit", questionnaire))


def _round(questionnaire: Questionnaire, round_name: str):
    survey_round = questionnaire.round(round_name)
    if survey_round is None:
        abort(404)
    return survey_round


@bp.post(f"{EVENT}/<int:questionnaire_id>/<round_name>/buka")
@staff_required
def open_round(event_id: int, questionnaire_id: int, round_name: str):
    """Open a round: participants may answer from now on."""
    questionnaire = load(event_id, questionnaire_id)
    survey_round = _round(questionnaire, round_name)
    try:
        services.open_round(survey_round, current_user)
        db.session.commit()
        flash(f"{survey_round.label} dibuka.", "success")
    except services.RoundTransitionRefused as err:
        refuse(err, "warning")
    return redirect(survey_url("edit", questionnaire))


@bp.post(f"{EVENT}/<int:questionnaire_id>/<round_name>/tutup")
@staff_required
def close_round(event_id: int, questionnaire_id: int, round_name: str):
    """Close a round: no further answers."""
    questionnaire = load(event_id, questionnaire_id)
    survey_round = _round(questionnaire, round_name)
    try:
        services.close_round(survey_round, current_user)
        db.session.commit()
        flash(f"{survey_round.label} ditutup.", "success")
    except services.RoundTransitionRefused as err:
        refuse(err, "warning")
    return redirect(survey_url("edit", questionnaire))
