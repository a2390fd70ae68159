"""Answering a round: who may answer (`check_may_answer`), finding a guest's registration from
the ticket code (`find_by_ticket_code`), and saving one answer set (`submit`).

Who answers is always a Registration of the questionnaire's event: a logged-in relawan's own,
or the one whose ticket token is in the link. A guest at the projector who has no link types the
phone number they registered with and the 6-character code printed under their ticket's QR
("Kode: ab12Cd…"): both must match one registration of this event. One answer set per (round,
registration) is guarded by the unique constraint; a second one becomes AlreadyAnswered.
"""
from __future__ import annotations

import hmac
from collections.abc import Mapping

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from events.models import Registration, RegistrationStatus
from extensions import db
from helpers.errors import DomainError
from relawan.models import Relawan
from surveys.models import (
    RATING_MAX,
    RATING_MIN,
    QuestionKind,
    Questionnaire,
    RoundStatus,
    SurveyAnswer,
    SurveyResponse,
    SurveyRound,
)
from timeutil import utcnow

CODE_LENGTH = 6  # the characters of the token the ticket page prints under the QR


class AnswerRefused(DomainError):
    code = "answer_refused"
    kind = "forbidden"
    default = "Anda tidak dapat mengisi kuesioner ini."


class RoundClosed(DomainError):
    code = "round_closed"
    kind = "conflict"
    default = "Kuesioner ini sedang tidak dibuka. Tunggu aba-aba panitia."


class AlreadyAnswered(DomainError):
    code = "already_answered"
    kind = "conflict"
    default = "Anda sudah mengisi kuesioner ini. Terima kasih."


class AnswersInvalid(DomainError):
    code = "answers_invalid"
    kind = "invalid"
    default = "Ada pertanyaan yang belum dijawab."


class TicketNotFound(DomainError):
    code = "ticket_not_found"
    kind = "not_found"
    default = ("Nomor HP dan kode tiket tidak cocok dengan pendaftar kegiatan ini. "
               "Periksa kode di bawah QR tiket Anda, atau tanyakan kepada panitia.")


def answer_url(survey_round: SurveyRound) -> str:
    """What the projector QR holds: {BASE_URL}/kuesioner/<questionnaire>/<round>."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}/kuesioner/{survey_round.questionnaire_id}/{survey_round.name}"


def registration_of_user(questionnaire: Questionnaire, user) -> Registration | None:
    """The logged-in person's own registration for the questionnaire's event, or None."""
    if user is None or not user.is_authenticated or questionnaire.event_id is None:
        return None
    return db.session.scalar(select(Registration).join(Relawan, Relawan.id == Registration.relawan_id)
                             .where(Registration.event_id == questionnaire.event_id,
                                    Relawan.user_id == user.id))


def find_by_ticket_code(questionnaire: Questionnaire, phone: str, code: str) -> Registration:
    """The registration of this event with this phone number (E.164, relawan.forms.PhoneField)
    and ticket code (case ignored:
    people copy it from a small print), or TicketNotFound. Only this event's registrants match."""
    code = (code or "").strip().rstrip("….").strip()
    if len(code) != CODE_LENGTH:
        raise TicketNotFound(fields={"code": f"Kode tiket terdiri dari {CODE_LENGTH} huruf/angka."})
    from auth.models import User

    candidates = db.session.scalars(
        select(Registration).outerjoin(Relawan, Relawan.id == Registration.relawan_id)
        .outerjoin(User, User.id == Relawan.user_id)
        .where(Registration.event_id == questionnaire.event_id,
               func.coalesce(User.phone, Registration.guest_phone) == phone)).all()
    for reg in candidates:
        if hmac.compare_digest(reg.token[:CODE_LENGTH].lower().encode(), code.lower().encode()):
            return reg
    raise TicketNotFound()


def check_may_answer(survey_round: SurveyRound, registration: Registration | None) -> None:
    """The one rule: a confirmed registration of this questionnaire's event, in an open round."""
    questionnaire = survey_round.questionnaire
    if registration is None or registration.event_id != questionnaire.event_id:
        raise AnswerRefused("Kuesioner ini hanya untuk peserta yang terdaftar di kegiatan ini.")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise AnswerRefused("Pendaftaran Anda tidak aktif untuk kegiatan ini.")
    if not survey_round.is_open:
        raise RoundClosed()


def has_answered(survey_round: SurveyRound, registration: Registration) -> bool:
    return db.session.scalar(select(SurveyResponse.id).where(
        SurveyResponse.round_id == survey_round.id,
        SurveyResponse.registration_id == registration.id)) is not None


def _answer(question, raw: str | None) -> SurveyAnswer | None:
    """One question's answer from the form value, or None when left empty."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if question.kind in (QuestionKind.QUIZ, QuestionKind.CHOICE):
        option = next((o for o in question.options if str(o.id) == raw), None)
        if option is None:
            raise AnswersInvalid(fields={f"q{question.id}": "Pilih salah satu jawaban."})
        return SurveyAnswer(question_id=question.id, option_id=option.id)
    if question.kind == QuestionKind.RATING:
        if not raw.isdigit() or not RATING_MIN <= int(raw) <= RATING_MAX:
            raise AnswersInvalid(fields={f"q{question.id}": f"Pilih nilai {RATING_MIN} sampai {RATING_MAX}."})
        return SurveyAnswer(question_id=question.id, rating=int(raw))
    if len(raw) > 2000:
        raise AnswersInvalid(fields={f"q{question.id}": "Jawaban paling banyak 2000 karakter."})
    return SurveyAnswer(question_id=question.id, text=raw)


def score(questionnaire: Questionnaire, answers: list[SurveyAnswer]) -> tuple[int, int] | None:
    """(correct answers, quiz questions) of a test's answer set; None for a feedback form."""
    quiz = [q for q in questionnaire.questions if q.kind == QuestionKind.QUIZ]
    if not quiz:
        return None
    correct = {o.id for q in quiz for o in q.options if o.is_correct}
    return sum(1 for a in answers if a.option_id in correct), len(quiz)


def submit(survey_round: SurveyRound, registration: Registration | None,
           values: Mapping[str, str]) -> SurveyResponse:
    """Save one answer set (form fields q<question id>); refused, saving nothing, when the
    person may not answer, a required question is empty, or they have answered this round."""
    check_may_answer(survey_round, registration)
    questionnaire = survey_round.questionnaire
    answers, missing = [], {}
    for question in questionnaire.questions:
        answer = _answer(question, values.get(f"q{question.id}"))
        if answer is None:
            if question.required:
                missing[f"q{question.id}"] = "Pertanyaan ini wajib dijawab."
            continue
        answers.append(answer)
    if missing:
        raise AnswersInvalid(f"{len(missing)} pertanyaan belum dijawab.", fields=missing)
    points = score(questionnaire, answers)
    response = SurveyResponse(round_id=survey_round.id, registration_id=registration.id,
                              submitted_at=utcnow(), answers=answers,
                              score=points[0] if points else None, max_score=points[1] if points else None)
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError:
        # As events.services.registration._insert: no SAVEPOINT on pysqlite; the request is undone.
        db.session.rollback()
        raise AlreadyAnswered() from None
    return response


def open_rounds_for(registration: Registration) -> list[tuple[SurveyRound, bool]]:
    """The open rounds of the registration's event with whether this person has answered each
    (for the links on the ticket page)."""
    rounds = db.session.scalars(
        select(SurveyRound).join(Questionnaire)
        .where(Questionnaire.event_id == registration.event_id, SurveyRound.status == RoundStatus.OPEN)
        .order_by(Questionnaire.id, SurveyRound.id)).all()
    if not rounds:
        return []
    done = set(db.session.scalars(select(SurveyResponse.round_id).where(
        SurveyResponse.registration_id == registration.id,
        SurveyResponse.round_id.in_([r.id for r in rounds]))))
    return [(r, r.id in done) for r in rounds]
