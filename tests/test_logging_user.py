"""A log line never queries the database for the user id: after a commit the session user is
expired, and when the request then fails, logging that failure must not fail itself (the
Indonesian 500 answer must still come)."""
from __future__ import annotations

import logging

from flask_login import current_user, login_required

from app import create_app
from auth.models import User
from extensions import db
from tests.conftest import login


def test_error_after_a_commit_is_logged_and_answered_with_500(app, make_user, monkeypatch, caplog):
    monkeypatch.setenv("LOG_APP_ACCESS", "0")  # as under gunicorn
    own = create_app({"TESTING": False, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    taken = make_user("panitia")

    @own.get("/api/uji-galat")
    @login_required
    def fails_after_commit():
        _ = current_user.id
        db.session.commit()  # expires the user object
        db.session.add(User(name="x", email=taken.email, role="panitia", password_hash="x"))
        db.session.flush()  # IntegrityError: the session is now failed
        return "tidak tercapai"

    user = make_user("panitia")
    client = own.test_client()
    login(client, user)
    with caplog.at_level(logging.ERROR):
        resp = client.get("/api/uji-galat")
    assert resp.status_code == 500 and resp.json["result"] == "error"
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged and getattr(logged[0], "user_id", None) == str(user.id)
    with own.app_context():
        db.session.remove()
        db.engine.dispose()
