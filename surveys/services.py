"""Making questionnaires: the template library, copies for an event, questions, rounds.

Rules owned here: which question kinds a questionnaire may ask (models.QUESTION_KINDS_OF), that a
quiz question has exactly one correct option, that questions are fixed once anyone has answered
(`is_locked`), that an event's questionnaire is a copy of a template (`copy_questionnaire`), and
the round transitions (`open_round`, `close_round`). Services flush, views commit.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

import audit
from extensions import db
from helpers.errors import DomainError
from surveys.models import (
    QUESTION_KINDS_OF,
    ROUNDS_OF,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireKind,
    QuestionOption,
    RoundStatus,
    SurveyResponse,
    SurveyRound,
)
from timeutil import utcnow

MAX_OPTIONS = 8


class QuestionnaireInvalid(DomainError):
    code = "questionnaire_invalid"
    kind = "invalid"
    default = "Isian kuesioner tidak valid."


class QuestionnaireLocked(DomainError):
    code = "questionnaire_locked"
    kind = "conflict"
    default = ("Pertanyaan tidak dapat diubah karena sudah ada peserta yang menjawab. "
               "Buat kuesioner baru bila perlu pertanyaan lain.")


class RoundTransitionRefused(DomainError):
    code = "round_transition_refused"
    kind = "conflict"
    default = "Status putaran ini tidak dapat diubah."


@dataclass
class QuestionData:
    """What the add-question form sends: options one per line, `correct` numbered from 1."""
    kind: str
    text: str
    options: list[str] = field(default_factory=list)
    correct: int | None = None
    required: bool = True


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise QuestionnaireInvalid(fields={"title": "Judul wajib diisi."})
    if len(title) > 200:
        raise QuestionnaireInvalid(fields={"title": "Judul paling banyak 200 karakter."})
    return title


def create_questionnaire(kind: str, title: str, *, event=None, by_user=None) -> Questionnaire:
    """A new empty questionnaire: a template (event None) or an event's, with its rounds."""
    if kind not in {k.value for k in QuestionnaireKind}:
        raise QuestionnaireInvalid(fields={"kind": "Pilih jenis kuesioner."})
    q = Questionnaire(kind=kind, title=_clean_title(title), event_id=event.id if event else None,
                      created_by_id=by_user.id if by_user else None)
    if event is not None:
        q.rounds = [SurveyRound(name=name) for name in ROUNDS_OF[QuestionnaireKind(kind)]]
    db.session.add(q)
    db.session.flush()
    return q


def copy_questionnaire(source: Questionnaire, *, event=None, by_user=None,
                       title: str | None = None) -> Questionnaire:
    """A deep copy of `source`'s questions: an event's questionnaire from a template, or a new
    template from an event's questionnaire (event None). Answers are never copied."""
    copy = create_questionnaire(source.kind, title or source.title, event=event, by_user=by_user)
    for question in source.questions:
        copy.questions.append(Question(
            position=question.position, kind=question.kind, text=question.text,
            required=question.required,
            options=[QuestionOption(position=o.position, text=o.text, is_correct=o.is_correct)
                     for o in question.options]))
    db.session.flush()
    audit.record("questionnaire_copied", copy, user=by_user,
                 details={"from": source.id, "event_id": event.id if event else None})
    return copy


def templates(kind: str | None = None) -> list[Questionnaire]:
    """The template library, newest first."""
    stmt = select(Questionnaire).where(Questionnaire.event_id.is_(None))
    if kind:
        stmt = stmt.where(Questionnaire.kind == kind)
    return list(db.session.scalars(stmt.order_by(Questionnaire.created_at.desc(), Questionnaire.id.desc())))


def of_event(event_id: int) -> list[Questionnaire]:
    """An event's questionnaires in the order they were made."""
    return list(db.session.scalars(select(Questionnaire).where(Questionnaire.event_id == event_id)
                                   .order_by(Questionnaire.id)))


def is_locked(questionnaire: Questionnaire) -> bool:
    """Questions are fixed once any round has an answer: scores must keep meaning the same."""
    if questionnaire.is_template:
        return False
    n = db.session.scalar(select(func.count(SurveyResponse.id)).join(SurveyRound)
                          .where(SurveyRound.questionnaire_id == questionnaire.id))
    return bool(n)


def _validate_question(questionnaire: Questionnaire, data: QuestionData) -> tuple[str, list[str]]:
    allowed = QUESTION_KINDS_OF[QuestionnaireKind(questionnaire.kind)]
    if data.kind not in {k.value for k in allowed}:
        raise QuestionnaireInvalid(fields={"kind": "Jenis pertanyaan ini tidak dapat dipakai di kuesioner ini."})
    text = (data.text or "").strip()
    if not text:
        raise QuestionnaireInvalid(fields={"text": "Pertanyaan wajib diisi."})
    if len(text) > 1000:
        raise QuestionnaireInvalid(fields={"text": "Pertanyaan paling banyak 1000 karakter."})
    options = [line.strip() for line in data.options if line.strip()]
    if data.kind in (QuestionKind.QUIZ, QuestionKind.CHOICE):
        if not 2 <= len(options) <= MAX_OPTIONS:
            raise QuestionnaireInvalid(fields={"options": f"Tulis 2 sampai {MAX_OPTIONS} pilihan, satu per baris."})
        if any(len(o) > 300 for o in options):
            raise QuestionnaireInvalid(fields={"options": "Setiap pilihan paling banyak 300 karakter."})
        if len(set(options)) != len(options):
            raise QuestionnaireInvalid(fields={"options": "Ada pilihan yang sama. Setiap pilihan harus berbeda."})
    else:
        options = []
    if data.kind == QuestionKind.QUIZ and not (data.correct and 1 <= data.correct <= len(options)):
        raise QuestionnaireInvalid(fields={"correct": f"Isi nomor jawaban yang benar (1 sampai {len(options)})."})
    return text, options


def add_question(questionnaire: Questionnaire, data: QuestionData) -> Question:
    """Append a question (refused once answers exist, or when the data breaks a rule)."""
    if is_locked(questionnaire):
        raise QuestionnaireLocked()
    text, options = _validate_question(questionnaire, data)
    position = max((q.position for q in questionnaire.questions), default=0) + 1
    question = Question(kind=data.kind, text=text, position=position,
                        required=True if data.kind == QuestionKind.QUIZ else bool(data.required),
                        options=[QuestionOption(position=i, text=o,
                                                is_correct=data.kind == QuestionKind.QUIZ and i == data.correct)
                                 for i, o in enumerate(options, start=1)])
    questionnaire.questions.append(question)
    db.session.flush()
    return question


def delete_question(questionnaire: Questionnaire, question: Question) -> None:
    """Remove a question (refused once answers exist)."""
    if is_locked(questionnaire):
        raise QuestionnaireLocked()
    questionnaire.questions.remove(question)
    db.session.flush()


def open_round(survey_round: SurveyRound, by_user=None) -> None:
    """Open a round for answers (again, after a close). Needs at least one question."""
    if survey_round.is_open:
        raise RoundTransitionRefused(f"{survey_round.label} sudah dibuka.")
    if not survey_round.questionnaire.questions:
        raise RoundTransitionRefused("Tambahkan pertanyaan terlebih dahulu sebelum membuka putaran.")
    survey_round.status = RoundStatus.OPEN
    survey_round.opened_at = utcnow()
    survey_round.closed_at = None
    audit.record("survey_round_opened", survey_round.questionnaire, user=by_user,
                 details={"round": survey_round.name})
    db.session.flush()


def close_round(survey_round: SurveyRound, by_user=None) -> None:
    """Close an open round: no further answers are accepted."""
    if not survey_round.is_open:
        raise RoundTransitionRefused(f"{survey_round.label} belum dibuka.")
    survey_round.status = RoundStatus.CLOSED
    survey_round.closed_at = utcnow()
    audit.record("survey_round_closed", survey_round.questionnaire, user=by_user,
                 details={"round": survey_round.name})
    db.session.flush()
