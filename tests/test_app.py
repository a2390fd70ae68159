"""Skeleton: factory, health check, secret key, login/logout, wilayah."""
from sqlalchemy import func, select

from auth.models import AuditEntry, User
from extensions import db
from relawan.models import Kecamatan, Kelurahan
from tests.conftest import PASSWORD, login


def test_healthz_reports_database_ok(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json["database"] == "ok"


def test_wilayah_has_6_kecamatan_and_67_kelurahan(app, ctx):
    assert db.session.scalar(select(func.count()).select_from(Kecamatan)) == 6
    assert db.session.scalar(select(func.count()).select_from(Kelurahan)) == 67
    sukawana = db.session.scalars(select(Kelurahan).where(Kelurahan.nama == "Sukawana")).all()
    assert sorted(k.kode for k in sukawana) == ["36.73.01.1008", "36.73.04.1007"]


def test_login_with_email_and_logout(client, make_user, app):
    user = make_user("panitia")
    login(client, user)
    with app.app_context():
        assert db.session.get(User, user.id).last_login_at is not None
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "login")) == 1
    resp = client.post("/keluar")
    assert resp.status_code == 302


def test_login_with_phone_in_local_format(client, make_user):
    make_user("panitia", phone="+6281299990001")
    resp = client.post("/masuk", data={"identifier": "0812-9999-0001", "password": PASSWORD})
    assert resp.status_code == 302


def test_wrong_password_is_rejected_and_audited(client, make_user, app):
    user = make_user("panitia")
    resp = client.post("/masuk", data={"identifier": user.email, "password": "salah-sekali"})
    assert resp.status_code == 200
    assert "kata sandi salah" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "login_failed")) == 1


def test_inactive_user_cannot_log_in(client, make_user):
    user = make_user("panitia", active=False)
    resp = client.post("/masuk", data={"identifier": user.email, "password": PASSWORD})
    assert resp.status_code == 200


def test_security_headers_present(client):
    resp = client.get("/masuk")
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_name_a_favicon_that_exists(client):
    """Without an icon link phones ask for /favicon.ico and download a 404 page each time."""
    page = client.get("/masuk").get_data(as_text=True)
    assert 'rel="icon"' in page and "/static/img/icon.svg" in page
    icon = client.get("/static/img/icon.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert len(icon.data) < 1024
