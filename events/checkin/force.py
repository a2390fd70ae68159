"""The reason of a check-in forced outside the window (issue 13.1): one rule for every caller.

Panitia and admin may record a check-in outside the event's check-in window (access.can_force)
when they give a reason; `record_scan(..., force_reason=...)` keeps it on the CheckIn and in the
audit log (`checkin_forced`). The scanner API (the `reason` of a JSON body), the door desk's
confirm form and the one-tap ticket page's confirm form all read the typed reason through
`force_reason`, so the three answer a missing, too long or garbled reason with the same message.
"""
from __future__ import annotations

from helpers.errors import DomainError
from helpers.forms import BAD_CHARS

MAX_REASON_LENGTH = 300


class BadForceReason(DomainError):
    """A forced check-in's reason that breaks the rule: refused before anything is recorded."""

    code = "bad_request"
    kind = "invalid"


def force_reason(value, *, field: str | None = None, required: bool = True) -> str | None:
    """The trimmed reason, or None when it is empty and not `required`; raises BadForceReason.
    `field` names the JSON field in the API's messages ("Kolom 'reason' ..."); a form's
    messages say "Alasan"."""
    label = f"Kolom '{field}'" if field else "Alasan"
    if value is not None and not isinstance(value, str):
        raise BadForceReason(f"{label} harus berupa teks.")
    value = (value or "").strip()
    if len(value) > MAX_REASON_LENGTH:
        raise BadForceReason(f"{label} terlalu panjang (maksimal {MAX_REASON_LENGTH} karakter).")
    if BAD_CHARS.search(value):  # PostgreSQL refuses NUL in text
        raise BadForceReason(f"{label} mengandung karakter yang tidak valid.")
    if not value and required:
        where = f" (kolom '{field}')" if field else ""
        raise BadForceReason(f"Check-in di luar jendela waktu wajib disertai alasan{where}.")
    return value or None
