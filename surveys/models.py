"""Questionnaires of an event (issue 15.2): a test answered in two rounds, and a feedback form.

A test is ONE questionnaire with two rounds, `pre` and `post`: both rounds ask the very same
question rows, so the pre-test and the post-test cannot drift apart. A feedback form has one
round. A questionnaire without an event is a template of the library; an event's questionnaire
is a copy of one (surveys.services.copy_questionnaire), never a reference to it.

Answers are personal data (UU PDP 27/2022): one response per (round, registration), guarded by
the unique constraint; the anonymisation detaches responses from the registration and erases
free text (surveys.privacy).
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from helpers import labels
from timeutil import utcnow


class QuestionnaireKind(enum.StrEnum):
    TEST = "test"          # pre-test and post-test (multiple choice, one correct answer)
    FEEDBACK = "feedback"  # umpan balik (ratings, choices, free text)


class QuestionKind(enum.StrEnum):
    QUIZ = "quiz"      # multiple choice with one correct option (tests only)
    RATING = "rating"  # 1-5
    CHOICE = "choice"  # one option, no correct answer
    TEXT = "text"      # free text


class RoundName(enum.StrEnum):
    PRE = "pre"
    POST = "post"
    FEEDBACK = "umpan-balik"


class RoundStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


# The rounds each kind of questionnaire has, in order.
ROUNDS_OF = {QuestionnaireKind.TEST: (RoundName.PRE, RoundName.POST),
             QuestionnaireKind.FEEDBACK: (RoundName.FEEDBACK,)}
# The question kinds each kind of questionnaire may ask.
QUESTION_KINDS_OF = {QuestionnaireKind.TEST: (QuestionKind.QUIZ,),
                     QuestionnaireKind.FEEDBACK: (QuestionKind.RATING, QuestionKind.CHOICE,
                                                  QuestionKind.TEXT)}
RATING_MIN, RATING_MAX = 1, 5


class Questionnaire(db.Model):
    """A test or a feedback form; a template when `event_id` is None."""

    __tablename__ = "questionnaire"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    event = relationship("Event")
    questions: Mapped[list[Question]] = relationship(
        back_populates="questionnaire", order_by="(Question.position, Question.id)",
        cascade="all, delete-orphan")
    rounds: Mapped[list[SurveyRound]] = relationship(
        back_populates="questionnaire", order_by="SurveyRound.id", cascade="all, delete-orphan")

    @property
    def is_template(self) -> bool:
        return self.event_id is None

    @property
    def kind_label(self) -> str:
        return labels.label("questionnaire_kind", self.kind)

    def round(self, name: str) -> SurveyRound | None:
        """This questionnaire's round called `name`, or None."""
        return next((r for r in self.rounds if r.name == name), None)


class Question(db.Model):
    """One question; its options are the choices (for a quiz, exactly one is correct)."""

    __tablename__ = "survey_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(Boolean, default=True)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="questions")
    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question", order_by="(QuestionOption.position, QuestionOption.id)",
        cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return labels.label("question_kind", self.kind)


class QuestionOption(db.Model):
    """A choice of a quiz or choice question."""

    __tablename__ = "survey_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"),
                                             index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(300))
    is_correct: Mapped[bool] = mapped_column(Boolean, default=False)

    question: Mapped[Question] = relationship(back_populates="options")


class SurveyRound(db.Model):
    """A round of an event's questionnaire (pre, post or umpan-balik), opened and closed by panitia."""

    __tablename__ = "survey_round"
    __table_args__ = (UniqueConstraint("questionnaire_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=RoundStatus.DRAFT)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="rounds")

    @property
    def label(self) -> str:
        return labels.label("survey_round", self.name)

    @property
    def status_label(self) -> str:
        return labels.label("survey_round_status", self.status)

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class SurveyResponse(db.Model):
    """One person's answers to one round. `registration_id` is None once anonymised."""

    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("round_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Tests only: correct answers and the number of quiz questions at submission.
    score: Mapped[int | None] = mapped_column(Integer)
    max_score: Mapped[int | None] = mapped_column(Integer)

    round: Mapped[SurveyRound] = relationship()
    answers: Mapped[list[SurveyAnswer]] = relationship(back_populates="response",
                                                       cascade="all, delete-orphan")


class SurveyAnswer(db.Model):
    """The answer to one question: an option, a rating or a text."""

    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"),
                                             index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"),
                                             index=True)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("survey_option.id", ondelete="CASCADE"))
    rating: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
