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
