"""Connection health on PostgreSQL (helpers/dbpool.py): a connection the server dropped while
it sat idle in the pool is replaced before a request uses it; one dropped while busy fails one
request, after which the pool recovers."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from app import create_app
from extensions import db


@pytest.fixture()
def pg_app(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("server databases only (SQLite has no connection to lose)")

    def make(idle: float):
        return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                           "RATELIMIT_ENABLED": False, "DB_PING_AFTER_IDLE": idle})
    return make


def _pooled_backend_pid(app) -> int:
    with app.app_context():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.remove()  # the connection goes back to the pool
    return pid


def _terminate(app, pid: int) -> None:
    admin = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}) is True
    admin.dispose()


def test_idle_connection_dropped_by_the_server_is_replaced(pg_app):
    app = pg_app(idle=0)  # every connection counts as idle: pinged at checkout
    pid = _pooled_backend_pid(app)
    _terminate(app, pid)
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 200 and resp.json["database"] == "ok"
    assert _pooled_backend_pid(app) != pid  # a new server connection took its place
    with app.app_context():
        db.engine.dispose()


def test_busy_connection_dropped_fails_once_then_the_pool_recovers(pg_app):
    app = pg_app(idle=3600)  # used a moment ago: not pinged
    pid = _pooled_backend_pid(app)
    _terminate(app, pid)
    client = app.test_client()
    assert client.get("/healthz").status_code == 503  # the one request on the dead connection
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.json["database"] == "ok"
    with app.app_context():
        db.engine.dispose()


def test_server_restart_fails_one_scan_then_every_scan_works(app, pg_app, make_user, make_event):
    """Two pooled connections whose server processes died: the first scan fails with a JSON 500
    (the scanner keeps it queued and resends it), SQLAlchemy renews every connection of the
    pool, and the next scans pass."""
    from datetime import timedelta

    from tests.events.test_checkin_helpers import bearer, make_registration, make_token, scan
    from timeutil import utcnow

    plain = make_token(app, make_user("panitia"))
    event = make_event(starts_at=utcnow() - timedelta(hours=1))
    tokens = [make_registration(app, event)[1] for _ in range(3)]
    own = pg_app(idle=3600)  # connections used a moment ago: not pinged
    own.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    with own.app_context():
        raws = [db.engine.raw_connection() for _ in range(2)]
        pids = []
        for raw in raws:
            cursor = raw.cursor()
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])
            cursor.close()
            raw.rollback()
        for raw in raws:
            raw.close()
    for pid in pids:
        _terminate(own, pid)
    client = own.test_client()
    url = f"/api/v1/events/{event.id}/checkins"
    first = client.post(url, json=scan(tokens[0]), headers=bearer(plain))
    assert first.status_code == 500 and first.is_json and first.json["result"] == "error"
    assert [client.post(url, json=scan(t), headers=bearer(plain)).status_code
            for t in tokens] == [201, 201, 201]  # the failed one resent, then the others
    with app.app_context():
        assert db.session.scalar(text("SELECT COUNT(*) FROM check_in")) == 3
    with own.app_context():
        db.engine.dispose()
