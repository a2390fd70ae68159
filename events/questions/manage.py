"""Keeping an event's question list (panitia): save, delete and reorder questions.

The rules of a question live here (label, kind, options, the limit per event) and the rules of
editing once people have answered: the kind is fixed; options may be added, reordered or
removed, but an option somebody chose cannot be removed or renamed (their answer would point at
nothing); deleting a question deletes its answers with it (after a confirm step).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, select

import audit
from events.questions.answers import questions_of, stored_choices
from events.questions.models import EventQuestion, EventQuestionKind, RegistrationAnswer
from extensions import db
from helpers.errors import DomainError
from helpers.forms import BAD_CHARS

MAX_QUESTIONS = 20
LABEL_MAX = 200
OPTION_MAX = 100
MAX_OPTIONS = 30


class QuestionInvalid(DomainError):
    """A question could not be saved; `.fields` maps a form field to its Indonesian message."""

    code = "question_invalid"
    kind = "invalid"
    default = "Pertanyaan tidak dapat disimpan."


@dataclass
class QuestionData:
    label: str
    kind: str
    options: list[str] = field(default_factory=list)  # as typed, one per line
    required: bool = False
    on_daftar_hadir: bool = False


def answer_count(question: EventQuestion) -> int:
    """How many registrations answered this question."""
    return db.session.scalar(select(func.count()).select_from(RegistrationAnswer)
                             .where(RegistrationAnswer.question_id == question.id)) or 0


def chosen_counts(question: EventQuestion) -> dict[str, int]:
    """Option text -> how many answers chose it (choice and choices questions)."""
    counts: dict[str, int] = {}
    values = db.session.scalars(select(RegistrationAnswer.value)
                                .where(RegistrationAnswer.question_id == question.id))
    for value in values:
        chosen = stored_choices(value) if question.kind == EventQuestionKind.CHOICES else [value]
        for option in chosen:
            counts[option] = counts.get(option, 0) + 1
    return counts


def _clean_options(data: QuestionData, errors: dict[str, str]) -> list[str]:
    if data.kind not in (EventQuestionKind.CHOICE, EventQuestionKind.CHOICES):
        return []  # options only mean something for the choice kinds
    options = [" ".join(line.split()) for line in data.options if line.strip()]
    folded = [o.casefold() for o in options]
    if len(options) < 2:
        errors["options"] = "Isi paling sedikit 2 pilihan, satu per baris."
    elif len(options) > MAX_OPTIONS:
        errors["options"] = f"Paling banyak {MAX_OPTIONS} pilihan."
    elif any(len(o) > OPTION_MAX for o in options):
        errors["options"] = f"Setiap pilihan paling banyak {OPTION_MAX} karakter."
    elif any(BAD_CHARS.search(o) for o in options):
        errors["options"] = "Pilihan mengandung karakter yang tidak valid."
    elif len(set(folded)) != len(folded):
        twice = next(o for o, f in zip(options, folded, strict=True) if folded.count(f) > 1)
        errors["options"] = f"Pilihan \"{twice}\" tertulis lebih dari sekali."
    return options


def _validate(event, data: QuestionData, question: EventQuestion | None) -> tuple[str, list[str]]:
    """The cleaned label and options, or QuestionInvalid with a message per field."""
    errors: dict[str, str] = {}
    label = " ".join((data.label or "").split())
    if not label:
        errors["label"] = "Pertanyaan wajib diisi."
    elif len(label) > LABEL_MAX:
        errors["label"] = f"Pertanyaan paling banyak {LABEL_MAX} karakter."
    elif BAD_CHARS.search(label):
        errors["label"] = "Pertanyaan mengandung karakter yang tidak valid."
    if data.kind not in set(EventQuestionKind):
        errors["kind"] = "Jenis pertanyaan tidak dikenal."
    options = _clean_options(data, errors)
    if question is None:
        existing = db.session.scalar(select(func.count()).select_from(EventQuestion)
                                     .where(EventQuestion.event_id == event.id))
        if existing >= MAX_QUESTIONS:
            errors.setdefault("", f"Paling banyak {MAX_QUESTIONS} pertanyaan per kegiatan.")
    elif not errors and answer_count(question):
        _check_answered_edit(question, data.kind, options, errors)
    if errors:
        raise QuestionInvalid(fields=errors)
    return label, options


def _check_answered_edit(question: EventQuestion, kind: str, options: list[str],
                         errors: dict[str, str]) -> None:
    """Once answered: the kind stays, and no chosen option may disappear."""
    if kind != question.kind:
        errors["kind"] = ("Jenis pertanyaan tidak dapat diubah karena sudah ada yang menjawab. "
                          "Buat pertanyaan baru bila perlu.")
        return
    if not EventQuestionKind(kind).has_options:
        return
    kept = set(options)
    gone = [(option, n) for option, n in chosen_counts(question).items() if option not in kept]
    if gone:
        option, n = gone[0]
        errors["options"] = (f"Pilihan \"{option}\" sudah dipilih oleh {n} pendaftar, jadi tidak dapat "
                             "dihapus atau diganti namanya. Pilihan baru boleh ditambahkan.")


def save_question(event, data: QuestionData, question: EventQuestion | None = None,
                  by_user=None) -> EventQuestion:
    """Create (question=None, appended at the end) or update one of the event's questions.
    Raises QuestionInvalid; saves nothing then."""
    label, options = _validate(event, data, question)
    action = "event_question_update" if question is not None else "event_question_create"
    if question is None:
        last = db.session.scalar(select(func.max(EventQuestion.position))
                                 .where(EventQuestion.event_id == event.id))
        question = EventQuestion(event_id=event.id, position=(last or 0) + 1)
        db.session.add(question)
    question.label, question.kind, question.options = label, data.kind, options
    question.required, question.on_daftar_hadir = bool(data.required), bool(data.on_daftar_hadir)
    db.session.flush()
    audit.record(action, question, user=by_user,
                 details={"event_id": event.id, "label": label, "kind": data.kind})
    return question


def delete_question(question: EventQuestion, by_user=None) -> int:
    """Delete a question and every answer to it; returns how many answers went with it."""
    answers = db.session.execute(delete(RegistrationAnswer)
                                 .where(RegistrationAnswer.question_id == question.id)
                                 .execution_options(synchronize_session=False)).rowcount
    audit.record("event_question_delete", question, user=by_user,
                 details={"event_id": question.event_id, "label": question.label, "answers": answers})
    db.session.delete(question)
    db.session.flush()
    return answers


def move_question(question: EventQuestion, step: int) -> bool:
    """Move a question one place up (step -1) or down (+1); False when it is already at that end.
    Positions are renumbered 1..n on the way, so equal or missing positions sort out."""
    ordered = questions_of(question.event_id)
    index = ordered.index(question)
    target = index + step
    if not 0 <= target < len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    db.session.flush()
    return True
