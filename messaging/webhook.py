"""The WhatsApp Cloud API webhook: delivery statuses (sent, delivered, read, failed) by wamid.

GET is Meta's subscription handshake (hub.mode=subscribe, hub.verify_token must equal
WHATSAPP_VERIFY_TOKEN, answer hub.challenge). POST carries
`{"entry": [{"changes": [{"value": {"statuses": [{"id", "status", "timestamp", "errors"}]}}]}]}`
signed with X-Hub-Signature-256 = "sha256=" + HMAC-SHA256(WHATSAPP_APP_SECRET, raw body).
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from flask import abort, current_app, request

from extensions import csrf, db
from messaging import bp, services


def signature_ok(body: bytes, header: str | None) -> bool:
    """True when `header` is the HMAC-SHA256 of `body` with the app secret (constant time)."""
    secret = current_app.config.get("WHATSAPP_APP_SECRET")
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


@bp.get("/webhooks/whatsapp")
def whatsapp_verify():
    """Meta's verification handshake: echo hub.challenge when the verify token matches."""
    token = current_app.config.get("WHATSAPP_VERIFY_TOKEN")
    if (not token or request.args.get("hub.mode") != "subscribe"
            or not hmac.compare_digest(request.args.get("hub.verify_token", ""), token)):
        abort(403)
    return request.args.get("hub.challenge", ""), 200, {"Content-Type": "text/plain"}


@bp.post("/webhooks/whatsapp")
@csrf.exempt
def whatsapp_statuses():
    """Record the delivery statuses of a signed notification; other notifications are ignored."""
    if not signature_ok(request.get_data(cache=True), request.headers.get("X-Hub-Signature-256")):
        abort(403)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(400)
    for status in statuses_of(payload):
        services.record_delivery_status(status["id"], status["status"], status["at"],
                                        status["error"])
    db.session.commit()
    return {"result": "ok"}


def statuses_of(payload: dict) -> list[dict]:
    """The well-formed status entries of a webhook notification."""
    found = []
    for entry in _list(payload.get("entry")):
        for change in _list(entry.get("changes") if isinstance(entry, dict) else None):
            value = change.get("value") if isinstance(change, dict) else None
            for st in _list(value.get("statuses") if isinstance(value, dict) else None):
                if not isinstance(st, dict) or not isinstance(st.get("id"), str):
                    continue
                found.append({"id": st["id"][:128], "status": str(st.get("status", "")),
                              "at": _timestamp(st.get("timestamp")), "error": _error(st)})
    return found


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _timestamp(raw) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(raw), tz=UTC).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _error(status: dict) -> str | None:
    errors = [e for e in _list(status.get("errors")) if isinstance(e, dict)]
    if not errors:
        return None
    e = errors[0]
    details = e.get("error_data", {}).get("details") if isinstance(e.get("error_data"), dict) else None
    text = f"WhatsApp (kode {e.get('code')}): {e.get('title') or e.get('message') or ''}"
    return (text + (f" - {details}" if details else ""))[:2000]
