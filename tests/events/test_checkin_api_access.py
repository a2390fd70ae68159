"""Check-in API: who may scan (session, bearer token, door staff, CSRF), response and database."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from events.checkin_models import CheckIn
from extensions import db
from tests.events.test_checkin_helpers import (
    bearer,
    grant,
    make_event,  # noqa: F401  (window open now)
    make_registration,
    make_token,
    scan,
)
from timeutil import utcnow


def _count(model, **where):
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


def test_without_credentials_401_and_wrong_role_403(app, client, login_as, make_event):
    event = make_event()
    _reg, token = make_registration(app, event)
    resp = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(token))
    assert resp.status_code == 401 and resp.json["result"] == "unauthorized"
    for role in ("relawan", "koordinator"):
        resp = login_as(role).post(f"/api/v1/events/{event.id}/checkins", json=scan(token))
        assert resp.status_code == 403 and resp.json["result"] == "forbidden"
    assert client.get(f"/api/v1/events/{event.id}/stats").status_code == 401
    with app.app_context():
        assert _count(CheckIn) == 0


def test_unknown_event_is_404_json(login_as):
    resp = login_as("admin").post("/api/v1/events/999999/checkins", json=scan("abcdefgh"))
    assert resp.status_code == 404 and resp.json["result"] == "not_found"


def test_bearer_token_works_and_revoked_token_is_401(app, client, make_user, make_event, runner):
    user = make_user("panitia")
    event = make_event()
    _reg, token = make_registration(app, event)
    plain = make_token(app, user)
    resp = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(token),
                       headers=bearer(plain))
    assert resp.status_code == 201
    with app.app_context():
        row = db.session.scalar(select(CheckIn))
        assert row.by_user_id == user.id
    assert client.get(f"/api/v1/events/{event.id}/stats", headers=bearer("p2t_salah")).status_code == 401
    assert client.get(f"/api/v1/events/{event.id}/stats", headers={"Authorization": plain}).status_code == 401
    with app.app_context():
        from auth.models import ApiToken
        token_id = db.session.scalar(select(ApiToken.id))
    result = runner.invoke(args=["tokens", "revoke", str(token_id)])
    assert result.exit_code == 0, result.output
    resp = client.get(f"/api/v1/events/{event.id}/stats", headers=bearer(plain))
    assert resp.status_code == 401 and resp.json["result"] == "unauthorized"


def test_token_of_deactivated_user_is_401(app, client, make_user, make_event):
    user = make_user("panitia")
    event = make_event()
    plain = make_token(app, user)
    with app.app_context():
        from auth.models import User
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert client.get(f"/api/v1/events/{event.id}/stats", headers=bearer(plain)).status_code == 401


def test_door_staff_scan_only_their_event_until_it_ends(app, client, make_user, make_event):
    staff = make_user("relawan")
    mine = make_event(starts_at=utcnow() - timedelta(hours=1))
    other = make_event()
    ended = make_event(starts_at=utcnow() - timedelta(hours=5))  # ended 2 h ago
    revoked = make_event()
    for event in (mine, ended):
        grant(app, event, staff)
    grant(app, revoked, staff, revoked=True)
    plain = make_token(app, staff)
    _r, t_mine = make_registration(app, mine)
    for event, expected in ((mine, 201), (other, 403), (ended, 403), (revoked, 403)):
        _r, token = make_registration(app, event) if event is not mine else (None, t_mine)
        resp = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(token),
                           headers=bearer(plain))
        assert resp.status_code == expected, (event.title, resp.json)
    assert client.get(f"/api/v1/events/{mine.id}/registrations?q=Siti",
                      headers=bearer(plain)).status_code == 200
    # door staff scan but may not undo
    with app.app_context():
        checkin_id = db.session.scalar(select(CheckIn.id))
    resp = client.delete(f"/api/v1/checkins/{checkin_id}", headers=bearer(plain))
    assert resp.status_code == 403
    with app.app_context():
        assert _count(CheckIn) == 1


def test_session_post_without_csrf_header_is_refused(app, make_user, make_event):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        user = make_user("panitia")
        event = make_event()
        _r, token = make_registration(app, event)
        client = app.test_client()
        page = client.get("/masuk")
        import re
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
        csrf = csrf.group(1) if csrf else re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"|name="csrf_token"[^>]*value="([^"]+)"',
            page.get_data(as_text=True)).group(1)
        client.post("/masuk", data={"identifier": user.email, "password": "rahasia-123",
                                    "csrf_token": csrf})
        url = f"/api/v1/events/{event.id}/checkins"
        refused = client.post(url, json=scan(token))
        assert refused.status_code == 403 and refused.json["result"] == "forbidden"
        ok = client.post(url, json=scan(token), headers={"X-CSRFToken": csrf})
        assert ok.status_code == 201
        plain = make_token(app, user)
        other = app.test_client()
        assert other.post(url, json=scan(token), headers=bearer(plain)).status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
