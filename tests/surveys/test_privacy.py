"""Answers are personal data: in the relawan's own export, gone with the anonymisation,
and on the daftar hadir only when panitia ask for the score column."""
from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import func, select

from auth.models import User
from events.checkin_models import CheckIn
from events.models import Registration
from extensions import db
from relawan.models import Relawan
from surveys.models import SurveyAnswer, SurveyResponse
from tests.conftest import login
from tests.surveys.conftest import answer_test


def _relawan_with_answers(app, make_event, make_relawan, make_test, make_feedback):
    event = make_event()
    rel = make_relawan(status="aktif", full_name="Siti Penjawab")
    with app.app_context():
        reg = Registration(event_id=event.id, relawan_id=rel.id, token="tok-" + "s" * 20)
        db.session.add(reg)
        db.session.commit()
        user = db.session.get(User, rel.user_id)
        db.session.expunge(user)
    test, form = make_test(event), make_feedback(event)
    client = login(app.test_client(), user)
    answer_test(client, test, "pre", "tok-" + "s" * 20, True, False)
    client.post(f"/kuesioner/{form['id']}/umpan-balik/t/tok-{'s' * 20}", data={
        f"q{form['rating']}": 4, f"q{form['choice']}": form["options"][0],
        f"q{form['text']}": "Saya Siti dari Kasemen"})
    return event, rel, client


def test_own_data_export_includes_questionnaire_answers(app, make_event, make_relawan, make_test, make_feedback):
    _, _, client = _relawan_with_answers(app, make_event, make_relawan, make_test, make_feedback)
    data = client.get("/saya/data.json").get_json()
    answers = data["questionnaire_answers"]
    assert [(a["round"], a["score"], a["max_score"]) for a in answers] == [("pre", 1, 2), ("umpan-balik", None, None)]
    assert {"question": "Saran untuk panitia", "answer": "Saya Siti dari Kasemen"} in answers[1]["answers"]
    assert {"question": "Apa itu KDRT?", "answer": "salah"} in answers[0]["answers"]


def test_anonymisation_detaches_answers_and_deletes_free_text(app, login_as, make_event, make_relawan,
                                                              make_test, make_feedback):
    _, rel, _ = _relawan_with_answers(app, make_event, make_relawan, make_test, make_feedback)
    resp = login_as("admin").post(f"/relawan/{rel.id}/hapus-data", data={"del-confirm": "y"})
    assert resp.status_code in (302, 303)
    with app.app_context():
        assert db.session.get(Relawan, rel.id).anonymized_at is not None
        reg_ids = select(Registration.id).where(Registration.relawan_id == rel.id)
        assert db.session.scalar(select(func.count(SurveyResponse.id))
                                 .where(SurveyResponse.registration_id.in_(reg_ids))) == 0
        assert db.session.scalar(select(func.count(SurveyAnswer.id)).where(SurveyAnswer.text.isnot(None))) == 0
        # the scores stay in the event's statistics, pointing at nobody
        assert db.session.scalars(select(SurveyResponse.score).where(SurveyResponse.score.isnot(None))).all() == [1]


def test_filled_daftar_hadir_carries_pre_post_scores_when_asked(app, login_as, client, make_event, make_guest,
                                                              make_test):
    event = make_event()
    test = make_test(event)
    reg_id, token = make_guest(event, name="Ibu Rahma")
    answer_test(client, test, "pre", token, True, False)
    answer_test(client, test, "post", token, True, True)
    with app.app_context():
        db.session.add(CheckIn(registration_id=reg_id, event_id=event.id, scan_id="s-1",
                               scanned_at=event.starts_at))
        db.session.commit()
    staff = login_as("panitia")

    def text(query):
        resp = staff.get(f"/laporan/kegiatan/{event.id}/daftar-hadir.pdf?versi=terisi{query}")
        assert resp.status_code == 200
        return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages).split())
    with_scores, plain = text("&nilai=1"), text("")
    assert "Nilai Pre / Post" in with_scores and "50 / 100" in with_scores and "Ibu Rahma" in with_scores
    assert "Nilai Pre" not in plain and "Ibu Rahma" in plain
