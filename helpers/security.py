"""Security headers on every response, the request id, and structured logging.

The CSP forbids inline scripts and styles: JavaScript lives in static/js and CSS in static/css.
`'wasm-unsafe-eval'` lets the vendored QR decoder (zxing-wasm) compile its WebAssembly, and
`worker-src 'self' blob:` lets a scanner library start its worker from a blob URL.
HSTS is sent only over HTTPS (behind a proxy that needs BEHIND_PROXY=1 so ProxyFix trusts
X-Forwarded-Proto); sending it over plain http would be ignored by browsers anyway.
"""
from __future__ import annotations

from flask import Flask, g, request

from helpers import logging as app_logging

CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; "
       "style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
       "media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")

# The scanner needs the camera on our own origin; nothing needs the rest.
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    """Register the request-id and header hooks, and JSON logging."""

    @app.before_request
    def assign_request_id():
        g.request_id = app_logging.new_request_id(request.headers.get("X-Request-ID"))

    @app.after_request
    def set_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["X-Frame-Options"] = "DENY"
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers["X-Request-ID"] = g.get("request_id") or app_logging.new_request_id(None)
        if request.is_secure:
            headers["Strict-Transport-Security"] = HSTS
        if _is_private(response):
            # Pages with personal data must not stay in a shared phone's or a proxy's cache.
            headers["Cache-Control"] = "private, no-store"
        return response

    app_logging.init_app(app)


def _is_private(response) -> bool:
    """True for dynamic responses to a logged-in user that set no caching policy themselves."""
    if request.endpoint == "static" or "Cache-Control" in response.headers:
        return False
    if g.get("api_auth") == "bearer":
        return True  # an API answer to a token holder (names of attendees): no Flask-Login needed
    try:
        from flask_login import current_user
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # noqa: BLE001 - outside a login context nothing is private
        return False
