"""The page a logout lands on deletes the door scanner's offline door list (issue 13.2): the
login page loads static/js/logout-cleanup.js once, right after POST /keluar, and not otherwise."""
from sqlalchemy import func, select

from auth.models import Role, UserSession
from extensions import db
from tests.conftest import PASSWORD

CLEANUP = "/static/js/logout-cleanup.js"


def test_the_login_page_after_logout_deletes_the_door_list_once(app, make_user):
    user = make_user(Role.PANITIA)
    c = app.test_client()
    assert CLEANUP not in c.get("/masuk").get_data(as_text=True)  # a plain visit: nothing to delete
    assert c.post("/masuk", data={"identifier": user.email, "password": PASSWORD}).status_code == 302
    resp = c.post("/keluar")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/masuk")
    with app.app_context():  # the logout itself happened
        assert db.session.scalar(select(func.count()).select_from(UserSession).where(
            UserSession.user_id == user.id, UserSession.revoked_at.is_(None))) == 0
    landing = c.get("/masuk").get_data(as_text=True)
    assert f'<script src="{CLEANUP}"></script>' in landing and "Anda sudah keluar." in landing
    assert CLEANUP not in c.get("/masuk").get_data(as_text=True)  # once only


def test_the_cleanup_script_deletes_only_the_door_list(app):
    script = app.test_client().get(CLEANUP)
    body = script.get_data(as_text=True)
    assert script.status_code == 200 and "javascript" in script.content_type
    assert "deleteDatabase(DOORLIST_DB)" in body and "'p2tp2a-doorlist'" in body
    assert "p2tp2a-scanner'" not in body  # the queue of unsynced scans is kept
