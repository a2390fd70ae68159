"""Answering on a phone: once per round, only one's own event, only while the round is open."""
from __future__ import annotations

from sqlalchemy import func, select

from events.models import Registration
from extensions import db
from surveys.models import SurveyAnswer, SurveyResponse
from tests.surveys.conftest import answer_test, answer_url


def _responses(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(SurveyResponse.id)))


def test_guest_answers_the_pre_test_from_the_ticket_link_and_sees_the_score(app, client, make_event,
                                                                           make_guest, make_test):
    event = make_event()
    reg_id, token = make_guest(event)
    test = make_test(event)
    page = client.get(answer_url(test["id"], "pre", token)).get_data(as_text=True)
    assert "Ibu Tamu" in page and "Apa itu KDRT?" in page and 'type="radio"' in page
    resp = answer_test(client, test, "pre", token, q1=True, q2=False)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Jawaban benar: 1 dari 2" in html
    with app.app_context():
        response = db.session.scalars(select(SurveyResponse)).one()
        assert (response.registration_id, response.score, response.max_score) == (reg_id, 1, 2)
        assert len(response.answers) == 2


def test_guest_cannot_answer_the_same_round_twice(app, client, make_event, make_guest, make_test):
    event = make_event()
    _, token = make_guest(event)
    test = make_test(event)
    assert answer_test(client, test, "pre", token, True, True).status_code == 200
    again = answer_test(client, test, "pre", token, False, False)
    assert again.status_code == 409 and "Anda sudah mengisi" in again.get_data(as_text=True)
    assert _responses(app) == 1
    with app.app_context():
        assert db.session.scalar(select(SurveyResponse.score)) == 2  # the first answers stand
    # The post-test is another round: answering it is fine.
    assert answer_test(client, test, "post", token, True, True).status_code == 200
    assert _responses(app) == 2


def test_second_answer_set_is_stopped_by_the_unique_constraint(app, make_event, make_guest, make_test):
    from surveys import answering
    from surveys.models import SurveyRound

    event = make_event()
    reg_id, _ = make_guest(event)
    test = make_test(event)
    values = {f"q{test['q1']['id']}": str(test["q1"]["right"]), f"q{test['q2']['id']}": str(test["q2"]["right"])}
    with app.app_context():
        pre = db.session.scalar(select(SurveyRound).where(SurveyRound.questionnaire_id == test["id"],
                                                          SurveyRound.name == "pre"))
        answering.submit(pre, db.session.get(Registration, reg_id), values)
        db.session.commit()
        pre = db.session.get(SurveyRound, pre.id)
        try:
            answering.submit(pre, db.session.get(Registration, reg_id), values)
            raise AssertionError("a second answer set was accepted")
        except answering.AlreadyAnswered as err:
            assert err.message.startswith("Anda sudah mengisi")
    assert _responses(app) == 1


def test_guest_cannot_answer_another_events_test(app, client, make_event, make_guest, make_test):
    own, other = make_event(), make_event()
    _, token = make_guest(own)
    foreign_test = make_test(other)
    page = client.get(answer_url(foreign_test["id"], "pre", token))
    assert "hanya untuk peserta yang terdaftar" in page.get_data(as_text=True)
    resp = answer_test(client, foreign_test, "pre", token, True, True)
    assert resp.status_code == 403
    assert _responses(app) == 0


def test_closed_and_unopened_rounds_refuse_answers(app, client, make_event, make_guest, make_test):
    event = make_event()
    _, token = make_guest(event)
    test = make_test(event, status="closed", post_status="draft")
    for round_name in ("pre", "post"):
        resp = answer_test(client, test, round_name, token, True, True)
        assert resp.status_code == 409 and "sedang tidak dibuka" in resp.get_data(as_text=True)
    assert _responses(app) == 0


def test_cancelled_registration_cannot_answer(app, client, make_event, make_guest, make_test):
    event = make_event()
    _, token = make_guest(event, status="cancelled")
    test = make_test(event)
    assert answer_test(client, test, "pre", token, True, True).status_code == 403
    assert _responses(app) == 0


def test_unanswered_question_saves_nothing_and_keeps_the_choice(app, client, make_event, make_guest, make_test):
    event = make_event()
    _, token = make_guest(event)
    test = make_test(event)
    resp = client.post(answer_url(test["id"], "pre", token),
                       data={f"q{test['q1']['id']}": test["q1"]["right"]})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "1 pertanyaan belum dijawab" in html
    assert f'value="{test["q1"]["right"]}" checked' in html
    assert _responses(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(SurveyAnswer.id))) == 0


def test_option_of_another_question_is_refused(app, client, make_event, make_guest, make_test):
    event = make_event()
    _, token = make_guest(event)
    test = make_test(event)
    resp = client.post(answer_url(test["id"], "pre", token), data={
        f"q{test['q1']['id']}": test["q2"]["right"], f"q{test['q2']['id']}": test["q2"]["right"]})
    assert resp.status_code == 400 and _responses(app) == 0


def test_projector_url_asks_a_guest_for_phone_and_ticket_code_then_leads_to_the_form(
        app, client, make_event, make_guest, make_test):
    event = make_event()
    _, token = make_guest(event, phone="+6281234567890")
    test = make_test(event)
    page = client.get(f"/kuesioner/{test['id']}/pre").get_data(as_text=True)
    assert "kode tiket" in page.lower() and "Nomor HP" in page
    resp = client.post(f"/kuesioner/{test['id']}/pre/tiket",
                       data={"phone": "0812-3456-7890", "code": token[:6].swapcase()})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(answer_url(test["id"], "pre", token))


def test_wrong_ticket_code_or_another_events_guest_is_not_found(app, client, make_event, make_guest, make_test):
    event, other = make_event(), make_event()
    _, token = make_guest(event, phone="+6281234567890")
    _, other_token = make_guest(other, phone="+6281298765432")
    test = make_test(event)
    for phone, code in (("081234567890", "zzzzzz" if token[:6].lower() != "zzzzzz" else "yyyyyy"),
                        ("081298765432", other_token[:6])):
        resp = client.post(f"/kuesioner/{test['id']}/pre/tiket", data={"phone": phone, "code": code})
        assert resp.status_code == 422 and "tidak cocok" in resp.get_data(as_text=True)
    assert _responses(app) == 0


def test_logged_in_relawan_answers_from_the_projector_url(app, make_event, make_relawan, make_test):
    from auth.models import User
    from tests.conftest import login

    event = make_event()
    rel = make_relawan(status="aktif")
    with app.app_context():
        db.session.add(Registration(event_id=event.id, relawan_id=rel.id, token="tok-" + "r" * 20))
        db.session.commit()
        user = db.session.get(User, rel.user_id)
        db.session.expunge(user)
    client = login(app.test_client(), user)
    test = make_test(event)
    assert "Apa itu KDRT?" in client.get(f"/kuesioner/{test['id']}/pre").get_data(as_text=True)
    resp = client.post(f"/kuesioner/{test['id']}/pre", data={
        f"q{test['q1']['id']}": test["q1"]["right"], f"q{test['q2']['id']}": test["q2"]["right"]})
    assert resp.status_code == 200 and "Jawaban benar: 2 dari 2" in resp.get_data(as_text=True)
    assert _responses(app) == 1


def test_ticket_page_links_open_rounds_and_marks_answered_ones(app, client, make_event, make_guest, make_test):
    event = make_event()
    _, token = make_guest(event)
    test = make_test(event, post_status="draft")
    html = client.get(f"/t/{token}").get_data(as_text=True)
    assert "Isi Pre-test" in html and answer_url(test["id"], "pre", token) in html and "Isi Post-test" not in html
    answer_test(client, test, "pre", token, True, True)
    html = client.get(f"/t/{token}").get_data(as_text=True)
    assert "Pre-test: sudah diisi" in html and "Isi Pre-test" not in html
