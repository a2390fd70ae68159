"""The dashboard cache with several app servers (issue 10.5): one Redis shared by every process,
and the in-process default for a single server."""
from __future__ import annotations

import os
import re

import pytest
import redis

from app import create_app
from extensions import db
from relawan.models import Relawan
from reports import cache
from tests.app_process import app_processes, logged_in
from tests.conftest import PASSWORD, login

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/5")
PREFIX = "p2tp2a:cache:"


@pytest.fixture
def redis5():
    """The test Redis database; only this app's cache keys are removed, before and after."""
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"Redis {REDIS_TEST_URL} tidak berjalan")

    def forget():
        keys = list(client.scan_iter(f"{PREFIX}*"))
        if keys:
            client.delete(*keys)
    forget()
    yield client
    forget()
    client.close()


@pytest.fixture
def two_servers(app, redis5, tmp_path):
    """Two app processes on the suite's database, sharing the cache in Redis."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app_processes(url, [tmp_path / "a.log", tmp_path / "b.log"],
                       CACHE_REDIS_URL=REDIS_TEST_URL) as servers:
        yield servers


def _funnel(html: str) -> dict[str, str]:
    section = html[html.index('id="funnel"'):html.index('id="kehadiran-kegiatan"')]
    return dict(re.findall(r'<tr><td[^>]*>(?:<strong>)?([^<]+)(?:</strong>)?</td><td class="num"[^>]*>(\d+)</td>',
                           section))


def test_approval_through_one_server_shows_at_once_on_the_others_cached_dashboard(
        app, two_servers, redis5, make_user, make_relawan):
    server_a, server_b = two_servers
    admin, calon = make_user("admin"), make_relawan()
    a, b = logged_in(server_a, admin, PASSWORD), logged_in(server_b, admin, PASSWORD)

    assert b.get(f"{server_b}/healthz", timeout=30).json()["redis"] == "ok"
    page = b.get(f"{server_b}/laporan/", timeout=60)
    assert page.status_code == 200
    assert _funnel(page.text) == {"Calon": "1", "Terverifikasi": "0", "Dalam pelatihan": "0", "Aktif": "0"}
    assert list(redis5.scan_iter(f"{PREFIX}laporan:funnel:*"))  # B's figures are in Redis

    with app.app_context():  # an edit the data version does not see (it shows within TTL)
        db.session.get(Relawan, calon.id).kelurahan_kode = None
        db.session.commit()
    page = a.get(f"{server_a}/laporan/", timeout=60)
    assert "(kelurahan belum diisi)" not in page.text  # A answered from the figures B cached

    resp = a.post(f"{server_a}/relawan/{calon.id}/setujui", allow_redirects=False, timeout=60)
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Relawan, calon.id).status == "terverifikasi"
    page = b.get(f"{server_b}/laporan/", timeout=60)
    assert _funnel(page.text)["Terverifikasi"] == "1"  # the version moved: seen at once on B
    assert "(kelurahan belum diisi)" in page.text


def test_without_redis_each_app_keeps_its_own_cache_and_versions_still_move(
        app, monkeypatch, make_user, make_relawan):
    for name in ("REDIS_URL", "CACHE_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    second = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                         "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    assert second.config["CACHE_TYPE"] == app.config["CACHE_TYPE"] == "SimpleCache"
    try:
        admin, calon = make_user("admin"), make_relawan()
        first_client, second_client = login(app.test_client(), admin), login(second.test_client(), admin)
        assert _funnel(first_client.get("/laporan/").get_data(as_text=True))["Calon"] == "1"
        with app.app_context():  # not seen by the version: the first app's cached figure stays
            db.session.get(Relawan, calon.id).kelurahan_kode = None
            db.session.commit()
        assert "(kelurahan belum diisi)" not in first_client.get("/laporan/").get_data(as_text=True)
        assert "(kelurahan belum diisi)" in second_client.get("/laporan/").get_data(as_text=True)
        assert second_client.post(f"/relawan/{calon.id}/setujui").status_code == 302
        page = first_client.get("/laporan/").get_data(as_text=True)
        assert _funnel(page)["Terverifikasi"] == "1" and "(kelurahan belum diisi)" in page
    finally:
        with second.app_context():
            db.engine.dispose()


def test_cached_computes_once_per_version(app):
    calls = []
    with app.app_context():
        cache.clear()
        assert cache.cached("uji", ("k",), ("v1",), lambda: calls.append(1) or None) is None
        assert cache.cached("uji", ("k",), ("v1",), lambda: calls.append(1) or "baru") is None
        assert cache.cached("uji", ("k",), ("v2",), lambda: calls.append(1) or "baru") == "baru"
    assert calls == [1, 1]  # a cached None is a hit too; a new version computes again
