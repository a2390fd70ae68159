"""The lean check-in path when PostgreSQL goes away, and what it leaves behind when it hands a
scan to the full path. PostgreSQL only (SQLite has no server connection to lose)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text

from app import create_app
from auth.models import ApiToken
from events.checkin_models import CheckIn
from extensions import db
from tests.events.test_checkin_helpers import (
    bearer,
    make_registration,
    make_token,
    scan,
)
from timeutil import utcnow


@pytest.fixture()
def pg_url(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    return url


@pytest.fixture()
def own_app(pg_url, monkeypatch):
    """An app with its own pool, answering errors as in production (no exception propagation),
    and connections never pinged (as if each had been used a moment ago)."""
    monkeypatch.setenv("LOG_APP_ACCESS", "0")
    made = create_app({"TESTING": False, "SQLALCHEMY_DATABASE_URI": pg_url,
                       "RATELIMIT_ENABLED": False, "DB_PING_AFTER_IDLE": 3600})
    yield made
    with made.app_context():
        db.engine.dispose()


def _kill_pooled(app, url, n):
    """Open n pooled connections, return them, and terminate their server processes."""
    with app.app_context():
        raws = [db.engine.raw_connection() for _ in range(n)]
        pids = []
        for raw in raws:
            cursor = raw.cursor()
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])
            cursor.close()
            raw.rollback()
        for raw in raws:
            raw.close()
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for pid in pids:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def _setup(app, make_user, make_event, n):
    plain = make_token(app, make_user("panitia"))
    event = make_event(starts_at=utcnow() - timedelta(hours=1))
    return plain, event, [make_registration(app, event)[1] for _ in range(n)]


def test_server_restart_fails_one_scan_then_every_scan_works(app, own_app, pg_url, make_user,
                                                            make_event):
    """Two stale pooled connections: the first scan fails with a JSON 500 (the scanner keeps it
    queued and resends it), the pool renews every stale connection, the next scans pass."""
    plain, event, tokens = _setup(app, make_user, make_event, 3)
    url = f"/api/v1/events/{event.id}/checkins"
    client = own_app.test_client()
    _kill_pooled(own_app, pg_url, 2)
    first = client.post(url, json=scan(tokens[0]), headers=bearer(plain))
    assert first.status_code == 500 and first.is_json and first.json["result"] == "error"
    assert [client.post(url, json=scan(t), headers=bearer(plain)).status_code
            for t in tokens] == [201, 201, 201]  # the failed one resent, then the others
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 3


def test_a_scan_handed_to_the_full_path_leaves_no_token_stamp(app, client, make_user, make_event):
    """A relawan's token without a door-staff grant gets 403 from the full path; the lean path
    looked the token up first and must not have written its last-used stamp (autocommit)."""
    _plain, event, tokens = _setup(app, make_user, make_event, 1)
    helper = make_user("relawan")
    helper_token = make_token(app, helper)
    resp = client.post(f"/api/v1/events/{event.id}/checkins", json=scan(tokens[0]),
                       headers=bearer(helper_token))
    assert resp.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)
                                 .where(ApiToken.user_id == helper.id)) is None
