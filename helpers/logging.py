"""Structured logs: one JSON object per line, carrying the request id.

Every record written through the standard `logging` module (the app's, SQLAlchemy's,
gunicorn's error log) leaves as a JSON line with `ts`, `level`, `logger`, `msg` and, inside a
request, `request_id`, `method`, `path` and `user_id`. One access line per request comes from
`log_request()` (logger `access`), so the same request id links nginx's log, gunicorn's access
log and the application's own lines. Set LOG_FORMAT=text for the plain format while developing.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import traceback
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from sqlalchemy import inspect as sa_inspect

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_STD_ATTRS = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime"}
_CONFIGURED_FLAG = "_p2tp2a_logging"


def new_request_id(incoming: str | None) -> str:
    """Keep a well-formed X-Request-ID from the proxy; otherwise make one (no log injection)."""
    if incoming and _REQUEST_ID_RE.match(incoming):
        return incoming
    return os.urandom(8).hex()


class RequestContextFilter(logging.Filter):
    """Attach the request id (and method, path, user) to records made inside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id", "-")
            record.method = request.method
            record.path = request.path
            record.user_id = g.get("log_user_id") or loaded_user_id()
        return True


def loaded_user_id() -> str | None:
    """The id of the caller if already known (bearer token, or the session user Flask-Login
    has loaded), read without touching the database: a log call must never run a query (the
    ORM object may be expired after a commit, or its session failed: the very error being
    logged)."""
    user = g.get("api_user") or g.get("_login_user")  # _login_user: Flask-Login's cache
    if user is None:
        return None
    try:
        state = sa_inspect(user, raiseerr=False)
        if state is not None:  # an ORM object: its identity key, no refresh
            return str(state.identity[0]) if state.identity else None
        user_id = getattr(user, "id", None)  # a TokenUser; the anonymous user has none
        return str(user_id) if user_id is not None else None
    except Exception:  # noqa: BLE001 - logging must never fail
        return None


def app_access_log(app: Flask) -> bool:
    """Does the app write its own access line (not while testing; not when gunicorn does)?"""
    return bool(app.config.get("LOG_ACCESS_IN_TESTS")) or (
        not app.config.get("TESTING") and os.environ.get("LOG_APP_ACCESS", "1") != "0")


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON line; never includes request bodies or passwords."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "pid": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STD_ATTRS and not key.startswith("_"):
                out[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info:
            # The traceback stays in the server log only; error pages never show it.
            out["exc"] = "".join(traceback.format_exception(*record.exc_info))[-8000:]
        return json.dumps(out, ensure_ascii=False)


def configure_logging(fmt: str | None = None, level: str | None = None) -> None:
    """Point the root logger at stderr with the JSON (or text) formatter; safe to call twice."""
    fmt = (fmt or os.environ.get("LOG_FORMAT", "json")).lower()
    level = (level or os.environ.get("LOG_LEVEL", "INFO")).upper()
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, _CONFIGURED_FLAG, False)), None)
    if handler is None:
        # Replace the plain handler app.py's basicConfig installed.
        for h in list(root.handlers):
            if isinstance(h, logging.StreamHandler) and getattr(h, "stream", None) in (sys.stderr, sys.stdout):
                root.removeHandler(h)
        handler = logging.StreamHandler(sys.stderr)
        setattr(handler, _CONFIGURED_FLAG, True)
        handler.addFilter(RequestContextFilter())
        root.addHandler(handler)
    if fmt == "text":
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s", defaults={"request_id": "-"}))
    else:
        handler.setFormatter(JsonFormatter())
    root.setLevel(level)
    # Import-time chatter from Flask-Migrate's alembic plugins on every worker start.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    """Install the formatter and one `access` line per request (skipped while TESTING, and
    under gunicorn when gunicorn writes the access log: LOG_APP_ACCESS=0). The request's start
    time is taken in helpers/security.py's before-request hook."""
    configure_logging()
    access = logging.getLogger("access")

    @app.after_request
    def _log_request(response):
        if not app_access_log(app):
            return response  # user ids for other log lines come from loaded_user_id()
        api_user = g.get("api_user")
        if api_user is not None and g.get("api_auth") == "bearer":
            # A bearer API request has no session: do not make Flask-Login load one.
            g.log_user_id = str(api_user.id)
        else:
            try:
                from flask_login import current_user
                # The user id only: get_id() also carries the login's session key (auth.sessions).
                g.log_user_id = loaded_user_id() if current_user.is_authenticated else None
            except Exception:  # noqa: BLE001 - logging must never break a response
                g.log_user_id = None
        started = g.get("log_started")
        ms = round((time.perf_counter() - started) * 1000, 1) if started else None
        access.info("%s %s %s", request.method, request.path, response.status_code,
                    extra={"status": response.status_code, "duration_ms": ms,
                           "remote_addr": request.remote_addr,
                           "bytes": response.calculate_content_length()})
        return response
