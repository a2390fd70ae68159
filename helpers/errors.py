"""The one shape of a domain error: a machine code and an Indonesian message.

Services raise a subclass of DomainError when a rule says no (an event is full, a status change
is not allowed, a scan is outside the window). They know nothing of HTTP: the web layer maps an
error's `kind` to a status once (`STATUS_OF_KIND`, used by the app-wide handler in app.py for
both the HTML page and the JSON answer under /api/). A view that wants a friendlier answer
(flash and redirect, a field message) catches the error itself and reads `.message`/`.fields`.

    class EventFull(DomainError):
        code = "event_full"
        kind = "conflict"
        default = "Kuota kegiatan sudah penuh."
"""
from __future__ import annotations

# What kind of "no" an error is; the web layer's single mapping to HTTP.
STATUS_OF_KIND = {"invalid": 400, "forbidden": 403, "not_found": 404, "conflict": 409}


class DomainError(Exception):
    """A rule said no. `.code` names the outcome, `.message` says it in Indonesian, `.fields`
    maps a form field to its own message where the error belongs to fields."""

    code = "domain_error"
    kind = "conflict"
    default = "Permintaan tidak dapat diproses."

    def __init__(self, message: str | None = None, *, fields: dict[str, str] | None = None,
                 code: str | None = None):
        self.fields = dict(fields or {})
        self.message = message or (" ".join(self.fields.values()) if self.fields else self.default)
        if code is not None:
            self.code = code
        super().__init__(self.message)

    @property
    def http_status(self) -> int:
        """The status this error answers with on the web (one mapping, STATUS_OF_KIND)."""
        return STATUS_OF_KIND.get(self.kind, 409)

    def as_json(self) -> dict:
        """The JSON body of the API's error envelope."""
        body = {"result": self.code, "message": self.message, "attendee": None,
                "first_check_in": None}
        if self.fields:
            body["fields"] = self.fields
        return body
