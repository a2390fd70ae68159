"""Answers to an event's own questions as personal data (UU PDP 27/2022, issue 15.4).

`answers_by_registration` feeds the relawan's own data export (relawan.data_rights.export_data):
each registration lists its questions and answers as shown on the registrant list. `forget` is
called by the anonymisation (relawan.data_rights.anonymise): the answers of the relawan's
registrations are deleted. Unlike survey responses they are not kept detached: an answer row
always belongs to a registration, and the registration stays linked to the anonymised relawan.
Companions of a family registration are not asked (events.questions.saving: the lead answers
for the registration), so a relawan's answers are those of their own registrations.
"""
from __future__ import annotations

from sqlalchemy import delete, select

from events.models import Registration
from events.questions.answers import display_answer
from events.questions.models import EventQuestion, RegistrationAnswer
from extensions import db


def registration_ids_of_relawan(relawan_id: int) -> list[int]:
    """The relawan's own registrations."""
    return list(db.session.scalars(select(Registration.id).where(Registration.relawan_id == relawan_id)))


def answers_by_registration(registration_ids: list[int]) -> dict[int, list[dict]]:
    """{registration id: [{"question": label, "answer": text}, ...]} in question order, one query."""
    if not registration_ids:
        return {}
    rows = db.session.execute(
        select(RegistrationAnswer.registration_id, RegistrationAnswer.value, EventQuestion)
        .join(EventQuestion, EventQuestion.id == RegistrationAnswer.question_id)
        .where(RegistrationAnswer.registration_id.in_(registration_ids))
        .order_by(RegistrationAnswer.registration_id, EventQuestion.position, EventQuestion.id))
    out: dict[int, list[dict]] = {}
    for reg_id, value, question in rows:
        out.setdefault(reg_id, []).append(
            {"question": question.label, "answer": display_answer(question, value)})
    return out


def forget(registration_ids: list[int]) -> int:
    """Delete the answers of these registrations; returns how many."""
    if not registration_ids:
        return 0
    result = db.session.execute(delete(RegistrationAnswer)
                                .where(RegistrationAnswer.registration_id.in_(registration_ids))
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0


def forget_relawan(relawan_id: int) -> int:
    """The anonymisation's part for registration answers: delete the relawan's."""
    return forget(registration_ids_of_relawan(relawan_id))
