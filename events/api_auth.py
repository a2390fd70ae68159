"""Authentication for the JSON API: bearer token or session cookie + CSRF header."""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, jsonify, request
from flask_login import current_user

from auth.tokens import lookup_token

ENVELOPE_NULLS = {"attendee": None, "first_check_in": None}
MAX_ID = 2**31 - 1  # INTEGER columns; larger path ids cannot exist (and overflow SQLite)


def error(status: int, result: str, message: str):
    """A JSON error in the same envelope as every check-in answer."""
    return jsonify({"result": result, "message": message, **ENVELOPE_NULLS}), status


def _session_user():
    if not current_user.is_authenticated:
        return None
    return current_user._get_current_object()


def _csrf_ok() -> bool:
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    token = request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token")
    try:
        validate_csrf(token)
    except ValidationError:
        return False
    return True


def api_login_required(view):
    """Put the caller in g.api_user (bearer token or session) or answer 401/403 JSON."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization")
        if header is not None:
            scheme, _, token = header.partition(" ")
            user = lookup_token(token.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                return error(401, "unauthorized",
                             "Token API tidak valid, sudah dicabut, atau akunnya nonaktif.")
            g.api_user, g.api_auth = user, "bearer"
        else:
            user = _session_user()
            if user is None:
                return error(401, "unauthorized", "Anda perlu masuk terlebih dahulu.")
            if request.method not in ("GET", "HEAD", "OPTIONS") and not _csrf_ok():
                return error(403, "forbidden", "Sesi formulir kedaluwarsa atau token CSRF tidak "
                                               "valid. Muat ulang halaman lalu coba lagi.")
            g.api_user, g.api_auth = user, "session"
        return view(*args, **kwargs)
    return wrapped
