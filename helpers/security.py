"""Security headers on every response, the request id, and structured logging.

The CSP forbids inline scripts and styles: JavaScript lives in static/js and CSS in static/css.
`'wasm-unsafe-eval'` lets the vendored QR decoder (zxing-wasm) compile its WebAssembly, and
`worker-src 'self' blob:` lets a scanner library start its worker from a blob URL.
HSTS is sent only over HTTPS (behind a proxy that needs BEHIND_PROXY=1 so ProxyFix trusts
X-Forwarded-Proto); sending it over plain http would be ignored by browsers anyway.
"""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import Flask, g, request

from helpers import logging as app_logging

CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; "
       "style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
       "media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")

# The scanner needs the camera on our own origin; nothing needs the rest.
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000; includeSubDomains"


# Headers every response gets (set over what a view set) and defaults a view may override.
# Applied in one pass per response: this hook runs on every scan at the door.
_ALWAYS = (("X-Content-Type-Options", "nosniff"),
           ("Referrer-Policy", "strict-origin-when-cross-origin"),
           ("X-Frame-Options", "DENY"))
_DEFAULTS = (("Content-Security-Policy", CSP),
             ("Permissions-Policy", PERMISSIONS_POLICY),
             ("Cross-Origin-Opener-Policy", "same-origin"))


def init_app(app: Flask) -> None:
    """Register the request-id and header hooks, and JSON logging."""

    @app.before_request
    def assign_request_id():
        g.request_id = app_logging.new_request_id(request.headers.get("X-Request-ID"))
        if app_logging.app_access_log(app):
            g.log_started = time.perf_counter()

    @app.after_request
    def set_headers(response):
        headers = response.headers
        present = {key.lower() for key, _value in headers}
        for key, value in _ALWAYS:
            if key.lower() in present:
                headers[key] = value
            else:
                headers.add(key, value)
        for key, value in _DEFAULTS:
            if key.lower() not in present:
                headers.add(key, value)
        headers["X-Request-ID"] = g.get("request_id") or app_logging.new_request_id(None)
        if request.is_secure:
            headers["Strict-Transport-Security"] = HSTS
        if "cache-control" not in present and _is_private(response):
            # Pages with personal data must not stay in a shared phone's or a proxy's cache.
            headers["Cache-Control"] = "private, no-store"
        return response

    app_logging.init_app(app)


def _is_private(response) -> bool:
    """True for dynamic responses to a logged-in user (the caller checked that the response set
    no caching policy itself)."""
    if request.endpoint == "static":
        return False
    if g.get("api_auth") == "bearer":
        return True  # an API answer to a token holder (names of attendees): no Flask-Login needed
    try:
        from flask_login import current_user
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # noqa: BLE001 - outside a login context nothing is private
        return False


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site ("/kegiatan/3?x=1"), else None.

    Refused: other sites ("https://x", "//x", "/\\x", which browsers read as "//x"), anything
    not starting with "/", and control characters (a CR/LF would break the Location header).
    Every redirect to a user-supplied `next` asks this.
    """
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
