"""Participants' pages: answer a round on a phone (light page, no JavaScript).

/kuesioner/<q>/<round> is what the projector QR holds: a logged-in relawan registered for the
event answers there directly; anyone else is asked for the phone number they registered with
and the code under their ticket's QR, which leads to /kuesioner/<q>/<round>/t/<ticket token>,
the same link the ticket page shows ("Isi pre-test"). The ticket token is the credential, as on
the ticket page itself.
"""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from auth import limits
from events.forms import ActionForm
from events.services.tickets import find_registration
from extensions import db
from surveys import answering, bp
from surveys.forms import TicketCodeForm
from surveys.models import Questionnaire

BASE = "/kuesioner/<int:questionnaire_id>/<round_name>"
NO_STORE = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}


def _round_or_404(questionnaire_id: int, round_name: str):
    questionnaire = db.get_or_404(Questionnaire, questionnaire_id)
    survey_round = questionnaire.round(round_name)
    if questionnaire.event_id is None or survey_round is None:
        abort(404)
    return survey_round


def _form_page(survey_round, registration, *, errors=None, values=None, status=200):
    """The answer form, or why this person cannot answer now (closed, answered, not theirs)."""
    refusal, answered = None, False
    try:
        answering.check_may_answer(survey_round, registration)
        answered = answering.has_answered(survey_round, registration)
    except answering.AnswerRefused as err:
        refusal = err.message
    except answering.RoundClosed as err:
        refusal = err.message
    return render_template("surveys/answer.html", round=survey_round, q=survey_round.questionnaire,
                           event=survey_round.questionnaire.event, registration=registration,
                           refusal=refusal, answered=answered, errors=errors or {},
                           values=values or {}, form=ActionForm()), status, NO_STORE


def _submit(survey_round, registration):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        response = answering.submit(survey_round, registration, request.form)
        db.session.commit()
    except answering.AnswersInvalid as err:
        db.session.rollback()
        return _form_page(survey_round, registration, errors=err.fields, values=request.form,
                          status=err.http_status)
    except (answering.AnswerRefused, answering.RoundClosed, answering.AlreadyAnswered) as err:
        db.session.rollback()
        return render_template("surveys/answer_done.html", round=survey_round, message=err.message,
                               ok=False, event=survey_round.questionnaire.event), err.http_status, NO_STORE
    return render_template("surveys/answer_done.html", round=survey_round, ok=True, response=response,
                           event=survey_round.questionnaire.event), 200, NO_STORE


@bp.route(BASE, methods=["GET", "POST"])
def answer(questionnaire_id: int, round_name: str):
    """From the projector QR: a logged-in registrant answers; others identify with their ticket."""
    survey_round = _round_or_404(questionnaire_id, round_name)
    registration = answering.registration_of_user(survey_round.questionnaire, current_user)
    if registration is None:
        if request.method == "POST":
            raise answering.AnswerRefused("Kuesioner ini hanya untuk peserta yang terdaftar di kegiatan ini.")
        return render_template("surveys/find_ticket.html", round=survey_round, q=survey_round.questionnaire,
                               event=survey_round.questionnaire.event, form=TicketCodeForm()), 200, NO_STORE
    if request.method == "POST":
        return _submit(survey_round, registration)
    return _form_page(survey_round, registration)


@bp.post(f"{BASE}/tiket")
@limits.per_person("phone")  # wrong codes are charged to the phone number, not the hall's address
def find_ticket(questionnaire_id: int, round_name: str):
    """A guest types their phone number and ticket code; on a match, on to their answer link."""
    survey_round = _round_or_404(questionnaire_id, round_name)
    form = TicketCodeForm()
    if form.validate_on_submit():
        try:
            registration = answering.find_by_ticket_code(survey_round.questionnaire, form.phone.data,
                                                         form.code.data)
            return redirect(url_for("surveys.answer_with_ticket", questionnaire_id=questionnaire_id,
                                    round_name=round_name, token=registration.token))
        except answering.TicketNotFound as err:
            if err.fields:
                for name, message in err.fields.items():
                    form[name].errors = list(form[name].errors) + [message]
            else:
                form.form_errors.append(err.message)
    return render_template("surveys/find_ticket.html", round=survey_round, q=survey_round.questionnaire,
                           event=survey_round.questionnaire.event, form=form), 422, NO_STORE


@bp.route(f"{BASE}/t/<token>", methods=["GET", "POST"])
def answer_with_ticket(questionnaire_id: int, round_name: str, token: str):
    """The ticket holder's answer link (from the ticket page or after typing the ticket code)."""
    survey_round = _round_or_404(questionnaire_id, round_name)
    registration = find_registration(token)
    if registration is None:
        abort(404)
    if request.method == "POST":
        return _submit(survey_round, registration)
    return _form_page(survey_round, registration)


# The ticket page (templates/surveys/_ticket_links.html) lists the open rounds with "Isi ..." links.
bp.add_app_template_global(answering.open_rounds_for, "survey_rounds_for")
