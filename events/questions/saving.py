"""A registration's answers: read from a registration form, stored in the caller's transaction
(the same commit as the registration, so a bad answer saves nothing at all), and changed later by
the holder until the event starts.

Companions of a family registration are not asked: their lead answers for the registration.
"""
from __future__ import annotations

from sqlalchemy import select

from events.models import Registration, RegistrationStatus
from events.questions.answers import (
    InvalidAnswer,
    display_answer,
    parse_answer,
    questions_of,
    stored_choices,
)
from events.questions.models import EventQuestion, EventQuestionKind, RegistrationAnswer
from events.services import registration as reg_service
from extensions import db
from timeutil import utcnow


class AnswersLocked(InvalidAnswer):
    code = "answers_locked"
    kind = "forbidden"
    default = "Jawaban pendaftaran tidak dapat diubah lagi."


def _raw(question: EventQuestion, formdata):
    if question.kind == EventQuestionKind.CHOICES:
        return formdata.getlist(question.field_name)
    return formdata.get(question.field_name)


def raw_values(questions: list[EventQuestion], formdata) -> dict[str, object]:
    """What the person typed or ticked, by field name, to refill the form after an error."""
    return {q.field_name: _raw(q, formdata) for q in questions}


def read_answers(questions: list[EventQuestion], formdata) -> dict[int, str | None]:
    """{question_id: canonical value or None} from a registration form. Raises InvalidAnswer
    with every bad answer in `.fields` (field name -> message)."""
    values, errors = {}, {}
    for question in questions:
        try:
            values[question.id] = parse_answer(question, _raw(question, formdata))
        except InvalidAnswer as exc:
            errors[question.field_name] = exc.message
    if errors:
        raise InvalidAnswer(fields=errors)
    return values


def save_answers(registration: Registration, values: dict[int, str | None]) -> None:
    """Store `values` (from read_answers) for the registration: an answer left empty removes a
    stored one. Flushes, never commits."""
    stored = {a.question_id: a for a in db.session.scalars(
        select(RegistrationAnswer).where(RegistrationAnswer.registration_id == registration.id))}
    for question_id, value in values.items():
        answer = stored.get(question_id)
        if value is None:
            if answer is not None:
                db.session.delete(answer)
        elif answer is None:
            db.session.add(RegistrationAnswer(registration_id=registration.id,
                                              question_id=question_id, value=value))
        else:
            answer.value = value
    db.session.flush()


def stored_values(registration: Registration, questions: list[EventQuestion]) -> dict[str, object]:
    """The registration's answers as form values (field name -> text, or a list for choices)."""
    stored = dict(db.session.execute(
        select(RegistrationAnswer.question_id, RegistrationAnswer.value)
        .where(RegistrationAnswer.registration_id == registration.id)).all())
    values: dict[str, object] = {}
    for q in questions:
        value = stored.get(q.id)
        if q.kind == EventQuestionKind.CHOICES:
            values[q.field_name] = stored_choices(value)
        elif q.kind == EventQuestionKind.NUMBER:
            values[q.field_name] = display_answer(q, value)
        else:
            values[q.field_name] = value or ""
    return values


def answer_lines(registration: Registration) -> list[tuple[EventQuestion, str]]:
    """(question, display text) for each of the event's questions, in order."""
    questions = questions_of(registration.event_id)
    stored = dict(db.session.execute(
        select(RegistrationAnswer.question_id, RegistrationAnswer.value)
        .where(RegistrationAnswer.registration_id == registration.id)).all())
    return [(q, display_answer(q, stored.get(q.id))) for q in questions]


def may_change_answers(registration: Registration, by_user) -> bool:
    """The holder (the ticket link, the relawan's own account) or panitia/admin
    (reg_service.may_cancel) may change a lead's answers while the registration stands and the
    event has not started."""
    return (registration.lead_registration_id is None
            and registration.status != RegistrationStatus.CANCELLED
            and not registration.event.is_cancelled
            and registration.event.starts_at > utcnow()
            and reg_service.may_cancel(registration, by_user))


def change_answers(registration: Registration, formdata, by_user) -> None:
    """The holder changes their answers (all questions of the event). Raises AnswersLocked or
    InvalidAnswer; stores nothing then."""
    if not may_change_answers(registration, by_user):
        raise AnswersLocked("Jawaban hanya dapat diubah sebelum kegiatan dimulai.")
    save_answers(registration, read_answers(questions_of(registration.event_id), formdata))
