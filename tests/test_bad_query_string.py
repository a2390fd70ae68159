"""A NUL byte or a control character in a query string or a scan body is refused with a clear
Indonesian message and writes nothing; on PostgreSQL it used to reach the database and end in a
500 (`text fields cannot contain NUL`), found by the OpenAPI fuzz test on GET .../registrations."""
from __future__ import annotations

import re

import pytest

from events.checkin_models import CheckIn, ScanRecord
from extensions import db
from tests.conftest import login
from tests.events.test_checkin_helpers import bearer, make_registration, make_token, scan

MESSAGE = "Alamat halaman mengandung karakter yang tidak valid"


def _get_routes(app):
    """Every GET route, with 1 for each path parameter."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        yield re.sub(r"<[^>]+>", "1", rule.rule)


@pytest.mark.parametrize("query", ["q=Siti%00", "kecamatan=%00", "q=a%07b", "%00=1", "q=%1B%5B2J"])
def test_every_get_route_refuses_a_bad_query_string(app, client, make_user, make_event, query):
    make_event()
    login(client, make_user("admin"))
    routes = list(_get_routes(app))
    assert len(routes) > 40  # the whole app, not a handful
    for path in routes:
        resp = client.get(f"{path}?{query}")
        assert resp.status_code == 400, path
        body = resp.get_data(as_text=True)
        assert MESSAGE in body, path
        if path.startswith("/api/"):
            assert resp.json["result"] == "bad_request" and MESSAGE in resp.json["message"]


def test_door_search_api_with_nul_is_400_not_500(app, client, make_user, make_event):
    event = make_event()
    make_registration(app, event, name="Siti Aminah", phone="+6281234567890")
    token = make_token(app, make_user("panitia"))
    resp = client.get(f"/api/v1/events/{event.id}/registrations?q=%250%00%25", headers=bearer(token))
    assert resp.status_code == 400
    assert MESSAGE in resp.json["message"]
    ok = client.get(f"/api/v1/events/{event.id}/registrations?q=Siti", headers=bearer(token))
    assert ok.status_code == 200 and ok.json["items"][0]["name"] == "Siti Aminah"


def test_plain_queries_still_work(client, make_user):
    login(client, make_user("admin"))
    assert client.get("/admin/pengguna?q=Siti+Aminah%27%25_").status_code == 200


@pytest.mark.parametrize("field", ["code", "scan_id", "device"])
def test_scan_with_nul_in_body_is_refused_and_writes_nothing(app, client, make_user, make_event, field):
    event = make_event()
    _reg_id, code = make_registration(app, event)
    token = make_token(app, make_user("panitia"))
    body = scan(code)
    body[field] = (body.get(field) or "HP-1") + "\x00"
    resp = client.post(f"/api/v1/events/{event.id}/checkins", json=body, headers=bearer(token))
    assert resp.status_code in (400, 404), resp.get_data(as_text=True)
    assert resp.json["result"] in ("bad_request", "invalid_code")
    with app.app_context():
        assert db.session.query(CheckIn).count() == 0
        if field != "code":
            assert db.session.query(ScanRecord).count() == 0


@pytest.mark.parametrize("path", ["/t/abc%00def", "/t/abc%00def.png", "/t/abc%00def.svg",
                                  "/t/abc%00def/check-in", "/sertifikat/ABC%00DEF",
                                  "/static/css/app%00.css"])
def test_nul_in_a_path_is_not_found_not_500(client, make_user, path):
    login(client, make_user("admin"))
    resp = client.get(path)
    assert resp.status_code == 404, resp.status_code
    assert "Halaman tidak ditemukan" in resp.get_data(as_text=True)
