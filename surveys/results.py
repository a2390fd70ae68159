"""Results of an event's questionnaire, aggregated in SQL (read-only).

Scores are percentages: a response's score is 100 x correct / quiz questions. The average pre
and post scores are over everyone who answered that round; the overall gain is post minus pre
(percentage points). Per question, the share of correct answers in each round and its gain.
Feedback: rating averages, counts per choice and the free-text answers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Float, case, cast, func, select

from extensions import db
from surveys.models import (
    Question,
    QuestionKind,
    Questionnaire,
    QuestionOption,
    RoundName,
    SurveyAnswer,
    SurveyResponse,
    SurveyRound,
)


@dataclass
class RoundResult:
    round: SurveyRound
    answered: int
    average: float | None  # mean score in percent (tests only)


@dataclass
class QuestionResult:
    question: Question
    pre: float | None = None    # percent correct in the pre-test
    post: float | None = None   # percent correct in the post-test
    average_rating: float | None = None
    ratings: int = 0
    option_counts: list[tuple[QuestionOption, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    @property
    def gain(self) -> float | None:
        return None if self.pre is None or self.post is None else self.post - self.pre


@dataclass
class Results:
    questionnaire: Questionnaire
    rounds: list[RoundResult]
    questions: list[QuestionResult]

    def average(self, name: str) -> float | None:
        return next((r.average for r in self.rounds if r.round.name == name), None)

    @property
    def gain(self) -> float | None:
        pre, post = self.average(RoundName.PRE), self.average(RoundName.POST)
        return None if pre is None or post is None else post - pre


def _percent_score():
    return 100.0 * cast(SurveyResponse.score, Float) / cast(SurveyResponse.max_score, Float)


def results(questionnaire: Questionnaire) -> Results:
    """Every figure of the results page and the XLSX export, in a handful of GROUP BY queries."""
    round_ids = [r.id for r in questionnaire.rounds]
    per_round = {rid: (n, avg) for rid, n, avg in db.session.execute(
        select(SurveyResponse.round_id, func.count(SurveyResponse.id), func.avg(_percent_score()))
        .where(SurveyResponse.round_id.in_(round_ids)).group_by(SurveyResponse.round_id))}
    rounds = []
    for r in questionnaire.rounds:
        n, avg = per_round.get(r.id, (0, None))
        rounds.append(RoundResult(r, n, float(avg) if avg is not None else None))
    by_question = {q.id: QuestionResult(q) for q in questionnaire.questions}
    name_of = {r.id: r.name for r in questionnaire.rounds}

    correct = db.session.execute(
        select(SurveyAnswer.question_id, SurveyResponse.round_id, func.count(SurveyAnswer.id),
               func.sum(case((QuestionOption.is_correct.is_(True), 1), else_=0)))
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(QuestionOption, QuestionOption.id == SurveyAnswer.option_id)
        .join(Question, Question.id == SurveyAnswer.question_id)
        .where(SurveyResponse.round_id.in_(round_ids), Question.kind == QuestionKind.QUIZ)
        .group_by(SurveyAnswer.question_id, SurveyResponse.round_id))
    for question_id, round_id, n, right in correct:
        share = 100.0 * int(right or 0) / n if n else None
        setattr(by_question[question_id], "pre" if name_of[round_id] == RoundName.PRE else "post", share)

    for question_id, avg, n in db.session.execute(
            select(SurveyAnswer.question_id, func.avg(cast(SurveyAnswer.rating, Float)),
                   func.count(SurveyAnswer.rating))
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(SurveyResponse.round_id.in_(round_ids), SurveyAnswer.rating.isnot(None))
            .group_by(SurveyAnswer.question_id)):
        by_question[question_id].average_rating, by_question[question_id].ratings = float(avg), n

    chosen = dict(db.session.execute(
        select(SurveyAnswer.option_id, func.count(SurveyAnswer.id))
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(Question, Question.id == SurveyAnswer.question_id)
        .where(SurveyResponse.round_id.in_(round_ids), Question.kind == QuestionKind.CHOICE)
        .group_by(SurveyAnswer.option_id)).all())
    for result in by_question.values():
        if result.question.kind == QuestionKind.CHOICE:
            result.option_counts = [(o, chosen.get(o.id, 0)) for o in result.question.options]

    for question_id, text in db.session.execute(
            select(SurveyAnswer.question_id, SurveyAnswer.text)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(SurveyResponse.round_id.in_(round_ids), SurveyAnswer.text.isnot(None))
            .order_by(SurveyAnswer.id)):
        by_question[question_id].texts.append(text)
    return Results(questionnaire, rounds, list(by_question.values()))


def scores_by_registration(event_id: int) -> dict[int, dict[str, float]]:
    """{registration id: {"pre": percent, "post": percent}} of an event's tests (for the
    daftar hadir column). With several tests the first test's scores are used."""
    rows = db.session.execute(
        select(SurveyResponse.registration_id, SurveyRound.name, _percent_score(), Questionnaire.id)
        .join(SurveyRound, SurveyRound.id == SurveyResponse.round_id)
        .join(Questionnaire, Questionnaire.id == SurveyRound.questionnaire_id)
        .where(Questionnaire.event_id == event_id, SurveyResponse.registration_id.isnot(None),
               SurveyResponse.max_score > 0)
        .order_by(Questionnaire.id.desc()))
    out: dict[int, dict[str, float]] = {}
    for reg_id, name, value, _qid in rows:  # newest test first, so the first test wins
        out.setdefault(reg_id, {})[name] = float(value)
    return out


def score_text(scores: dict[str, float] | None) -> str:
    """"40 / 80" (pre / post, whole percent) for the daftar hadir; "-" for a missing round."""
    if not scores:
        return ""
    def one(name):
        return f"{scores[name]:.0f}" if name in scores else "-"
    return f"{one(RoundName.PRE)} / {one(RoundName.POST)}"


def participant_scores(questionnaire: Questionnaire) -> list[tuple[str, float | None, float | None]]:
    """(name, pre percent, post percent) per registrant who answered a test, by name."""
    from events.models import Registration
    from relawan.models import Relawan

    name = func.coalesce(Relawan.full_name, Registration.guest_name)
    rows = db.session.execute(
        select(Registration.id, name, SurveyRound.name, _percent_score())
        .select_from(SurveyResponse)
        .join(SurveyRound, SurveyRound.id == SurveyResponse.round_id)
        .join(Registration, Registration.id == SurveyResponse.registration_id)
        .outerjoin(Relawan, Relawan.id == Registration.relawan_id)
        .where(SurveyRound.questionnaire_id == questionnaire.id, SurveyResponse.max_score > 0)
        .order_by(name, Registration.id))
    people: dict[int, list] = {}
    for reg_id, person, round_name, value in rows:
        entry = people.setdefault(reg_id, [person or "-", None, None])
        entry[1 if round_name == RoundName.PRE else 2] = float(value)
    return [tuple(v) for v in people.values()]
