"""Connection health for server databases: ping a pooled connection only after it sat idle.

SQLAlchemy's `pool_pre_ping` pings on every checkout: one extra round trip on every request,
every scan at the door included. A connection that was used a moment ago is almost always fine,
so this pings only connections that sat in the pool for DB_PING_AFTER_IDLE seconds (default 10):
after a database restart or a network cut during a quiet spell (the common case: the server is
restarted at night, or the venue's link drops between sessions) no request sees a dead
connection. If the server restarts in the middle of busy traffic, the first request on each
stale connection fails once; SQLAlchemy then invalidates the whole pool, and the door scanner
keeps a scan answered with an error in its queue and sends it again. DB_POOL_PRE_PING=1 restores
the ping on every checkout. SQLite files have no connection to lose: never pinged.
"""
from __future__ import annotations

import time

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError

from extensions import db

_IDLE_SINCE = "p2tp2a_idle_since"


def init_app(app: Flask) -> None:
    """Register the idle ping on the app's engine (server databases only)."""
    idle = float(app.config.get("DB_PING_AFTER_IDLE", 10))
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite" or app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping"):
        return

    @event.listens_for(engine.pool, "checkin")
    def _mark_idle(dbapi_connection, record):
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy):
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < idle:
            return  # new, or in use a moment ago
        cursor = None
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            dbapi_connection.rollback()
        except engine.dialect.loaded_dbapi.Error as err:
            # The pool discards this connection and checks out another (a fresh one if needed).
            raise DisconnectionError(f"koneksi basis data terputus: {err}") from err
        finally:
            if cursor is not None and not dbapi_connection.closed:
                cursor.close()
