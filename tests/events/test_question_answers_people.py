"""Answers to the event's own questions on the registrant list (one column per question, one query
for the page), in the relawan's own data export and erased by the anonymisation (issue 15.4)."""
from __future__ import annotations

import json
import re
import secrets
from contextlib import contextmanager

from sqlalchemy import event as sa_event
from sqlalchemy import select

from auth.models import User
from events.models import Registration
from events.questions.models import RegistrationAnswer
from extensions import db
from relawan import data_rights
from relawan.models import Relawan
from tests.conftest import login
from tests.events.evhelpers import count
from tests.events.question_helpers import add_answer, add_guest, add_question, answers_in_db

FORMULA = '=HYPERLINK("http://evil.example","x")'


@contextmanager
def _statements(app):
    """Collects the SQL statements run inside the block."""
    seen: list[str] = []

    def note(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa_event.remove(engine, "before_cursor_execute", note)


def _list_html(c, event_id) -> str:
    resp = c.get(f"/kelola/kegiatan/{event_id}/peserta")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_registrant_list_shows_one_column_per_question_with_each_answer(app, login_as, make_event):
    ev = make_event()
    with app.app_context():
        kaos = add_question(ev.id, "Ukuran kaos", "choice", options=["S", "M"], position=2)
        anak = add_question(ev.id, "Membawa anak?", "yes_no", position=1)
        siti = add_guest(ev.id, "Siti Aminah", "+6281234567890")
        add_guest(ev.id, "Ujang Saepudin", "+6281311112222")
        add_answer(siti, kaos, "M")
        add_answer(siti, anak, "ya")
    html = _list_html(login_as("panitia"), ev.id)
    head = re.search(r"<thead>.*?</thead>", html, re.S).group(0)
    assert head.index("Membawa anak?") < head.index("Ukuran kaos")  # in the questions' order
    row = re.search(r"<tr>\s*<td[^>]*>1</td>.*?</tr>", html, re.S).group(0)
    assert "Siti Aminah" in row
    # phones: each cell carries its question as data-label (table.cards)
    assert '<td class="c-stack" data-label="Membawa anak?">Ya</td>' in row
    assert '<td class="c-stack" data-label="Ukuran kaos">M</td>' in row
    other = re.search(r"<tr>\s*<td[^>]*>2</td>.*?</tr>", html, re.S).group(0)
    assert "Ujang Saepudin" in other and other.count('<span class="muted">-</span>') == 2
    with app.app_context():
        assert answers_in_db(siti) == {kaos: "M", anak: "ya"}


def test_registrant_list_reads_the_answers_in_one_query_for_the_page(app, login_as, make_event):
    ev = make_event()
    c = login_as("koordinator")  # read-only readers see the answers too
    with app.app_context():
        q = add_question(ev.id, "Kebutuhan khusus")
        add_answer(add_guest(ev.id, "Tamu 0", "+6281200000100"), q, "Kursi roda")
    with _statements(app) as few:
        assert "Kursi roda" in _list_html(c, ev.id)
    with app.app_context():
        for n in range(1, 8):
            add_answer(add_guest(ev.id, f"Tamu {n}", f"+62812000001{n:02d}"), q, f"Jawaban {n}")
    with _statements(app) as many:
        html = _list_html(c, ev.id)
    assert all(f"Jawaban {n}" in html for n in range(1, 8))
    # one query for the page's answers, and no per-row reads: 8 rows cost what 1 row does
    assert sum("FROM registration_answer" in s for s in few) == 1
    assert sum("FROM registration_answer" in s for s in many) == 1
    assert len(many) == len(few)
    with app.app_context():
        assert count(RegistrationAnswer) == 8


def test_an_answer_is_escaped_on_the_list(app, login_as, make_event):
    ev = make_event()
    with app.app_context():
        q = add_question(ev.id, "Catatan")
        add_answer(add_guest(ev.id, "Siti", "+6281234567890"), q, "<script>x</script>")
    html = _list_html(login_as("panitia"), ev.id)
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def _relawan_with_answers(app, make_relawan, make_event):
    """A relawan registered (with a companion, who is not asked) with answers, and another
    person's answer to the same question."""
    rel = make_relawan(status="aktif")
    ev = make_event(title="Sosialisasi Kaos")
    with app.app_context():
        kaos = add_question(ev.id, "Ukuran kaos", "choice", options=["S", "M", "L"])
        sesi = add_question(ev.id, "Sesi", "choices", options=["Pagi", "Sore"], position=1)
        reg = Registration(event_id=ev.id, relawan_id=rel.id, status="confirmed", token="tok-own-0001")
        db.session.add(reg)
        db.session.flush()
        kid = Registration(event_id=ev.id, lead_registration_id=reg.id, guest_name="Anak Pertama",
                           companion_relation="anak", age_group="anak", status="confirmed",
                           token="tok-kid-0001")
        db.session.add(kid)
        db.session.commit()
        add_answer(reg.id, kaos, "L")
        add_answer(reg.id, sesi, json.dumps(["Pagi", "Sore"]))
        stranger = add_guest(ev.id, "Orang Lain", "+6281399998888")
        add_answer(stranger, kaos, "M")
        return rel, reg.id, kid.id, stranger


def test_own_data_export_lists_the_answers_per_event(app, make_relawan, make_event):
    rel, *_ = _relawan_with_answers(app, make_relawan, make_event)
    c = app.test_client()
    with app.app_context():
        login(c, db.session.get(User, rel.user_id))
    resp = c.get("/saya/data.json")
    assert resp.status_code == 200
    (entry,) = json.loads(resp.data)["registrations"]
    assert entry["event"] == "Sosialisasi Kaos"
    assert entry["answers"] == [{"question": "Ukuran kaos", "answer": "L"},
                                {"question": "Sesi", "answer": "Pagi, Sore"}]
    assert entry["companions"][0]["name"] == "Anak Pertama"
    assert "M" not in [a["answer"] for a in entry["answers"]]  # not another person's answer


def test_anonymisation_deletes_the_answers_of_the_relawan(app, make_relawan, make_event):
    rel, reg_id, kid_id, stranger = _relawan_with_answers(app, make_relawan, make_event)
    with app.app_context():
        data_rights.anonymise(db.session.get(Relawan, rel.id), None)
        db.session.commit()
        assert answers_in_db(reg_id) == {}
        assert db.session.get(Registration, kid_id).guest_name == "Pendamping terhapus"
        assert list(answers_in_db(stranger).values()) == ["M"]  # other people keep theirs
        remaining = db.session.scalars(select(RegistrationAnswer.registration_id)).all()
        assert remaining == [stranger]
        assert db.session.get(Registration, reg_id) is not None  # the registration (counts) stays


def test_registrant_list_costs_the_same_statements_for_1_and_8_checked_in_relawan(app, login_as, make_event,
                                                                                  make_relawan):
    """Check-in badge, name, instansi and phone of each row come with the page, not per row."""
    from tests.events.evhelpers import check_in
    ev = make_event()
    c = login_as("panitia")

    def add_checked_in_relawan():
        rel = make_relawan(status="aktif")
        with app.app_context():
            reg = Registration(event_id=ev.id, relawan_id=rel.id, token=secrets.token_urlsafe(16))
            db.session.add(reg)
            db.session.commit()
            check_in(reg)
            db.session.commit()

    add_checked_in_relawan()
    with _statements(app) as few:
        assert "hadir" in _list_html(c, ev.id)
    for _ in range(7):
        add_checked_in_relawan()
    with _statements(app) as many:
        assert _list_html(c, ev.id).count("badge badge-confirmed\">hadir") == 8
    assert len(many) == len(few)
    with app.app_context():
        assert count(Registration, Registration.event_id == ev.id) == 8
