"""An event's own registration questions and each registration's answers (issue 15.4).

Organisers ask things like "Membawa anak?", "Kebutuhan khusus" or "Ukuran kaos". A question
belongs to one event; an answer belongs to one registration and one question, stored in its
canonical text form (events.questions.answers.parse_answer), and shown through display_answer.
Answers are personal data (UU PDP 27/2022): they go into the person's data export and are
erased by the anonymisation.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from helpers import labels
from timeutil import utcnow


class EventQuestionKind(enum.StrEnum):
    TEXT = "text"        # free text
    NUMBER = "number"    # a decimal number
    YES_NO = "yes_no"    # ya / tidak
    CHOICE = "choice"    # one of the options
    CHOICES = "choices"  # several of the options

    @property
    def has_options(self) -> bool:
        return self in (EventQuestionKind.CHOICE, EventQuestionKind.CHOICES)


class EventQuestion(db.Model):
    """A question an event asks at registration, in `position` order."""

    __tablename__ = "event_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))
    # The option texts of a choice/choices question, in order; [] for the other kinds.
    options: Mapped[list] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    # Shown as a column of its own on the daftar hadir.
    on_daftar_hadir: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    event = relationship("Event")

    @property
    def kind_label(self) -> str:
        return labels.label("event_question_kind", self.kind)

    @property
    def field_name(self) -> str:
        """The name of this question's input on the registration forms."""
        return f"q_{self.id}"


class RegistrationAnswer(db.Model):
    """One registration's answer to one question, in its canonical stored form."""

    __tablename__ = "registration_answer"
    __table_args__ = (UniqueConstraint("registration_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("event_question.id", ondelete="CASCADE"), index=True)
    value: Mapped[str] = mapped_column(Text)

    question: Mapped[EventQuestion] = relationship()
    registration = relationship("Registration")
