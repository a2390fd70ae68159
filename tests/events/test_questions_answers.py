"""Registration questions (issue 15.4): the one owner of an answer's rules, parse_answer /
display_answer / answers_for (events/questions/answers.py), for every kind and bad input."""
from __future__ import annotations

import json
import secrets

import pytest
from sqlalchemy import event as sa_event

from events.models import Registration
from events.questions.answers import InvalidAnswer, answers_for, display_answer, parse_answer
from events.questions.models import EventQuestion, RegistrationAnswer
from extensions import db

SIZES = ["S", "M", "L", "XL"]
NEEDS = ["Kursi roda", "Juru bahasa isyarat", "Makanan halal, tanpa kacang"]


def q(kind: str, options=(), required=False, label="Pertanyaan") -> EventQuestion:
    return EventQuestion(id=1, label=label, kind=kind, options=list(options), required=required)


def refused(question, raw) -> str:
    with pytest.raises(InvalidAnswer) as err:
        parse_answer(question, raw)
    assert err.value.kind == "invalid"
    return err.value.message


def test_text_is_trimmed_and_bounded():
    assert parse_answer(q("text"), "  alergi udang  ") == "alergi udang"
    assert parse_answer(q("text"), "a" * 500) == "a" * 500
    assert "500 karakter" in refused(q("text", label="Kebutuhan khusus"), "a" * 501)
    assert refused(q("text", label="Kebutuhan khusus"), "a" * 501).startswith("Kebutuhan khusus:")


@pytest.mark.parametrize("raw", ["ada\x00nul", "bel\x07", "\x1b[31m", "ganti \ufffd"])
def test_control_characters_are_refused_in_every_kind(raw):
    assert "karakter yang tidak valid" in refused(q("text"), raw)
    assert "karakter yang tidak valid" in refused(q("choice", SIZES), raw)
    assert "karakter yang tidak valid" in refused(q("choices", NEEDS), raw)


@pytest.mark.parametrize("raw, stored, shown", [
    ("3", "3", "3"), ("1,5", "1.5", "1,5"), ("1.5", "1.5", "1,5"), ("1.500", "1500", "1.500"),
    ("1.500,25", "1500.25", "1.500,25"), ("-2", "-2", "-2"), (" 0,250 ", "0.25", "0,25"),
    ("-0", "0", "0"), ("999999999", "999999999", "999.999.999"),
])
def test_number_is_stored_normalised_and_shown_in_indonesian(raw, stored, shown):
    assert parse_answer(q("number"), raw) == stored
    assert display_answer(q("number"), stored) == shown


@pytest.mark.parametrize("raw, why", [
    ("tiga", "isi dengan angka"), ("1e5", "isi dengan angka"), ("1.2.3", "isi dengan angka"),
    ("5,", "isi dengan angka"), ("NaN", "isi dengan angka"), ("Infinity", "isi dengan angka"),
    ("1000000000", "terlalu besar"), ("9" * 400, "terlalu besar"), ("1,2345", "3 angka di belakang koma"),
])
def test_bad_numbers_are_refused(raw, why):
    assert why in refused(q("number"), raw)


def test_yes_no_accepts_common_spellings_and_shows_ya_tidak():
    for raw in ("Ya", "ya", "YA", "iya", "y", "1", "yes"):
        assert parse_answer(q("yes_no"), raw) == "ya"
    for raw in ("Tidak", "tidak", "t", "0", "no", "tdk"):
        assert parse_answer(q("yes_no"), raw) == "tidak"
    assert display_answer(q("yes_no"), "ya") == "Ya"
    assert display_answer(q("yes_no"), "tidak") == "Tidak"
    assert "Ya atau Tidak" in refused(q("yes_no"), "mungkin")


def test_one_choice_must_be_an_option_and_is_stored_as_its_text():
    assert parse_answer(q("choice", SIZES), " xl ") == "XL"
    assert parse_answer(q("choice", SIZES), ["M"]) == "M"
    assert display_answer(q("choice", SIZES), "M") == "M"
    assert "\"XXL\" bukan salah satu pilihan" in refused(q("choice", SIZES), "XXL")
    assert "satu jawaban" in refused(q("choice", SIZES), ["S", "M"])


def test_several_choices_are_a_subset_in_the_options_order():
    question = q("choices", NEEDS)
    stored = parse_answer(question, ["Makanan halal, tanpa kacang", "Kursi roda", "Kursi roda"])
    assert json.loads(stored) == ["Kursi roda", "Makanan halal, tanpa kacang"]
    assert display_answer(question, stored) == "Kursi roda, Makanan halal, tanpa kacang"
    # typed in one text (a CSV cell): ";" or "," between them, an option's own comma kept
    assert json.loads(parse_answer(question, "kursi roda; makanan halal, tanpa kacang")) == [
        "Kursi roda", "Makanan halal, tanpa kacang"]
    assert json.loads(parse_answer(question, "Juru bahasa isyarat,Kursi roda")) == [
        "Kursi roda", "Juru bahasa isyarat"]
    assert "\"Tongkat\" bukan salah satu pilihan" in refused(question, ["Kursi roda", "Tongkat"])
    assert "\"tongkat\" bukan salah satu pilihan" in refused(question, "Kursi roda; Tongkat")


@pytest.mark.parametrize("kind, options", [("text", ()), ("number", ()), ("yes_no", ()),
                                           ("choice", SIZES), ("choices", NEEDS)])
def test_empty_answers_are_none_when_optional_and_refused_when_required(kind, options):
    for empty in (None, "", "   ", [], ["", " "]):
        assert parse_answer(q(kind, options), empty) is None
        assert refused(q(kind, options, required=True, label="Ukuran kaos"), empty) == "Ukuran kaos: wajib diisi."
    assert display_answer(q(kind, options), None) == ""


def test_answers_for_reads_an_events_answers_in_one_query(app, ctx, make_event):
    event, other = make_event(), make_event()
    size = EventQuestion(event_id=event.id, label="Ukuran kaos", kind="choice", options=SIZES, position=1)
    kids = EventQuestion(event_id=event.id, label="Membawa anak?", kind="yes_no", options=[], position=2)
    needs = EventQuestion(event_id=event.id, label="Kebutuhan", kind="choices", options=NEEDS, position=3)
    foreign = EventQuestion(event_id=other.id, label="Lain", kind="text", options=[])
    regs = [Registration(event_id=event.id, guest_name=f"Tamu {i}", guest_phone=f"+6281200000{i:02d}",
                         token=secrets.token_urlsafe(16)) for i in range(3)]
    db.session.add_all([size, kids, needs, foreign, *regs])
    db.session.flush()
    db.session.add_all([
        RegistrationAnswer(registration_id=regs[0].id, question_id=size.id, value="L"),
        RegistrationAnswer(registration_id=regs[0].id, question_id=kids.id, value="ya"),
        RegistrationAnswer(registration_id=regs[0].id, question_id=needs.id,
                           value=json.dumps(["Kursi roda", "Juru bahasa isyarat"])),
        RegistrationAnswer(registration_id=regs[1].id, question_id=kids.id, value="tidak"),
        RegistrationAnswer(registration_id=regs[1].id, question_id=foreign.id, value="bukan acara ini"),
    ])
    db.session.commit()
    ids = [r.id for r in regs]
    statements = []

    def listener(conn, cursor, statement, *rest):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", listener)
    try:
        found = answers_for(ids, event.id)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 1
    assert found == {ids[0]: {size.id: "L", kids.id: "Ya", needs.id: "Kursi roda, Juru bahasa isyarat"},
                     ids[1]: {kids.id: "Tidak"}}
    assert answers_for([ids[1]], event.id) == {ids[1]: {kids.id: "Tidak"}}
    assert answers_for([], event.id) == {}
    # a long id list (every registrant of a big event) gives the same answer
    assert answers_for(ids + list(range(10_000, 11_000)), event.id) == found
