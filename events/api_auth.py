"""Authentication for the JSON API: bearer token or session cookie + CSRF header."""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, jsonify, request
from flask_login import current_user

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


def api_login_required(view=None, *, scan_key=None):
    """Put the caller in g.api_user (bearer token or session) or answer 401/403 JSON.

    `scan_key(body) -> (scan_id, ticket token) or None`: for the scan endpoint, the bearer
    lookup also reads the check-in's first look (g.api_event.row, keyed by g.api_scan_key)."""
    if view is None:
        return lambda v: api_login_required(v, scan_key=scan_key)

    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization")
        if header is not None:
            from auth.tokens import lookup_token

            scheme, _, token = header.partition(" ")
            user = access = None
            if scheme.lower() == "bearer":
                # Paths with an event: the token, the event and the caller's door-staff grant
                # in one statement (api_checkin._event_or_error uses g.api_event).
                event_id = kwargs.get("event_id")
                key = scan_key(request.get_json(silent=True)) if scan_key is not None else None
                user, access = lookup_token(
                    token.strip(), event_id if event_id is not None and event_id <= MAX_ID else None,
                    with_event=event_id is not None, scan=key)
                g.api_scan_key = key
            if user is None:
                return error(401, "unauthorized",
                             "Token API tidak valid, sudah dicabut, atau akunnya nonaktif.")
            g.api_user, g.api_auth, g.api_event = user, "bearer", access
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
