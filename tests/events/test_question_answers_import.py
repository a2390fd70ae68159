"""Invitee CSV import with the answers to the event's own questions (issue 15.4): a column titled
like a question fills its answer (parse_answer); a wrong answer is an error of its row and the
file imports nothing; an empty answer is allowed on import, even for a required question."""
from __future__ import annotations

import io
import json
import re

from sqlalchemy import select

from events.models import Registration
from events.questions.models import RegistrationAnswer
from extensions import db
from tests.events.evhelpers import count
from tests.events.question_helpers import add_question, answers_in_db

URL = "/kelola/kegiatan/{}/undangan"


def _upload(c, event_id, text: str):
    return c.post(URL.format(event_id), data={"file": (io.BytesIO(text.encode()), "undangan.csv")},
                  content_type="multipart/form-data")


def _payload(html):
    return re.search(r'name="payload" value="([^"]+)"', html).group(1)


def _questions(app, event_id) -> dict[str, int]:
    with app.app_context():
        return {
            "anak": add_question(event_id, "Membawa anak?", "yes_no", required=True, position=1),
            "jumlah": add_question(event_id, "Jumlah anak", "number", position=2),
            "kaos": add_question(event_id, "Ukuran kaos", "choice", options=["S", "M", "L"], position=3),
            "sesi": add_question(event_id, "Sesi yang diikuti", "choices",
                                 options=["Pagi", "Siang", "Sore"], position=4),
            "catatan": add_question(event_id, "Kebutuhan khusus", "text", position=5),
        }


def test_answer_columns_are_parsed_and_saved_with_each_invitee(login_as, app, make_event):
    ev = make_event()
    q = _questions(app, ev.id)
    c = login_as("panitia")
    csv_text = ("nama;no_hp; MEMBAWA ANAK? ;jumlah anak;Ukuran Kaos;Sesi yang diikuti;Kebutuhan khusus\n"
                "Siti Aminah;081234567890;Ya;1.500;m;sore, Pagi;Kursi roda\n"
                "Ujang Saepudin;081311112222;;;;;\n")  # a required answer left empty: allowed on import
    resp = _upload(c, ev.id, csv_text)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Pratinjau: 2 baris" in html
    assert "Ukuran kaos: M" in html and "Sesi yang diikuti: Pagi, Sore" in html  # preview shows answers
    with app.app_context():
        assert count(RegistrationAnswer) == 0  # the preview saves nothing
    resp = c.post(URL.format(ev.id), data={"step": "confirm", "payload": _payload(html)})
    assert resp.status_code == 302
    with app.app_context():
        siti, ujang = db.session.scalars(select(Registration).where(Registration.event_id == ev.id)
                                         .order_by(Registration.id)).all()
        assert siti.guest_name == "Siti Aminah" and siti.source == "import"
        assert answers_in_db(siti.id) == {q["anak"]: "ya", q["jumlah"]: "1500", q["kaos"]: "M",
                                          q["sesi"]: json.dumps(["Pagi", "Sore"]), q["catatan"]: "Kursi roda"}
        assert answers_in_db(ujang.id) == {}


def test_a_wrong_answer_is_an_error_of_its_row_and_nothing_is_saved(login_as, app, make_event):
    ev = make_event()
    _questions(app, ev.id)
    c = login_as("panitia")
    csv_text = ("nama,no_hp,membawa anak?,jumlah anak,ukuran kaos\n"
                "Siti Aminah,081234567890,ya,2,S\n"
                "Budi,081311112222,mungkin,dua,XXL\n")
    resp = _upload(c, ev.id, csv_text)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "1 salah" in html and 'name="payload"' not in html
    row3 = re.search(r'<tr class="row-error"><td class="num" data-label="Baris">3</td>.*?</tr>', html, re.S).group(0)
    assert "Membawa anak?: jawab Ya atau Tidak." in row3
    assert "Jumlah anak: isi dengan angka" in row3
    assert "Ukuran kaos: &#34;XXL&#34; bukan salah satu pilihan." in row3
    with app.app_context():
        assert count(Registration) == 0 and count(RegistrationAnswer) == 0


def test_confirm_reparses_and_refuses_an_answer_the_question_no_longer_accepts(login_as, app, make_event):
    ev = make_event()
    q = _questions(app, ev.id)
    c = login_as("panitia")
    html = _upload(c, ev.id, "nama,no_hp,ukuran kaos\nSiti,081234567890,L\n").get_data(as_text=True)
    with app.app_context():  # panitia drops the option between preview and confirm
        from events.questions.models import EventQuestion
        db.session.get(EventQuestion, q["kaos"]).options = ["S", "M"]
        db.session.commit()
    resp = c.post(URL.format(ev.id), data={"step": "confirm", "payload": _payload(html)})
    assert resp.status_code == 422
    with app.app_context():
        assert count(Registration) == 0 and count(RegistrationAnswer) == 0


def test_unknown_column_still_refused_and_the_page_lists_question_columns(login_as, app, make_event):
    ev = make_event()
    _questions(app, ev.id)
    c = login_as("panitia")
    page = c.get(URL.format(ev.id)).get_data(as_text=True)
    for label in ("Membawa anak?", "Jumlah anak", "Ukuran kaos", "Sesi yang diikuti", "Kebutuhan khusus"):
        assert f"<code>{label}</code>" in page
    assert "S, M, L" in page and "Jawaban boleh kosong, juga untuk pertanyaan wajib." in page
    resp = _upload(c, ev.id, "nama,no_hp,golongan darah\nSiti,081234567890,O\n")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "kolom tidak dikenal: golongan darah" in html
    assert "Ukuran kaos" in html.split("Judul kolom salah")[1]  # the message lists the question columns
    with app.app_context():
        assert count(Registration) == 0


def test_a_question_of_another_event_is_not_a_column_here(login_as, app, make_event):
    ev, other = make_event(), make_event()
    with app.app_context():
        add_question(other.id, "Ukuran kaos", "choice", options=["S"])
    resp = _upload(login_as("panitia"), ev.id, "nama,no_hp,ukuran kaos\nSiti,081234567890,S\n")
    assert resp.status_code == 422 and "kolom tidak dikenal: ukuran kaos" in resp.get_data(as_text=True)
    with app.app_context():
        assert count(Registration) == 0


def test_a_row_refused_at_confirm_saves_no_answer_of_any_row(login_as, app, make_event, client):
    ev = make_event(allow_guests=True)
    _questions(app, ev.id)
    c = login_as("panitia")
    html = _upload(c, ev.id, "nama,no_hp,ukuran kaos\nSiti,081234567890,S\nUjang,081311112222,M\n"
                   ).get_data(as_text=True)
    # between preview and confirm the second person registers by themselves
    client.post(f"/kegiatan/{ev.id}/daftar-tamu", data={"name": "Ujang", "phone": "081311112222",
                                                        "q_" + str(_question_id(app, ev.id, "Membawa anak?")): "ya"})
    resp = c.post(URL.format(ev.id), data={"step": "confirm", "payload": _payload(html)})
    assert resp.status_code == 422 and "sudah terdaftar" in resp.get_data(as_text=True)
    with app.app_context():
        assert count(Registration) == 1  # Ujang's own registration only
        assert [a.value for a in db.session.scalars(select(RegistrationAnswer))] == ["ya"]


def _question_id(app, event_id, label) -> int:
    from events.questions.models import EventQuestion
    with app.app_context():
        return db.session.scalars(select(EventQuestion.id).filter_by(event_id=event_id, label=label)).one()
