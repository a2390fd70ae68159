"""Registration questions (issue 15.4) asked when a relawan or a guest registers: the answers
are stored in the same commit as the registration; a refused answer shows its message next to
the field and saves nothing (no registration, no seat); the holder changes them until the start."""
from __future__ import annotations

import html
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from events.models import Event, Registration
from events.questions.models import EventQuestion, RegistrationAnswer
from extensions import db
from tests.conftest import login
from timeutil import utcnow

GUEST = {"name": "Ibu Siti Rohmah", "instansi": "PKK Kasemen", "phone": "0812-3456-7890"}


@pytest.fixture
def asked(app, make_event):
    """A published event with guests allowed and four questions; returns (event, {name: field})."""
    event = make_event(allow_guests=True, capacity=10)
    with app.app_context():
        qs = {"kids": EventQuestion(event_id=event.id, label="Membawa anak?", kind="yes_no", options=[],
                                    required=True, position=1),
              "count": EventQuestion(event_id=event.id, label="Jumlah anak", kind="number", options=[], position=2),
              "size": EventQuestion(event_id=event.id, label="Ukuran kaos", kind="choice",
                                    options=["S", "M", "L"], required=True, position=3),
              "needs": EventQuestion(event_id=event.id, label="Kebutuhan khusus", kind="choices",
                                     options=["Kursi roda", "Juru bahasa isyarat"], position=4),
              "note": EventQuestion(event_id=event.id, label="Catatan", kind="text", options=[], position=5)}
        db.session.add_all(qs.values())
        db.session.commit()
        return event, {k: q.field_name for k, q in qs.items()}


def answers_of(reg_id) -> dict[str, str]:
    return dict(db.session.execute(
        select(EventQuestion.label, RegistrationAnswer.value).join(RegistrationAnswer.question)
        .where(RegistrationAnswer.registration_id == reg_id)).all())


def state(event_id) -> tuple[int, int, int]:
    """(registrations, answers, seats taken) of the event."""
    regs = db.session.scalar(select(func.count()).select_from(Registration).where(Registration.event_id == event_id))
    answers = db.session.scalar(select(func.count()).select_from(RegistrationAnswer))
    return regs, answers, db.session.get(Event, event_id).seats_taken


def good(f) -> dict:
    return {f["kids"]: "ya", f["count"]: "2", f["size"]: "M", f["needs"]: ["Kursi roda", "Juru bahasa isyarat"],
            f["note"]: "Anak alergi kacang"}


def test_the_guest_form_asks_the_questions_and_stores_the_answers(app, client, asked):
    event, f = asked
    page = client.get(f"/kegiatan/{event.id}/daftar-tamu").get_data(as_text=True)
    assert "Membawa anak?" in page and "Ukuran kaos" in page and page.count("(wajib)") == 2
    resp = client.post(f"/kegiatan/{event.id}/daftar-tamu", data={**GUEST, **good(f)})
    assert resp.status_code == 302
    with app.app_context():
        reg = db.session.scalar(select(Registration).where(Registration.event_id == event.id))
        assert answers_of(reg.id) == {"Membawa anak?": "ya", "Jumlah anak": "2", "Ukuran kaos": "M",
                                      "Kebutuhan khusus": json.dumps(["Kursi roda", "Juru bahasa isyarat"]),
                                      "Catatan": "Anak alergi kacang"}
        assert state(event.id) == (1, 5, 1)
    ticket = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Jawaban pendaftaran" in ticket and "Kursi roda, Juru bahasa isyarat" in ticket


@pytest.mark.parametrize("change, message", [
    ({"size": ""}, "Ukuran kaos: wajib diisi."),
    ({"kids": None}, "Membawa anak?: wajib diisi."),
    ({"note": "a\x00b"}, "Catatan: jawaban mengandung karakter yang tidak valid."),
    ({"note": "x" * 501}, "Catatan: paling banyak 500 karakter."),
    ({"count": "dua"}, "Jumlah anak: isi dengan angka"),
    ({"size": "XXL"}, "Ukuran kaos: \"XXL\" bukan salah satu pilihan."),
    ({"needs": ["Kursi roda", "Tandu"]}, "Kebutuhan khusus: \"Tandu\" bukan salah satu pilihan."),
])
def test_a_refused_guest_answer_saves_nothing_and_takes_no_seat(app, client, asked, change, message):
    event, f = asked
    data = {**GUEST, **good(f)}
    for key, value in change.items():
        data.pop(f[key])
        if value is not None:
            data[f[key]] = value
    resp = client.post(f"/kegiatan/{event.id}/daftar-tamu", data=data)
    assert resp.status_code == 422
    page = html.unescape(resp.get_data(as_text=True))
    name = f[next(iter(change))]
    assert f'<p class="error field-error" id="{name}-err">{message}' in page
    assert 'value="Ibu Siti Rohmah"' in page  # the rest of the form is kept
    assert '<details class="companions">' in page  # no companion typed: the section stays closed
    with app.app_context():
        assert state(event.id) == (0, 0, 0)


def test_guest_form_errors_and_answer_errors_show_together(app, client, asked):
    event, f = asked
    resp = client.post(f"/kegiatan/{event.id}/daftar-tamu", data={"phone": "0812-3456-7890", f["size"]: "M"})
    page = html.unescape(resp.get_data(as_text=True))
    assert resp.status_code == 422
    assert "Membawa anak?: wajib diisi." in page and 'id="name-err"' in page
    assert 'value="M" checked' in page
    with app.app_context():
        assert state(event.id) == (0, 0, 0)


@pytest.fixture
def relawan_client(app, make_relawan):
    rel = make_relawan(status="aktif")
    from auth.models import User
    with app.app_context():
        user = db.session.get(User, rel.user_id)
        db.session.expunge(user)
    return login(app.test_client(), user), rel


def test_the_relawan_answers_on_the_event_page_and_they_are_stored_with_the_seat(app, asked, relawan_client):
    (event, f), (client, rel) = asked, relawan_client
    page = client.get(f"/kegiatan/{event.id}").get_data(as_text=True)
    assert f'name="{f["size"]}"' in page and "Daftar sekarang" in page
    resp = client.post(f"/kegiatan/{event.id}/daftar", data={**good(f), f["needs"]: []})
    assert resp.status_code == 302 and "/t/" in resp.headers["Location"]
    with app.app_context():
        reg = db.session.scalar(select(Registration).where(Registration.relawan_id == rel.id))
        assert answers_of(reg.id) == {"Membawa anak?": "ya", "Jumlah anak": "2", "Ukuran kaos": "M",
                                      "Catatan": "Anak alergi kacang"}  # no choices ticked: no answer
        assert state(event.id) == (1, 4, 1)


def test_a_refused_relawan_answer_shows_the_form_again_and_saves_nothing(app, asked, relawan_client):
    (event, f), (client, _rel) = asked, relawan_client
    data = {**good(f), f["size"]: "", "companion-0-name": "Adik Rafi", "companion-0-relation": "anak",
            "companion-0-age_group": "anak"}
    resp = client.post(f"/kegiatan/{event.id}/daftar", data=data)
    assert resp.status_code == 422
    page = html.unescape(resp.get_data(as_text=True))
    assert "Ukuran kaos: wajib diisi." in page and "Pendaftaran Anda belum tersimpan." in page
    assert 'value="Anak alergi kacang"' in page and 'value="Adik Rafi"' in page
    assert '<details class="companions" open>' in page  # a typed companion keeps it open
    with app.app_context():
        assert state(event.id) == (0, 0, 0)
    resp = client.post(f"/kegiatan/{event.id}/daftar", data={**data, f["size"]: "L"})
    assert resp.status_code == 302
    with app.app_context():  # the relawan and the companion, one set of answers (the lead's)
        assert state(event.id) == (2, 5, 2)


def test_an_event_without_questions_keeps_one_tap_registration(app, make_event, relawan_client):
    client, rel = relawan_client
    event = make_event()
    assert client.post(f"/kegiatan/{event.id}/daftar").status_code == 302
    with app.app_context():
        assert state(event.id) == (1, 0, 1)


def test_the_holder_changes_answers_until_the_event_starts(app, client, asked):
    event, f = asked
    resp = client.post(f"/kegiatan/{event.id}/daftar-tamu", data={**GUEST, **good(f)})
    token = resp.headers["Location"].rsplit("/", 1)[1]
    page = html.unescape(client.get(f"/t/{token}/jawaban").get_data(as_text=True))
    assert 'value="M" checked' in page and 'value="Anak alergi kacang"' in page
    bad = client.post(f"/t/{token}/jawaban", data={**good(f), f["count"]: "1e9"})
    assert bad.status_code == 422 and "Jumlah anak: isi dengan angka" in html.unescape(bad.get_data(as_text=True))
    with app.app_context():
        reg_id = db.session.scalar(select(Registration.id).where(Registration.token == token))
        assert answers_of(reg_id)["Jumlah anak"] == "2"
    ok = client.post(f"/t/{token}/jawaban", data={f["kids"]: "tidak", f["size"]: "L", f["count"]: "1,5"})
    assert ok.status_code == 302
    with app.app_context():
        assert answers_of(reg_id) == {"Membawa anak?": "tidak", "Ukuran kaos": "L", "Jumlah anak": "1.5"}
        db.session.get(Event, event.id).starts_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    page = client.get(f"/t/{token}/jawaban").get_data(as_text=True)
    assert "tidak dapat diubah lagi" in page and "<form" not in page.split("<main", 1)[-1]
    late = client.post(f"/t/{token}/jawaban", data={f["kids"]: "ya", f["size"]: "S"})
    assert late.status_code == 302
    with app.app_context():
        assert answers_of(reg_id)["Ukuran kaos"] == "L"
