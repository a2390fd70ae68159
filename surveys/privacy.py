"""Questionnaire answers as personal data (UU PDP 27/2022): a person's copy and their erasure.

`answers_of` feeds the relawan's own data export (relawan.data_rights.export_data). `forget`
is called by the anonymisation (relawan.data_rights.anonymise): the responses are detached from
the registrations (registration_id NULL, so scores and choices still count in the event's
statistics without pointing at anyone) and the free-text answers, which may name a person, are
deleted.
"""
from __future__ import annotations

from sqlalchemy import delete, select, update

from extensions import db
from surveys.models import Questionnaire, SurveyAnswer, SurveyResponse, SurveyRound


def answers_of(registration_ids: list[int]) -> list[dict]:
    """Every answer set of these registrations: questionnaire, round, time, score, answers."""
    if not registration_ids:
        return []
    responses = db.session.execute(
        select(SurveyResponse, SurveyRound, Questionnaire)
        .join(SurveyRound, SurveyRound.id == SurveyResponse.round_id)
        .join(Questionnaire, Questionnaire.id == SurveyRound.questionnaire_id)
        .where(SurveyResponse.registration_id.in_(registration_ids))
        .order_by(SurveyResponse.submitted_at, SurveyResponse.id)).all()
    out = []
    for response, survey_round, questionnaire in responses:
        options = {o.id: o.text for q in questionnaire.questions for o in q.options}
        texts = {q.id: q.text for q in questionnaire.questions}
        out.append({
            "questionnaire": questionnaire.title, "round": survey_round.name,
            "event_id": questionnaire.event_id,
            "submitted_at": response.submitted_at.replace(microsecond=0).isoformat() + "Z",
            "score": response.score, "max_score": response.max_score,
            "answers": [{"question": texts.get(a.question_id),
                         "answer": options.get(a.option_id) if a.option_id else
                         (a.rating if a.rating is not None else a.text)}
                        for a in sorted(response.answers, key=lambda a: a.question_id)],
        })
    return out


def forget(registration_ids: list[int]) -> int:
    """Detach these registrations' answer sets and erase their free text; returns how many."""
    if not registration_ids:
        return 0
    response_ids = select(SurveyResponse.id).where(SurveyResponse.registration_id.in_(registration_ids))
    db.session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id.in_(response_ids),
                                                  SurveyAnswer.text.isnot(None))
                       .execution_options(synchronize_session=False))
    result = db.session.execute(update(SurveyResponse)
                                .where(SurveyResponse.registration_id.in_(registration_ids))
                                .values(registration_id=None).execution_options(synchronize_session=False))
    return result.rowcount or 0


def _registration_ids(relawan_id: int) -> list[int]:
    from events.models import Registration

    return list(db.session.scalars(select(Registration.id).where(Registration.relawan_id == relawan_id)))


def answers_of_relawan(relawan_id: int) -> list[dict]:
    """A relawan's answer sets across their registrations (their own data export)."""
    return answers_of(_registration_ids(relawan_id))


def forget_relawan(relawan_id: int) -> int:
    """The anonymisation's part for questionnaires: detach, and delete free text."""
    return forget(_registration_ids(relawan_id))
