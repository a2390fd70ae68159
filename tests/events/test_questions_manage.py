"""Registration questions (issue 15.4): the panitia's page to keep an event's questions (add,
edit, reorder, delete with its answers); bad input gets a message and saves nothing."""
from __future__ import annotations

import html
import secrets

import pytest
from sqlalchemy import func, select

from auth.models import AuditEntry
from events.models import Registration
from events.questions.manage import MAX_QUESTIONS
from events.questions.models import EventQuestion, RegistrationAnswer
from extensions import db

SHIRT = {"label": "Ukuran kaos", "kind": "choice", "options": "S\nM\nL\n", "required": "y",
         "on_daftar_hadir": "y"}


def text(resp) -> str:
    return html.unescape(resp.get_data(as_text=True))


def url(event_id, *rest) -> str:
    return "/".join([f"/kelola/kegiatan/{event_id}/pertanyaan", *map(str, rest)])


def stored(event_id) -> list[tuple]:
    return [(q.label, q.kind, q.options, q.required, q.on_daftar_hadir) for q in db.session.scalars(
        select(EventQuestion).where(EventQuestion.event_id == event_id)
        .order_by(EventQuestion.position, EventQuestion.id))]


def question_ids(event_id) -> list[int]:
    return list(db.session.scalars(select(EventQuestion.id).where(EventQuestion.event_id == event_id)
                                   .order_by(EventQuestion.position, EventQuestion.id)))


def answered(question_id: int, event_id: int, value: str) -> int:
    reg = Registration(event_id=event_id, guest_name="Ibu Ani", guest_phone=f"+62812{secrets.randbelow(10**8):08d}",
                       token=secrets.token_urlsafe(16))
    db.session.add(reg)
    db.session.flush()
    db.session.add(RegistrationAnswer(registration_id=reg.id, question_id=question_id, value=value))
    db.session.commit()
    return reg.id


@pytest.fixture
def panitia(login_as):
    return login_as("panitia")


def test_panitia_adds_questions_listed_in_order_and_linked_from_the_staff_panel(app, panitia, make_event):
    event = make_event()
    assert url(event.id) in panitia.get(f"/kegiatan/{event.id}").get_data(as_text=True)
    resp = panitia.post(url(event.id), data=SHIRT)
    assert resp.status_code == 302
    panitia.post(url(event.id), data={"label": "  Membawa   anak? ", "kind": "yes_no", "options": "x\ny"})
    panitia.post(url(event.id), data={"label": "Kebutuhan khusus", "kind": "text"})
    with app.app_context():
        assert stored(event.id) == [("Ukuran kaos", "choice", ["S", "M", "L"], True, True),
                                    ("Membawa anak?", "yes_no", [], False, False),  # options dropped
                                    ("Kebutuhan khusus", "text", [], False, False)]
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "event_question_create")) == 3
    page = panitia.get(url(event.id)).get_data(as_text=True)
    assert page.index("Ukuran kaos") < page.index("Membawa anak?") < page.index("Kebutuhan khusus")
    assert "Satu pilihan · wajib · kolom daftar hadir" in page


@pytest.mark.parametrize("data, message", [
    ({"label": "", "kind": "text"}, "Pertanyaan wajib diisi."),
    ({"label": "x" * 201, "kind": "text"}, "paling banyak 200 karakter"),
    ({"label": "Kaos\x00", "kind": "text"}, "karakter yang tidak valid"),
    ({"label": "Ukuran", "kind": "choice", "options": "M"}, "paling sedikit 2 pilihan"),
    ({"label": "Ukuran", "kind": "choices", "options": "\n\n"}, "paling sedikit 2 pilihan"),
    ({"label": "Ukuran", "kind": "choice", "options": "M\nL\nm"}, "Pilihan \"M\" tertulis lebih dari sekali"),
    ({"label": "Ukuran", "kind": "choice", "options": "M\n" + "L" * 101}, "100 karakter"),
    ({"label": "Ukuran", "kind": "tanggal"}, "Jenis pertanyaan tidak dikenal."),
])
def test_bad_input_gets_a_message_and_saves_nothing(app, panitia, make_event, data, message):
    event = make_event()
    resp = panitia.post(url(event.id), data=data)
    assert resp.status_code == 422
    assert message in text(resp)
    with app.app_context():
        assert stored(event.id) == []


def test_at_most_twenty_questions_per_event(app, panitia, make_event):
    event = make_event()
    with app.app_context():
        db.session.add_all([EventQuestion(event_id=event.id, label=f"P{i}", kind="text", options=[], position=i)
                            for i in range(MAX_QUESTIONS)])
        db.session.commit()
    resp = panitia.post(url(event.id), data={"label": "Satu lagi", "kind": "text"})
    assert resp.status_code == 422
    assert f"Paling banyak {MAX_QUESTIONS} pertanyaan per kegiatan." in resp.get_data(as_text=True)
    with app.app_context():
        assert len(stored(event.id)) == MAX_QUESTIONS


def test_edit_changes_a_question_and_keeps_its_place(app, panitia, make_event):
    event = make_event()
    panitia.post(url(event.id), data=SHIRT)
    panitia.post(url(event.id), data={"label": "Kebutuhan khusus", "kind": "text"})
    with app.app_context():
        first = question_ids(event.id)[0]
    page = panitia.get(url(event.id, first, "ubah")).get_data(as_text=True)
    assert "S\nM\nL" in page
    resp = panitia.post(url(event.id, first, "ubah"), data={"label": "Ukuran kaos panitia", "kind": "choices",
                                                            "options": "S\nM\nL\nXL"})
    assert resp.status_code == 302
    with app.app_context():
        assert stored(event.id)[0] == ("Ukuran kaos panitia", "choices", ["S", "M", "L", "XL"], False, False)
        assert question_ids(event.id)[0] == first


def test_after_answers_options_may_be_added_but_a_chosen_one_not_removed(app, panitia, make_event):
    event = make_event()
    panitia.post(url(event.id), data=SHIRT)
    with app.app_context():
        qid = question_ids(event.id)[0]
        answered(qid, event.id, "M")
    edit = url(event.id, qid, "ubah")
    assert "Sudah ada 1 jawaban" in panitia.get(edit).get_data(as_text=True)
    resp = panitia.post(edit, data={**SHIRT, "options": "S\nL"})  # M was chosen
    assert resp.status_code == 422
    assert "Pilihan \"M\" sudah dipilih oleh 1 pendaftar" in text(resp)
    resp = panitia.post(edit, data={**SHIRT, "kind": "choices", "options": "S\nM\nL"})
    assert "Jenis pertanyaan tidak dapat diubah" in resp.get_data(as_text=True)
    with app.app_context():
        assert stored(event.id) == [("Ukuran kaos", "choice", ["S", "M", "L"], True, True)]
    assert panitia.post(edit, data={**SHIRT, "options": "XS\nS\nM\nL"}).status_code == 302  # S unchosen: may go too
    assert panitia.post(edit, data={**SHIRT, "options": "XS\nM\nL\nXL"}).status_code == 302
    with app.app_context():
        assert stored(event.id)[0][2] == ["XS", "M", "L", "XL"]


def test_reorder_moves_a_question_up_and_down(app, panitia, make_event):
    event = make_event()
    for label in ("Satu", "Dua", "Tiga"):
        panitia.post(url(event.id), data={"label": label, "kind": "text"})
    with app.app_context():
        one, two, three = question_ids(event.id)
    assert panitia.post(url(event.id, three, "geser"), data={"arah": "naik"}).status_code == 302
    assert panitia.post(url(event.id, one, "geser"), data={"arah": "naik"}).status_code == 302  # already first
    assert panitia.post(url(event.id, one, "geser"), data={"arah": "turun"}).status_code == 302
    assert panitia.post(url(event.id, one, "geser"), data={"arah": "ke-samping"}).status_code == 400
    with app.app_context():
        assert [label for label, *_ in stored(event.id)] == ["Tiga", "Satu", "Dua"]


def test_delete_asks_first_then_removes_the_question_and_its_answers(app, panitia, make_event):
    event = make_event()
    panitia.post(url(event.id), data=SHIRT)
    panitia.post(url(event.id), data={"label": "Kebutuhan khusus", "kind": "text"})
    with app.app_context():
        shirt, needs = question_ids(event.id)
        reg_id = answered(shirt, event.id, "L")
        db.session.add(RegistrationAnswer(registration_id=reg_id, question_id=needs, value="Kursi roda"))
        db.session.commit()
    confirm = panitia.get(url(event.id, shirt, "hapus"))
    assert confirm.status_code == 200 and "1 jawaban pendaftar" in confirm.get_data(as_text=True)
    with app.app_context():  # the GET changed nothing
        assert len(stored(event.id)) == 2
    resp = panitia.post(url(event.id, shirt, "hapus"), follow_redirects=True)
    assert "beserta 1 jawaban" in resp.get_data(as_text=True)
    with app.app_context():
        assert question_ids(event.id) == [needs]
        assert dict(db.session.execute(select(RegistrationAnswer.question_id, RegistrationAnswer.value)).all()) == {
            needs: "Kursi roda"}
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event_question_delete"))
        assert entry.details["answers"] == 1 and entry.target_id == str(shirt)


def test_a_question_of_another_event_is_not_found(app, panitia, make_event):
    event, other = make_event(), make_event()
    panitia.post(url(other.id), data=SHIRT)
    with app.app_context():
        qid = question_ids(other.id)[0]
    assert panitia.get(url(event.id, qid, "ubah")).status_code == 404
    assert panitia.post(url(event.id, qid, "hapus")).status_code == 404
    with app.app_context():
        assert question_ids(other.id) == [qid]
