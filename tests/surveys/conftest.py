"""Fixtures for questionnaires: an event with guests, a pre/post test of two questions, a
feedback form, and a helper that answers through the ticket link like a guest's phone."""
from __future__ import annotations

import secrets

import pytest

from events.models import Registration
from extensions import db
from surveys.models import Question, Questionnaire, QuestionOption, SurveyRound


@pytest.fixture
def make_guest(app):
    """make_guest(event, name, phone) -> (registration id, ticket token)."""
    def factory(event, name="Ibu Tamu", phone=None, status="confirmed"):
        with app.app_context():
            reg = Registration(event_id=event.id, guest_name=name, source="guest", status=status,
                               guest_phone=phone or f"+62812{secrets.randbelow(10**8):08d}",
                               token=secrets.token_urlsafe(16))
            db.session.add(reg)
            db.session.commit()
            return reg.id, reg.token
    return factory


@pytest.fixture
def make_test(app):
    """make_test(event, status="open") -> {"id", "q1": {...option ids}, "q2": ...}: two quiz
    questions, option "benar" correct; both rounds in `status` (pre) / `post_status`."""
    def factory(event, status="open", post_status=None):
        with app.app_context():
            questions = [Question(kind="quiz", text=text, position=i, options=[
                QuestionOption(text="benar", position=1, is_correct=True),
                QuestionOption(text="salah", position=2)]) for i, text in enumerate(
                    ["Ke mana melapor kekerasan terhadap anak?", "Apa itu KDRT?"], start=1)]
            test = Questionnaire(kind="test", title="Tes pengetahuan", event_id=event.id,
                                 questions=questions,
                                 rounds=[SurveyRound(name="pre", status=status),
                                         SurveyRound(name="post", status=post_status or status)])
            db.session.add(test)
            db.session.commit()
            return {"id": test.id, **{f"q{i}": {"id": q.id, "right": q.options[0].id, "wrong": q.options[1].id}
                                      for i, q in enumerate(test.questions, start=1)}}
    return factory


@pytest.fixture
def make_feedback(app):
    """make_feedback(event) -> {"id", "rating", "choice", "text", "options": [ids]} (open round)."""
    def factory(event):
        with app.app_context():
            rating = Question(kind="rating", text="Seberapa bermanfaat materi?", position=1)
            choice = Question(kind="choice", text="Dari mana Anda tahu acara ini?", position=2, options=[
                QuestionOption(text="Kader PKK", position=1), QuestionOption(text="Media sosial", position=2)])
            text = Question(kind="text", text="Saran untuk panitia", position=3, required=False)
            form = Questionnaire(kind="feedback", title="Umpan balik", event_id=event.id,
                                 questions=[rating, choice, text],
                                 rounds=[SurveyRound(name="umpan-balik", status="open")])
            db.session.add(form)
            db.session.commit()
            return {"id": form.id, "rating": rating.id, "choice": choice.id, "text": text.id,
                    "options": [o.id for o in choice.options]}
    return factory


def answer_url(test_id: int, round_name: str, token: str) -> str:
    return f"/kuesioner/{test_id}/{round_name}/t/{token}"


def answer_test(client, test, round_name, token, q1: bool, q2: bool):
    """Answer both questions of `test` (True = the correct option) through the ticket link."""
    data = {f"q{test['q1']['id']}": test["q1"]["right" if q1 else "wrong"],
            f"q{test['q2']['id']}": test["q2"]["right" if q2 else "wrong"]}
    return client.post(answer_url(test["id"], round_name, token), data=data)
