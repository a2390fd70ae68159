"""Application factory for the P2TP2A Kota Serang relawan & event manager."""
from __future__ import annotations

import logging
import os

from flask import Flask, jsonify, render_template, request, send_from_directory
from sqlalchemy import event as sa_event
from sqlalchemy import text
from sqlalchemy.engine import Engine

from config import build_config
from extensions import cache, compress, csrf, db, limiter, login_manager, migrate, redis_status
from helpers.errors import DomainError
from helpers.forms import (
    BadQueryString,
    BoundedIntConverter,
    PlainTextConverter,
    reject_bad_query_string,
)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, CLI, error pages."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(build_config(app.instance_path))
    if test_config:
        app.config.update(test_config)

    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_pages(app)
    register_cli(app)
    register_hooks(app)
    return app


def register_extensions(app: Flask) -> None:
    import models  # noqa: F401  (every model registered on the metadata)

    db.init_app(app)
    from helpers import dbpool

    dbpool.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "migrations"),
                     render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk terlebih dahulu."
    login_manager.login_message_category = "warning"
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    compress.init_app(app)
    if app.config.get("BEHIND_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


def register_blueprints(app: Flask) -> None:
    from auth import bp as auth_bp
    from cases import bp as cases_bp
    from events import bp as events_bp
    from events.api import bp as api_bp
    from messaging import bp as messaging_bp
    from ops import bp as ops_bp
    from ops.letterhead_views import bp as letterhead_bp
    from relawan import bp as relawan_bp
    from reports import bp as reports_bp
    from surveys import bp as surveys_bp

    # Before any rule is added: every <name> in a route refuses control characters.
    app.url_map.converters["default"] = app.url_map.converters["string"] = PlainTextConverter
    # ...and every <int:id> is bounded to the database's integer range (404 above it, not 500).
    app.url_map.converters["int"] = BoundedIntConverter

    app.register_blueprint(auth_bp)
    app.register_blueprint(relawan_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(reports_bp)
    app.register_blueprint(ops_bp)  # privacy/retention admin pages (issue 6)
    app.register_blueprint(letterhead_bp)  # the kop emblem and signatories page (issue 14.2)
    app.register_blueprint(messaging_bp)  # the outbox page and the WhatsApp webhook (issue 12)
    app.register_blueprint(cases_bp)  # the yearly case statistics (issue 15.5)
    app.register_blueprint(surveys_bp)  # pre-test/post-test and feedback questionnaires (issue 15.2)

    @app.get("/sw.js")
    def service_worker():
        """The offline service worker, served at the site root so its scope is the whole site."""
        response = send_from_directory(app.static_folder, "js/sw.js",
                                       mimetype="application/javascript", max_age=0)
        response.headers["Cache-Control"] = "no-cache"
        response.headers["Service-Worker-Allowed"] = "/"
        return response

    @app.get("/healthz")
    def healthz():
        """Liveness, database and Redis status as JSON (a Redis outage degrades, it does not fail)."""
        try:
            db.session.execute(text("SELECT 1"))
            db_ok = True
        except Exception:  # noqa: BLE001 - any DB failure means unhealthy
            db.session.rollback()
            db_ok = False
        body = {"status": "ok" if db_ok else "error", "database": "ok" if db_ok else "error",
                "dialect": db.engine.dialect.name, "redis": redis_status()}
        return jsonify(body), 200 if db_ok else 503


def register_template_helpers(app: Flask) -> None:
    from helpers import template_helpers

    template_helpers.init_app(app)


# The `result` of an error answer under /api/, as the API's own errors name it (events/openapi.py).
API_RESULTS = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found"}


def register_error_pages(app: Flask) -> None:
    """Indonesian error pages (JSON under /api/), never a stack trace."""
    messages = {
        400: "Permintaan tidak valid. Periksa kembali isian Anda.",
        401: "Anda perlu masuk terlebih dahulu.",
        403: "Anda tidak memiliki akses ke halaman ini.",
        404: "Halaman tidak ditemukan.",
        405: "Metode tidak diizinkan.",
        413: "Berkas terlalu besar.",
        429: "Terlalu banyak percobaan. Silakan tunggu sebentar lalu coba lagi.",
        500: "Terjadi kesalahan pada server. Kejadian ini sudah dicatat; silakan coba lagi nanti.",
    }

    def handler(code):
        def handle(err):
            if code == 500:
                db.session.rollback()  # Flask has already logged the traceback
            if code == 429 and getattr(err, "response", None) is not None:
                return err.response  # a limit's own page (on_breach, e.g. auth.views._account_locked)
            message = messages[code]
            if code == 400 and getattr(err, "description", "") and "CSRF" in str(err.description):
                message = "Sesi formulir kedaluwarsa atau tidak valid. Muat ulang halaman lalu coba lagi."
            elif isinstance(err, BadQueryString):
                message = err.description
            elif code == 429 and getattr(getattr(err, "limit", None), "error_message", None):
                message = err.description  # a limit's own Indonesian message (auth.views.login)
            if request.path.startswith("/api/"):
                return jsonify({"result": API_RESULTS.get(code, "error"), "message": message,
                                "attendee": None, "first_check_in": None}), code
            return render_template("errors/error.html", code=code, message=message), code
        return handle

    for code in messages:
        app.register_error_handler(code, handler(code))

    @app.errorhandler(DomainError)
    def domain_error(err: DomainError):
        """A rule's "no" that no view caught: its message, as JSON under /api/ or as a page."""
        db.session.rollback()
        if request.path.startswith("/api/"):
            return jsonify(err.as_json()), err.http_status
        return render_template("errors/error.html", code=err.http_status,
                               message=err.message), err.http_status


def register_cli(app: Flask) -> None:
    from cli import register

    register(app)


# Pages the service worker may keep for offline use (static/js/sw.js caches only responses
# that carry X-Offline-Cache: 1): the door scanner, the door desk and a person's ticket.
OFFLINE_ENDPOINTS = {"events.scanner", "events.door_desk", "events.ticket"}


def register_hooks(app: Flask) -> None:
    from helpers import security

    security.init_app(app)

    @app.before_request
    def refuse_bad_query_string():
        if request.query_string:  # a scan at the door has none: no cost there
            reject_bad_query_string(request.args)

    @app.after_request
    def mark_offline_pages(response):
        if (request.endpoint in OFFLINE_ENDPOINTS and response.status_code == 200
                and response.mimetype == "text/html"):
            response.headers["X-Offline-Cache"] = "1"
        return response


_SQLITE_SYNC = "FULL" if os.environ.get("SQLITE_SYNCHRONOUS", "").upper() == "FULL" else "NORMAL"


@sa_event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, WAL for concurrent readers, wait on locks instead of failing."""
    module = type(dbapi_connection).__module__
    if "sqlite" not in module:
        return
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    # synchronous=NORMAL in WAL mode: a committed transaction survives a crash or SIGKILL of
    # the application (the WAL is in the OS page cache); only an OS crash or power loss can
    # lose the last commits. FULL would fsync on every commit at the door; set
    # SQLITE_SYNCHRONOUS=FULL where power is unreliable. PostgreSQL is the production choice.
    cur.execute(f"PRAGMA synchronous={_SQLITE_SYNC}")
    cur.execute("PRAGMA busy_timeout=15000")
    # 64 MB page cache per connection: report aggregates over 1M check-ins stay in memory.
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
