"""Lupa kata sandi (issue 12, item 4): a code by WhatsApp or a link by email, read from what the
fake providers received after draining the outbox; wrong, expired, reused and exhausted codes;
the same answer for unknown accounts; other sessions end; an admin reset forces a new password."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from auth.models import AuditEntry, PasswordReset, Role, User
from auth.recovery import MAX_TRIES
from extensions import db
from messaging import worker
from messaging.models import Message
from tests.conftest import PASSWORD, login
from tests.messaging.conftest import _cloud_api, _smtp_server, cloud_api, smtp_server  # noqa: F401
from timeutil import utcnow

NEW_PASSWORD = "kapal-layar-senja-77"
PHONE = "+6281277778888"
INVALID = "Kode atau tautan salah, sudah dipakai, atau sudah kedaluwarsa"


@pytest.fixture
def person(make_user):
    return make_user(Role.RELAWAN, name="Siti Aminah", email="siti.aminah@contoh.id", phone=PHONE)


def _drain(app):
    with app.app_context():
        worker.drain("test")
        db.session.remove()


def _ask(client, identifier):
    return client.post("/lupa-kata-sandi", data={"identifier": identifier})


def _code_from_whatsapp(app, cloud_api) -> str:
    _drain(app)
    (request,) = cloud_api.requests
    assert request["json"]["to"] == PHONE.lstrip("+")
    return re.search(r"\b(\d{6})\b", request["json"]["text"]["body"]).group(1)


def _link_from_email(app, smtp_server) -> str:
    _drain(app)
    (mail,) = smtp_server.received
    assert mail["to"] == ["siti.aminah@contoh.id"]
    return re.search(r"http://localhost(/lupa-kata-sandi/tautan/\S+)", mail["message"].get_content()).group(1)


def _send_code(client, code, identifier="0812-7777-8888", password=NEW_PASSWORD):
    return client.post("/lupa-kata-sandi/kode", data={"identifier": identifier, "code": code,
                                                      "new": password, "confirm": password})


def _logged_in(client) -> bool:
    return client.get("/akun/kata-sandi").status_code == 200


def _password_is(app, user_id, password) -> bool:
    with app.app_context():
        return db.session.get(User, user_id).check_password(password)


def _resets(app) -> list[PasswordReset]:
    with app.app_context():
        rows = db.session.scalars(select(PasswordReset).order_by(PasswordReset.id)).all()
        db.session.expunge_all()
        return rows


def test_phone_reset_sends_a_code_by_whatsapp_and_logs_in_with_the_new_password(
        app, client, person, cloud_api):
    resp = _ask(client, "0812 7777 8888")
    assert resp.status_code == 302 and resp.headers["Location"] == "/lupa-kata-sandi/kode"
    (reset,) = _resets(app)
    assert reset.channel == "whatsapp" and reset.attempts == 0 and reset.used_at is None
    assert timedelta(minutes=14) < reset.expires_at - reset.created_at <= timedelta(minutes=15)
    code = _code_from_whatsapp(app, cloud_api)
    assert code not in reset.secret_hash and len(reset.secret_hash) == 64  # only a keyed hash is kept
    page = client.get("/lupa-kata-sandi/kode").get_data(as_text=True)
    assert "kode 6 angka sudah dikirim lewat WhatsApp" in page and "0812 7777 8888" in page
    resp = _send_code(client, code)
    assert resp.status_code == 302
    assert _logged_in(client)
    assert _password_is(app, person.id, NEW_PASSWORD) and not _password_is(app, person.id, PASSWORD)
    (reset,) = _resets(app)
    assert reset.used_at is not None and reset.attempts == 1
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert "password_reset_requested" in actions and "password_reset" in actions


def test_email_reset_sends_a_link_and_the_link_sets_the_new_password(
        app, client, person, smtp_server):
    resp = _ask(client, "Siti.Aminah@Contoh.ID")
    assert resp.status_code == 302 and resp.headers["Location"] == "/masuk"
    assert "tautan untuk memilih kata sandi baru sudah dikirim" in client.get("/masuk").get_data(as_text=True)
    path = _link_from_email(app, smtp_server)
    token = path.rsplit("/", 1)[1]
    (reset,) = _resets(app)
    assert reset.channel == "email" and token not in reset.secret_hash
    assert client.get(path).status_code == 200
    resp = client.post(path, data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert resp.status_code == 302 and _logged_in(client)
    assert _password_is(app, person.id, NEW_PASSWORD)
    assert _resets(app)[0].used_at is not None


def test_a_wrong_code_is_refused_and_charged_one_try(app, client, person, cloud_api):
    _ask(client, PHONE)
    code = _code_from_whatsapp(app, cloud_api)
    wrong = f"{(int(code) + 1) % 10 ** 6:06d}"
    resp = _send_code(client, wrong)
    assert resp.status_code == 422 and INVALID in resp.get_data(as_text=True)
    assert not _logged_in(client) and _password_is(app, person.id, PASSWORD)
    assert _resets(app)[0].attempts == 1 and _resets(app)[0].used_at is None
    assert _send_code(client, code).status_code == 302  # the right code still works


def test_an_expired_code_is_refused(app, client, person, cloud_api):
    _ask(client, PHONE)
    code = _code_from_whatsapp(app, cloud_api)
    with app.app_context():
        db.session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    resp = _send_code(client, code)
    assert resp.status_code == 422 and INVALID in resp.get_data(as_text=True)
    assert _password_is(app, person.id, PASSWORD) and _resets(app)[0].used_at is None


def test_a_used_code_and_a_used_link_cannot_be_used_again(app, person, cloud_api, smtp_server):
    first, second = app.test_client(), app.test_client()
    _ask(first, PHONE)
    code = _code_from_whatsapp(app, cloud_api)
    assert _send_code(first, code).status_code == 302
    resp = _send_code(second, code, password="perahu-kertas-biru-42")
    assert resp.status_code == 422 and INVALID in resp.get_data(as_text=True)
    assert _password_is(app, person.id, NEW_PASSWORD) and not _logged_in(second)

    _ask(second, person.email)
    path = _link_from_email(app, smtp_server)
    assert second.post(path, data={"new": "perahu-kertas-biru-42",
                                   "confirm": "perahu-kertas-biru-42"}).status_code == 302
    third = app.test_client()
    assert "Tautan ini salah, sudah dipakai" in third.get(path).get_data(as_text=True)
    resp = third.post(path, data={"new": "gunung-salju-merah-9", "confirm": "gunung-salju-merah-9"})
    assert resp.status_code == 422 and _password_is(app, person.id, "perahu-kertas-biru-42")


def test_a_code_allows_five_tries_then_even_the_right_code_is_refused(
        app, client, person, cloud_api):
    _ask(client, PHONE)
    code = _code_from_whatsapp(app, cloud_api)
    wrong = f"{(int(code) + 7) % 10 ** 6:06d}"
    assert [_send_code(client, wrong).status_code for _ in range(MAX_TRIES)] == [422] * MAX_TRIES
    assert _resets(app)[0].attempts == MAX_TRIES
    resp = _send_code(client, code)
    assert resp.status_code == 422 and INVALID in resp.get_data(as_text=True)
    assert _password_is(app, person.id, PASSWORD) and _resets(app)[0].attempts == MAX_TRIES


def test_a_new_request_retires_the_previous_code(app, client, person, cloud_api):
    _ask(client, PHONE)
    old = _code_from_whatsapp(app, cloud_api)
    cloud_api.requests.clear()
    _ask(client, PHONE)
    new = _code_from_whatsapp(app, cloud_api)
    if old != new:
        assert _send_code(client, old).status_code == 422
    assert _send_code(client, new).status_code == 302
    assert [r.used_at is not None for r in _resets(app)] == [True, True]


def test_a_weak_new_password_keeps_the_code_usable(app, client, person, cloud_api):
    _ask(client, PHONE)
    code = _code_from_whatsapp(app, cloud_api)
    resp = _send_code(client, code, password="siti-aminah-2024")
    assert resp.status_code == 422 and "nama Anda" in resp.get_data(as_text=True)
    assert _resets(app)[0].attempts == 0 and _resets(app)[0].used_at is None
    assert _send_code(client, code).status_code == 302


@pytest.mark.parametrize("known, unknown", [(PHONE, "0813-9999-0000"),
                                            ("siti.aminah@contoh.id", "tidak.ada@contoh.id")])
def test_unknown_accounts_get_the_same_answer_and_no_message(app, person, known, unknown):
    answers = []
    for identifier in (known, unknown):
        c = app.test_client()
        resp = _ask(c, identifier)
        answers.append((resp.status_code, resp.headers["Location"],
                        c.get(resp.headers["Location"]).get_data(as_text=True).count("Jika ")))
    assert answers[0] == answers[1]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Message)) == 1  # the known one
        assert db.session.scalar(select(func.count()).select_from(PasswordReset)) == 1


def test_an_inactive_account_gets_no_code(app, client, make_user):
    user = make_user(Role.PANITIA, phone="+6281311110000", active=False)
    assert _ask(client, user.phone).status_code == 302
    assert _resets(app) == []


def test_a_code_for_an_unknown_number_is_refused_the_same_way(app, client, person):
    resp = _send_code(client, "123456", identifier="0813-9999-0000")
    assert resp.status_code == 422 and INVALID in resp.get_data(as_text=True)


def test_resetting_the_password_logs_out_every_other_session(app, person, cloud_api):
    other_device = login(app.test_client(), person)
    assert _logged_in(other_device)
    resetting = app.test_client()
    _ask(resetting, PHONE)
    assert _send_code(resetting, _code_from_whatsapp(app, cloud_api)).status_code == 302
    assert not _logged_in(other_device)
    assert _logged_in(resetting)


def test_admin_reset_is_audited_and_forces_a_new_password_at_next_login(app, make_user, login_as):
    user = make_user(Role.PANITIA)
    admin = login_as(Role.ADMIN)
    resp = admin.post(f"/admin/pengguna/{user.id}", data={
        "name": user.name, "email": user.email, "phone": "", "role": "panitia",
        "kecamatan_kode": "", "password": NEW_PASSWORD, "active": "y"})
    assert resp.status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "password_reset_by_admin"))
        assert entry.user_id == admin.user.id and entry.target_id == str(user.id)
        assert db.session.get(User, user.id).must_change_password is True
    browser = login(app.test_client(), user, NEW_PASSWORD)
    for path in ("/laporan/", "/", "/akun/token"):
        resp = browser.get(path)
        assert resp.status_code == 302 and resp.headers["Location"] == "/akun/kata-sandi"
    page = browser.get("/akun/kata-sandi").get_data(as_text=True)
    assert "Pilih kata sandi baru sebelum melanjutkan" in page
    resp = browser.post("/akun/kata-sandi", data={"current": NEW_PASSWORD, "new": "perahu-kertas-biru-42",
                                                  "confirm": "perahu-kertas-biru-42"})
    assert resp.status_code == 302
    assert browser.get("/akun/token").status_code == 200
    with app.app_context():
        assert db.session.get(User, user.id).must_change_password is False
    assert browser.post("/keluar").status_code == 302  # logout always works


def test_logged_in_people_are_sent_home_from_the_reset_pages(login_as):
    c = login_as(Role.PANITIA)
    for path in ("/lupa-kata-sandi", "/lupa-kata-sandi/kode", "/lupa-kata-sandi/tautan/abc"):
        assert c.get(path).status_code == 302
