"""The one owner of an answer's rules: how a typed answer is checked and stored (parse_answer),
how a stored answer reads (display_answer), and an event's answers for a list of registrations
in one query (answers_for). Registration forms, the invitee CSV import, the registrant list,
the exports and the daftar hadir all ask these three functions.

Stored (canonical) forms: text as typed (trimmed); number as a normalised decimal string ("12",
"1.5", "-3"); yes_no "ya"/"tidak"; choice the option's own text; choices a JSON array of option
texts in the options' order.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from events.questions.models import EventQuestion, EventQuestionKind, RegistrationAnswer
from extensions import db
from helpers.errors import DomainError
from helpers.formats import format_number
from helpers.forms import BAD_CHARS

TEXT_MAX = 500
NUMBER_LIMIT = Decimal("1000000000")  # |answer| below one billion
NUMBER_DECIMALS = 3                   # what format_number shows
YES, NO = "ya", "tidak"
_YES_WORDS = {"ya", "y", "iya", "yes", "true", "1", "benar"}
_NO_WORDS = {"tidak", "t", "tdk", "no", "n", "false", "0", "bukan"}
CHOICES_SEPARATORS = ";,"  # between several choices typed in one text (a CSV cell)
_SEPARATOR_SET = set(CHOICES_SEPARATORS)


class InvalidAnswer(DomainError):
    """An answer does not fit its question; `.message` is Indonesian and names the question."""

    code = "invalid_answer"
    kind = "invalid"
    default = "Jawaban tidak valid."


def _fail(question: EventQuestion, why: str) -> InvalidAnswer:
    return InvalidAnswer(f"{question.label}: {why}")


def _is_empty(raw) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return not any((item or "").strip() for item in raw)


def _option_lookup(question: EventQuestion) -> dict[str, str]:
    """Option text folded for matching (case and surrounding spaces ignored) -> the option."""
    return {" ".join(o.split()).casefold(): o for o in question.options or []}


def _one_text(question: EventQuestion, raw) -> str:
    """A single string from the raw value (a list of one item from a form is accepted)."""
    if not isinstance(raw, str):
        items = [item for item in raw if (item or "").strip()]
        if len(items) != 1:
            raise _fail(question, "pilih satu jawaban saja.")
        raw = items[0]
    if BAD_CHARS.search(raw):
        raise _fail(question, "jawaban mengandung karakter yang tidak valid.")
    return raw.strip()


def _plain_decimal(text: str) -> str | None:
    """Indonesian writing to a plain decimal: "," is the decimal comma and "." groups thousands
    ("1.500" = 1500, "1.500,5" = 1500.5); a lone "." before other than three digits is a
    decimal point ("1.5", as machines write it). None when it is not a number."""
    text = text.replace(" ", "")
    sign = text[:1] if text[:1] in "+-" else ""
    body = text[len(sign):]
    whole, comma, fraction = body.partition(",")
    groups = whole.split(".")
    grouped = all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3
    if len(groups) > 1 and grouped:
        whole = "".join(groups)
    elif len(groups) > 2 or comma and len(groups) > 1:
        return None
    elif len(groups) == 2:
        whole, fraction, comma = groups[0], groups[1], "."
    digits = whole + fraction
    if not digits.isascii() or not digits.isdigit() or (comma and not fraction):
        return None
    return f"{sign}{whole or '0'}" + (f".{fraction}" if fraction else "")


def _parse_number(question: EventQuestion, text: str) -> str:
    cleaned = _plain_decimal(text)
    if cleaned is None:
        raise _fail(question, "isi dengan angka, misalnya 3 atau 1,5.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise _fail(question, "isi dengan angka, misalnya 3 atau 1,5.") from None
    if abs(value) >= NUMBER_LIMIT:
        raise _fail(question, "angka terlalu besar.")
    if value != value.quantize(Decimal(1).scaleb(-NUMBER_DECIMALS)):
        raise _fail(question, f"paling banyak {NUMBER_DECIMALS} angka di belakang koma.")
    normal = format(value.normalize(), "f")
    return "0" if normal in ("-0", "+0") else normal


def _split_choices(question: EventQuestion, raw) -> list[str]:
    """Several choices from a form (a list) or one typed text ("a; b" or "a, b"). In a text an
    option may itself hold a separator: the longest option that starts the rest wins."""
    lookup = _option_lookup(question)
    if not isinstance(raw, str):
        return [_one_text(question, item) for item in raw if (item or "").strip()]
    if BAD_CHARS.search(raw):
        raise _fail(question, "jawaban mengandung karakter yang tidak valid.")
    rest, found = " ".join(raw.split()).casefold(), []
    while rest:
        match = max((key for key in lookup if rest.startswith(key)
                     and (len(key) == len(rest) or rest[len(key):].lstrip()[:1] in _SEPARATOR_SET)),
                    key=len, default=None)
        if match is None:
            unknown = rest
            for sep in CHOICES_SEPARATORS:
                unknown = unknown.split(sep)[0]
            raise _fail(question, f"\"{unknown.strip()}\" bukan salah satu pilihan.")
        found.append(lookup[match])
        rest = rest[len(match):].lstrip().lstrip(CHOICES_SEPARATORS).strip()
    return found


def parse_answer(question: EventQuestion, raw: str | Iterable[str] | None) -> str | None:
    """The canonical stored value of `raw` (a form's text or list of checked options, or a CSV
    cell) for `question`; None when left empty on an optional question. Raises InvalidAnswer."""
    if _is_empty(raw):
        if question.required:
            raise _fail(question, "wajib diisi.")
        return None
    kind = question.kind
    if kind == EventQuestionKind.CHOICES:
        chosen = set()
        lookup = _option_lookup(question)
        for item in _split_choices(question, raw):
            option = lookup.get(" ".join(item.split()).casefold())
            if option is None:
                raise _fail(question, f"\"{item}\" bukan salah satu pilihan.")
            chosen.add(option)
        return json.dumps([o for o in question.options if o in chosen], ensure_ascii=False)
    text = _one_text(question, raw)
    if kind == EventQuestionKind.TEXT:
        if len(text) > TEXT_MAX:
            raise _fail(question, f"paling banyak {TEXT_MAX} karakter.")
        return text
    if kind == EventQuestionKind.NUMBER:
        return _parse_number(question, text)
    if kind == EventQuestionKind.YES_NO:
        word = text.casefold()
        if word in _YES_WORDS:
            return YES
        if word in _NO_WORDS:
            return NO
        raise _fail(question, "jawab Ya atau Tidak.")
    if kind == EventQuestionKind.CHOICE:
        option = _option_lookup(question).get(" ".join(text.split()).casefold())
        if option is None:
            raise _fail(question, f"\"{text}\" bukan salah satu pilihan.")
        return option
    raise _fail(question, "jenis pertanyaan tidak dikenal.")


def stored_choices(value: str | None) -> list[str]:
    """The option texts of a stored `choices` answer ([] for none or a damaged value)."""
    try:
        items = json.loads(value or "[]")
    except ValueError:
        return []
    return [str(item) for item in items] if isinstance(items, list) else []


def display_answer(question: EventQuestion, value: str | None) -> str:
    """How a stored answer reads in lists, exports and the daftar hadir ("" when unanswered)."""
    if value is None or value == "":
        return ""
    kind = question.kind
    if kind == EventQuestionKind.YES_NO:
        return {YES: "Ya", NO: "Tidak"}.get(value, value)
    if kind == EventQuestionKind.CHOICES:
        return ", ".join(stored_choices(value))
    if kind == EventQuestionKind.NUMBER:
        try:
            return format_number(Decimal(value))
        except InvalidOperation:
            return value
    return value


def questions_of(event_id: int) -> list[EventQuestion]:
    """An event's questions in order."""
    return list(db.session.scalars(select(EventQuestion).where(EventQuestion.event_id == event_id)
                                   .order_by(EventQuestion.position, EventQuestion.id)))


# Above this many ids, answers_for reads the event's answers and keeps the asked ones (an IN
# list of every registrant of a big event would pass SQLite's bound-parameter limit).
_IN_LIMIT = 500


def answers_for(registration_ids: Iterable[int], event_id: int) -> dict[int, dict[int, str]]:
    """{registration_id: {question_id: display text}} of the event's questions, for the given
    registrations (one query); a registration without answers is absent."""
    ids = set(registration_ids)
    if not ids:
        return {}
    query = (select(RegistrationAnswer.registration_id, RegistrationAnswer.value, EventQuestion)
             .join(EventQuestion, EventQuestion.id == RegistrationAnswer.question_id)
             .where(EventQuestion.event_id == event_id))
    if len(ids) <= _IN_LIMIT:
        query = query.where(RegistrationAnswer.registration_id.in_(ids))
    found: dict[int, dict[int, str]] = {}
    for reg_id, value, question in db.session.execute(query):
        if reg_id in ids:
            found.setdefault(reg_id, {})[question.id] = display_answer(question, value)
    return found
