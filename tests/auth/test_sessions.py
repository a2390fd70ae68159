"""Server-side revocation of logins (issue 11, item 2): copied cookies die with the login."""
from datetime import timedelta

from sqlalchemy import func, select

from auth.models import Role, User, UserSession
from auth.sessions import load_user
from extensions import db
from tests.conftest import PASSWORD, login

NEW_PASSWORD = "kopi-tubruk-pagi-7"
PAGE = "/laporan/"  # any page that needs a login (panitia)


def _login(app, user, remember=False):
    c = app.test_client()
    resp = c.post("/masuk", data={"identifier": user.email, "password": PASSWORD,
                                  **({"remember": "y"} if remember else {})})
    assert resp.status_code == 302
    return c


def _with_cookie(app, source, name):
    """A fresh browser holding only the `name` cookie copied from `source`."""
    cookie = source.get_cookie(name)
    assert cookie is not None, name
    c = app.test_client()
    c.set_cookie(name, cookie.value)
    return c


def _logged_in(c) -> bool:
    resp = c.get(PAGE)
    assert resp.status_code in (200, 302)
    return resp.status_code == 200


def _live_sessions(user_id):
    return db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None)))


def test_copied_session_cookie_stops_working_after_logout(app, make_user):
    user = make_user(Role.PANITIA)
    owner = _login(app, user)
    thief = _with_cookie(app, owner, "session")
    assert _logged_in(thief)
    assert owner.post("/keluar").status_code == 302
    resp = thief.get(PAGE)
    assert resp.status_code == 302 and "/masuk" in resp.headers["Location"]
    with app.app_context():
        assert _live_sessions(user.id) == 0


def test_copied_remember_cookie_stops_working_after_logout(app, make_user):
    user = make_user(Role.PANITIA)
    owner = _login(app, user, remember=True)
    copied = owner.get_cookie("remember_token").value
    assert _logged_in(_with_cookie(app, owner, "remember_token"))  # it works while logged in
    owner.post("/keluar")
    thief = app.test_client()
    thief.set_cookie("remember_token", copied)
    assert not _logged_in(thief)


def test_password_change_ends_other_sessions_and_every_remember_cookie(app, make_user):
    user = make_user(Role.PANITIA)
    owner = _login(app, user, remember=True)
    other_device = _login(app, user)  # opened before the change
    old_remember = _with_cookie(app, owner, "remember_token")
    resp = owner.post("/akun/kata-sandi", data={"current": PASSWORD, "new": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD})
    assert resp.status_code == 302
    assert _logged_in(owner)  # the browser that changed it stays logged in
    assert not _logged_in(other_device)
    assert not _logged_in(old_remember)
    assert _logged_in(_with_cookie(app, owner, "remember_token"))  # its renewed remember cookie
    with app.app_context():
        assert _live_sessions(user.id) == 1
        assert db.session.get(User, user.id).check_password(NEW_PASSWORD)


def test_admin_deactivation_ends_every_session(app, make_user, login_as):
    user = make_user(Role.PANITIA)
    browser = _login(app, user, remember=True)
    remembered = _with_cookie(app, browser, "remember_token")
    admin = login_as(Role.ADMIN)
    assert admin.post(f"/admin/pengguna/{user.id}/nonaktifkan").status_code == 302
    assert not _logged_in(browser) and not _logged_in(remembered)
    with app.app_context():
        assert _live_sessions(user.id) == 0


def test_admin_password_reset_ends_every_session(app, make_user, login_as):
    user = make_user(Role.PANITIA)
    browser = _login(app, user)
    admin = login_as(Role.ADMIN)
    resp = admin.post(f"/admin/pengguna/{user.id}", data={
        "name": user.name, "email": user.email, "phone": "", "role": "panitia",
        "kecamatan_kode": "", "password": NEW_PASSWORD, "active": "y"})
    assert resp.status_code == 302
    assert not _logged_in(browser)
    with app.app_context():
        assert _live_sessions(user.id) == 0


def test_remember_cookie_lifetime_is_a_setting_of_30_days(app, make_user):
    assert app.config["REMEMBER_COOKIE_DURATION"] == timedelta(days=30)
    user = make_user(Role.PANITIA)
    browser = _login(app, user, remember=True)
    cookie = browser.get_cookie("remember_token")
    assert cookie.expires is not None
    with app.app_context():
        # A login older than the lifetime is refused even with a valid cookie.
        row = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
        row.created_at -= timedelta(days=31)
        db.session.commit()
    assert not _logged_in(browser)


def test_plain_user_id_from_before_sessions_is_refused(app, make_user):
    user = make_user(Role.PANITIA)
    with app.test_request_context():
        assert load_user(str(user.id)) is None
        assert load_user(f"{user.id}:not-a-key") is None
        assert load_user("99999999999999999999999:x") is None


def test_each_login_is_its_own_session(app, make_user, client):
    user = make_user(Role.PANITIA)
    login(client, user)
    second = _login(app, user)
    client.post("/keluar")
    assert _logged_in(second)  # logging out one browser leaves the others
    with app.app_context():
        assert _live_sessions(user.id) == 1
