"""Authentication for the JSON API (bearer token or session cookie + CSRF header) and the one
reader of its JSON bodies (`json_body`: size and depth limits, read only after authentication)."""
from __future__ import annotations

import json
from functools import wraps

from flask import current_app, g, jsonify, request
from flask_login import current_user

from auth.tokens import lookup_token
from helpers.errors import DomainError

ENVELOPE_NULLS = {"attendee": None, "first_check_in": None}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # reads: no last-used stamp (auth/tokens.py)
MAX_ID = 2**31 - 1  # INTEGER columns; larger path ids cannot exist (and overflow SQLite)
# A scan body is ~200 bytes and 2 levels deep: anything far bigger or deeper is not a client of ours
# (and 100,000 nested "[" would exhaust the parser's recursion).
MAX_JSON_BYTES = 16 * 1024
MAX_JSON_DEPTH = 20


class BadJson(DomainError):
    """A body that is not acceptable JSON (the app answers 400 JSON)."""

    code = "bad_request"
    kind = "invalid"


def _too_deep(text: str, limit: int) -> bool:
    """True when arrays/objects nest deeper than `limit` (brackets inside strings not counted)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def json_body():
    """The request's JSON body (None when it is not JSON), read at most MAX_JSON_BYTES (413
    beyond) and refused with 400 when malformed or nested deeper than MAX_JSON_DEPTH. Call it
    only after api_login_required: an unauthenticated body is never read."""
    if not request.is_json:
        return None
    request.max_content_length = MAX_JSON_BYTES
    text = request.get_data(cache=True).decode("utf-8", errors="replace")
    if _too_deep(text, MAX_JSON_DEPTH):
        raise BadJson(f"Isi permintaan bersarang terlalu dalam (maksimal {MAX_JSON_DEPTH} tingkat).")
    try:
        return json.loads(text)
    except ValueError:
        raise BadJson("Isi permintaan bukan JSON yang valid.") from None


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
            user = (lookup_token(token.strip(), stamp=request.method not in SAFE_METHODS)
                    if scheme.lower() == "bearer" else None)
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
