"""Panitia make questionnaires: the template library, copies per event, questions, rounds."""
from __future__ import annotations

from sqlalchemy import func, select

from extensions import db
from surveys.models import Question, Questionnaire, SurveyRound
from tests.surveys.conftest import answer_test


def _template(staff, kind="test", title="Tes KDRT"):
    resp = staff.post("/kelola/kuesioner/templat/baru", data={"kind": kind, "title": title})
    assert resp.status_code == 302
    return int(resp.headers["Location"].rstrip("/").split("/")[-1])


def test_template_with_quiz_questions_is_copied_into_an_event_with_pre_and_post_rounds(app, login_as, make_event):
    staff = login_as("panitia")
    template_id = _template(staff)
    resp = staff.post(f"/kelola/kuesioner/templat/{template_id}/pertanyaan", data={
        "kind": "quiz", "text": "Ke mana melapor?", "options": "P2TP2A\nTidak ke mana-mana\n", "correct": "1"})
    assert resp.status_code == 302
    event = make_event()
    resp = staff.post(f"/kelola/kegiatan/{event.id}/kuesioner/dari-templat", data={"template_id": template_id})
    assert resp.status_code == 302
    with app.app_context():
        copy = db.session.scalars(select(Questionnaire).where(Questionnaire.event_id == event.id)).one()
        assert [r.name for r in copy.rounds] == ["pre", "post"]
        assert [(q.text, [(o.text, o.is_correct) for o in q.options]) for q in copy.questions] == [
            ("Ke mana melapor?", [("P2TP2A", True), ("Tidak ke mana-mana", False)])]
        template_question = db.session.scalar(select(Question).where(Question.questionnaire_id == template_id))
        assert copy.questions[0].id != template_question.id  # a copy, not a reference
    html = staff.get(f"/kelola/kegiatan/{event.id}/kuesioner/{copy.id}").get_data(as_text=True)
    assert "Pre-test dan post-test memakai pertanyaan yang sama" in html and "Ke mana melapor?" in html


def test_quiz_question_needs_its_correct_option_number_and_two_options(app, login_as):
    staff = login_as("admin")
    template_id = _template(staff)
    for data, message in (({"options": "A\nB", "correct": "3"}, "Isi nomor jawaban yang benar (1 sampai 2)"),
                          ({"options": "Hanya satu", "correct": "1"}, "Tulis 2 sampai 8 pilihan"),
                          ({"options": "A\nA", "correct": "1"}, "Ada pilihan yang sama")):
        resp = staff.post(f"/kelola/kuesioner/templat/{template_id}/pertanyaan",
                          data={"kind": "quiz", "text": "Soal", **data})
        assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    resp = staff.post(f"/kelola/kuesioner/templat/{template_id}/pertanyaan",
                      data={"kind": "rating", "text": "Nilai?"})  # a rating has no place in a test
    assert resp.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id))) == 0


def test_questions_are_locked_once_someone_has_answered(app, login_as, client, make_event, make_guest, make_test):
    event = make_event()
    test = make_test(event)
    _, token = make_guest(event)
    answer_test(client, test, "pre", token, True, True)
    staff = login_as("panitia")
    base = f"/kelola/kegiatan/{event.id}/kuesioner/{test['id']}"
    resp = staff.post(f"{base}/pertanyaan", data={"kind": "quiz", "text": "Baru", "options": "A\nB", "correct": "1"})
    assert resp.status_code == 422 and "pertanyaan tidak dapat diubah lagi" in resp.get_data(as_text=True)
    staff.post(f"{base}/pertanyaan/{test['q1']['id']}/hapus")
    with app.app_context():
        assert db.session.scalar(select(func.count(Question.id)).where(Question.questionnaire_id == test["id"])) == 2


def test_panitia_open_and_close_a_round(app, login_as, make_event, make_test):
    event = make_event()
    test = make_test(event, status="draft")
    staff = login_as("panitia")
    base = f"/kelola/kegiatan/{event.id}/kuesioner/{test['id']}"

    def status():
        with app.app_context():
            return db.session.scalar(select(SurveyRound.status).where(
                SurveyRound.questionnaire_id == test["id"], SurveyRound.name == "pre"))
    assert staff.post(f"{base}/pre/buka").status_code == 302 and status() == "open"
    assert staff.post(f"{base}/pre/tutup").status_code == 302 and status() == "closed"
    resp = staff.post(f"{base}/pre/tutup", follow_redirects=True)
    assert "Pre-test belum dibuka" in resp.get_data(as_text=True) and status() == "closed"
    assert staff.post(f"{base}/tidak-ada/buka").status_code == 404


def test_empty_questionnaire_cannot_be_opened(app, login_as, make_event):
    event = make_event()
    staff = login_as("panitia")
    resp = staff.post(f"/kelola/kegiatan/{event.id}/kuesioner/baru", data={"kind": "feedback", "title": "Umpan balik"})
    qid = int(resp.headers["Location"].rstrip("/").split("/")[-1])
    resp = staff.post(f"/kelola/kegiatan/{event.id}/kuesioner/{qid}/umpan-balik/buka", follow_redirects=True)
    assert "Tambahkan pertanyaan terlebih dahulu" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(SurveyRound.status).where(SurveyRound.questionnaire_id == qid)) == "draft"


def test_event_questionnaire_saved_as_template(app, login_as, make_event, make_test):
    event = make_event()
    test = make_test(event)
    staff = login_as("panitia")
    assert staff.post(f"/kelola/kegiatan/{event.id}/kuesioner/{test['id']}/simpan-templat",
                      data={"title": "Tes baku"}).status_code == 302
    with app.app_context():
        template = db.session.scalars(select(Questionnaire).where(Questionnaire.event_id.is_(None))).one()
        assert template.title == "Tes baku" and len(template.questions) == 2 and template.rounds == []
    assert "Tes baku" in staff.get("/kelola/kuesioner/templat").get_data(as_text=True)


def test_questionnaire_of_another_event_is_not_found(login_as, make_event, make_test):
    event, other = make_event(), make_event()
    test = make_test(other)
    assert login_as("panitia").get(f"/kelola/kegiatan/{event.id}/kuesioner/{test['id']}").status_code == 404


def test_projector_page_shows_the_rounds_qr_and_url(login_as, make_event, make_test):
    event = make_event()
    test = make_test(event)
    staff = login_as("panitia")
    html = staff.get(f"/kelola/kegiatan/{event.id}/kuesioner/{test['id']}/post/layar").get_data(as_text=True)
    assert f"http://localhost/kuesioner/{test['id']}/post" in html and "<svg" in html and "page-projector" in html


def test_bad_template_title_is_refused_with_a_message_and_saves_nothing(app, login_as, make_event, make_test):
    event = make_event()
    test = make_test(event)
    staff = login_as("panitia")
    for title in ("Tes\x00baku", "x" * 201):
        resp = staff.post(f"/kelola/kegiatan/{event.id}/kuesioner/{test['id']}/simpan-templat",
                          data={"title": title}, follow_redirects=True)
        assert resp.status_code == 200
    with app.app_context():
        assert db.session.scalars(select(Questionnaire).where(Questionnaire.event_id.is_(None))).all() == []
