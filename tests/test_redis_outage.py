"""A Redis outage must not take the app down (issue 11.5): rate limits fail open with a logged
warning (counted in the process meanwhile), the dashboard cache becomes no cache, and /healthz
says Redis is degraded while the database is fine. The app runs in a process of its own whose
REDIS_URL points at a port where nothing listens."""
from __future__ import annotations

import socket

import pytest
import requests

from auth.models import User
from extensions import db
from tests.app_process import app_processes, logged_in
from tests.conftest import PASSWORD

DOWN_PORT = 6390


@pytest.fixture(scope="module")
def down(app, tmp_path_factory):
    """(base URL, log file) of an app whose Redis (rate limits and cache) does not answer."""
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", DOWN_PORT)) != 0, f"port {DOWN_PORT} harus tertutup"
    log = tmp_path_factory.mktemp("redis-down") / "app.log"
    with app_processes(app.config["SQLALCHEMY_DATABASE_URI"], [log],
                       REDIS_URL=f"redis://127.0.0.1:{DOWN_PORT}/0", RATELIMIT_ENABLED="1") as urls:
        yield urls[0], log


def test_login_works_while_redis_is_down(down, app, make_user):
    base, log = down
    user = make_user("panitia")
    session = logged_in(base, user, PASSWORD)  # 302 to the landing page, not 500
    assert session.get(f"{base}/", timeout=30).status_code == 200
    with app.app_context():
        assert db.session.get(User, user.id).last_login_at is not None
    assert "Rate limit storage unreachable - falling back to in-memory storage" in log.read_text()


def test_certificate_verification_works_while_redis_is_down(down):
    base, _ = down
    resp = requests.get(f"{base}/sertifikat/kodeTidakAda123", timeout=30)
    assert resp.status_code == 404  # the page's own answer for an unknown code, not 500
    assert "Sertifikat tidak ditemukan" in resp.text


def test_dashboard_is_computed_without_cache_while_redis_is_down(down, make_user, make_relawan):
    base, log = down
    make_relawan(kelurahan_kode=None)
    session = logged_in(base, make_user("admin"), PASSWORD)
    for _ in range(2):
        page = session.get(f"{base}/laporan/", timeout=60)
        assert page.status_code == 200 and "(kelurahan belum diisi)" in page.text
    assert "Redis cache tidak terjangkau" in log.read_text()


def test_healthz_says_redis_degraded_while_the_database_is_fine(down):
    base, _ = down
    resp = requests.get(f"{base}/healthz", timeout=30)
    assert resp.status_code == 200
    assert resp.json()["database"] == "ok" and resp.json()["redis"] == "degraded"


def test_wrong_passwords_are_still_limited_in_the_process_while_redis_is_down(down, make_user):
    base, _ = down
    user = make_user("panitia")
    session = requests.Session()
    codes = [session.post(f"{base}/masuk", data={"identifier": user.email, "password": "salah"},
                          timeout=30).status_code for _ in range(11)]
    assert codes[0] == 200 and codes[-1] == 429  # the login limits, counted in this process


def test_healthz_without_redis_says_not_configured(client, app):
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("memory://")
    assert app.config["CACHE_TYPE"] == "SimpleCache"
    assert client.get("/healthz").json["redis"] == "not_configured"
