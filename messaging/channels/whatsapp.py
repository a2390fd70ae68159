"""WhatsApp through the WhatsApp Business Cloud API (Graph API `/{phone-number-id}/messages`).

A free-text message (`type: text`) or, for a first business-initiated message, an approved
template (`type: template`, the body parameters in order). The answer's `messages[0].id` (a
`wamid.`) is kept as the provider id; delivery statuses come back through the webhook
(messaging/webhook.py). An error answer `{"error": {"message", "type", "code", "error_data":
{"details"}}}` becomes the message's reason.
"""
from __future__ import annotations

import re

import requests

from messaging.channels.base import Outgoing, SendError

TIMEOUT = (5, 20)  # connect, read (seconds); the worker waits, never a web request
# Cloud API error codes that say "later", even under HTTP 400: throttling and temporary outages.
RETRY_CODES = {1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004}


class WhatsAppChannel:
    name = "whatsapp"

    def missing(self, config) -> list[str]:
        """The phone number id and the access token must be set."""
        return [k for k in ("WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_TOKEN") if not config.get(k)]

    def send(self, message: Outgoing, config) -> str:
        """POST the message to the Cloud API; return its wamid or raise SendError."""
        url = (f"{config['WHATSAPP_API_BASE'].rstrip('/')}/{config['WHATSAPP_API_VERSION']}/"
               f"{config['WHATSAPP_PHONE_NUMBER_ID']}/messages")
        try:
            resp = requests.post(url, json=request_body(message), timeout=TIMEOUT,
                                 headers={"Authorization": f"Bearer {config['WHATSAPP_TOKEN']}"})
        except requests.RequestException as exc:
            raise SendError(f"WhatsApp tidak dapat dihubungi: {exc}") from exc
        try:
            data = resp.json()
        except ValueError:
            data = {}
        if resp.ok:
            try:
                return str(data["messages"][0]["id"])
            except (KeyError, IndexError, TypeError):
                raise SendError(f"WhatsApp {resp.status_code}: jawaban tanpa id pesan") from None
        raise error_of(resp.status_code, data)


def digits(phone: str) -> str:
    """The Cloud API's `to`: the E.164 number without '+' (e.g. 6281234567890)."""
    return re.sub(r"\D", "", phone)


def request_body(message: Outgoing) -> dict:
    """The JSON body of one send: a template message when the row has one, else free text."""
    body = {"messaging_product": "whatsapp", "recipient_type": "individual",
            "to": digits(message.recipient)}
    wa = message.wa_template
    if wa:
        params = [{"type": "text", "text": p} for p in wa.get("params", [])]
        body |= {"type": "template", "template": {
            "name": wa["name"], "language": {"code": wa.get("language", "id")},
            "components": [{"type": "body", "parameters": params}] if params else []}}
    else:
        body |= {"type": "text", "text": {"preview_url": True, "body": message.body}}
    return body


def error_of(status: int, data: dict) -> SendError:
    """The Cloud API's error body as a SendError: HTTP 429/5xx and throttling codes are retried."""
    err = data.get("error") if isinstance(data, dict) else None
    if not isinstance(err, dict):
        return SendError(f"WhatsApp {status}: jawaban tanpa keterangan galat",
                         permanent=status < 500 and status not in (408, 429))
    code = err.get("code")
    details = (err.get("error_data") or {}).get("details") if isinstance(err.get("error_data"), dict) else None
    parts = [f"WhatsApp {status}"]
    if code is not None or err.get("type"):
        parts.append(f"(kode {code}, {err.get('type', '-')})")
    reason = " ".join(parts) + f": {err.get('message', '')}" + (f" - {details}" if details else "")
    temporary = status >= 500 or status in (408, 429) or code in RETRY_CODES
    return SendError(reason.strip(), permanent=not temporary)
