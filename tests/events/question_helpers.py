"""Helpers for the tests of the events' own questions and their answers (plain functions)."""
from __future__ import annotations

import secrets

from events.models import Registration
from events.questions.models import EventQuestion, RegistrationAnswer
from extensions import db


def add_question(event_id: int, label: str, kind: str = "text", *, options=(), position: int = 0,
                 required: bool = False, on_daftar_hadir: bool = False) -> int:
    """A committed question of `event_id`; returns its id (call inside an app context)."""
    q = EventQuestion(event_id=event_id, label=label, kind=kind, options=list(options), position=position,
                      required=required, on_daftar_hadir=on_daftar_hadir)
    db.session.add(q)
    db.session.commit()
    return q.id


def add_guest(event_id: int, name: str, phone: str, **kw) -> int:
    """A committed confirmed guest registration; returns its id."""
    reg = Registration(event_id=event_id, guest_name=name, guest_phone=phone, status=kw.pop("status", "confirmed"),
                       token=secrets.token_urlsafe(16), source=kw.pop("source", "guest"), **kw)
    db.session.add(reg)
    db.session.commit()
    return reg.id


def add_answer(registration_id: int, question_id: int, value: str) -> None:
    """A committed answer in its stored (canonical) form."""
    db.session.add(RegistrationAnswer(registration_id=registration_id, question_id=question_id, value=value))
    db.session.commit()


def answers_in_db(registration_id: int) -> dict[int, str]:
    """{question id: stored value} of one registration."""
    return dict(db.session.execute(db.select(RegistrationAnswer.question_id, RegistrationAnswer.value)
                                   .where(RegistrationAnswer.registration_id == registration_id)).all())
