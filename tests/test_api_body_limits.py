"""JSON bodies of the API (issue 11.6): authentication is checked before a body is read, and a
body has a size limit (16 KB, 413) and a depth limit (20 levels, 400) in events.api.auth.json_body."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from events.api.auth import MAX_JSON_BYTES, MAX_JSON_DEPTH
from events.checkin_models import CheckIn, ScanRecord
from extensions import db
from tests.events.test_checkin_helpers import bearer, make_registration, make_token
from timeutil import utcnow

DEEP = "[" * 100_000


def _written(app) -> int:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(CheckIn))
                + db.session.scalar(select(func.count()).select_from(ScanRecord)))


def _event_and_token(app, make_user, make_event):
    event = make_event(starts_at=utcnow() + timedelta(hours=1))
    return event, make_token(app, make_user("panitia"))


def test_bad_bearer_with_100000_nested_brackets_is_401_not_500(app, client, make_event):
    event = make_event()
    for headers in ({"Authorization": "Bearer bukan-token"}, {}):
        resp = client.post(f"/api/v1/events/{event.id}/checkins", data=DEEP,
                           content_type="application/json", headers=headers)
        assert resp.status_code == 401 and resp.json["result"] == "unauthorized"
    assert _written(app) == 0


def test_body_over_the_size_limit_is_413_json(app, client, make_user, make_event):
    event, plain = _event_and_token(app, make_user, make_event)
    resp = client.post(f"/api/v1/events/{event.id}/checkins", data=DEEP,
                       content_type="application/json", headers=bearer(plain))
    assert len(DEEP) > MAX_JSON_BYTES
    assert resp.status_code == 413 and resp.is_json and resp.json["message"]
    assert _written(app) == 0


def test_deeply_nested_body_under_the_size_limit_is_400_bad_request(app, client, make_user,
                                                                     make_event):
    event, plain = _event_and_token(app, make_user, make_event)
    for body in ("[" * 5000, "{\"a\":" * 3000, "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)):
        resp = client.post(f"/api/v1/events/{event.id}/checkins", data=body,
                           content_type="application/json", headers=bearer(plain))
        assert resp.status_code == 400 and resp.json["result"] == "bad_request"
        assert "bersarang terlalu dalam" in resp.json["message"]
    assert _written(app) == 0


def test_malformed_json_is_400_and_brackets_inside_strings_are_not_depth(app, client, make_user,
                                                                        make_event):
    event, plain = _event_and_token(app, make_user, make_event)
    url = f"/api/v1/events/{event.id}/checkins"
    bad = client.post(url, data='{"code": "abc", ', content_type="application/json",
                      headers=bearer(plain))
    assert bad.status_code == 400 and bad.json["message"] == "Isi permintaan bukan JSON yang valid."
    assert _written(app) == 0
    _reg, token = make_registration(app, event)
    body = f'{{"code": "{token}", "scan_id": "{uuid.uuid4()}", "device": "{"[" * 60}"}}'
    ok = client.post(url, data=body, content_type="application/json", headers=bearer(plain))
    assert ok.status_code == 201 and ok.json["result"] == "checked_in"
    with app.app_context():
        assert db.session.scalar(select(CheckIn.device)) == "[" * 60
