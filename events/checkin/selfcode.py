"""Self check-in by a rotating QR (issue 13.4): the projector's code and who may use it.

The projector page (events/views/selfcheckin.py) shows a QR holding `{BASE_URL}/hadir/<event_id>/<code>`
that changes every SLOT_SECONDS. `code_for(event_id, slot)` is THE code: an HMAC-SHA256 of the
event id and the time slot (floor(unix time / 20 s)) under a key derived from SECRET_KEY,
truncated to 96 bits, URL-safe. `verify` accepts the code of the current slot and of the one
before (a phone that read the code just before it changed), never older: a screenshot shared
later, or another event's code, is refused.

Between reading the code (GET, which never writes) and pressing "Saya hadir" (POST) a person may
take longer than a slot, so the GET hands out a confirmation bound to the event, the person's
account and the slot (`confirmation_for`), valid for CONFIRM_SLOTS slots; another account cannot
use it. `check_in_self` decides who may check themselves in (a logged-in relawan with a confirmed
registration for the event) and records it through the one `record_scan` with method `self`.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from events.checkin.service import ScanOutcome, new_scan_id, record_scan
from events.models import Event, EventStatus, Registration, RegistrationStatus
from extensions import db
from helpers.errors import DomainError
from relawan.models import Relawan
from timeutil import utcnow

SLOT_SECONDS = 20
CONFIRM_SLOTS = 6  # the "Saya hadir" button works for two minutes after the code was read
_EPOCH = datetime(1970, 1, 1)


class SelfCheckInRefused(DomainError):
    """A self check-in that is not allowed: nothing was written."""

    code = "self_checkin_refused"
    kind = "forbidden"
    default = "Check-in mandiri tidak dapat dilakukan."


class CodeExpired(SelfCheckInRefused):
    code = "self_code_invalid"
    kind = "invalid"
    default = ("Kode QR ini sudah kedaluwarsa atau bukan untuk kegiatan ini. Pindai lagi kode QR "
               "yang sedang tampil di layar.")


def slot_of(now: datetime) -> int:
    """The time slot of `now` (naive UTC): floor(unix seconds / SLOT_SECONDS)."""
    return int((now - _EPOCH).total_seconds() // SLOT_SECONDS)


def seconds_left(now: datetime) -> float:
    """Seconds until the slot of `now` ends (when the projector shows the next code)."""
    return SLOT_SECONDS - (now - _EPOCH).total_seconds() % SLOT_SECONDS


def _key() -> bytes:
    """A key for this purpose only, derived from SECRET_KEY."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"p2tp2a/self-checkin/v1",
                    hashlib.sha256).digest()


def _mac(message: str) -> str:
    digest = hmac.new(_key(), message.encode(), hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def code_for(event_id: int, slot: int) -> str:
    """The rotating code of `event_id` in `slot` (16 URL-safe characters, 96 bits)."""
    return _mac(f"code:{event_id}:{slot}")


def verify(event_id: int, code: str, now: datetime) -> bool:
    """True when `code` is the code of `event_id` in the slot of `now` or the one before."""
    current = slot_of(now)
    return any(hmac.compare_digest(code_for(event_id, slot), code or "")
               for slot in (current, current - 1))


def url_for_slot(event_id: int, slot: int) -> str:
    """The URL the projector's QR holds: {BASE_URL}/hadir/<event_id>/<code>."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/hadir/{event_id}/{code_for(event_id, slot)}"


def confirmation_for(event_id: int, user_id: int, slot: int) -> str:
    """The token of the "Saya hadir" form: this event, this account, the slot the code was read."""
    return _mac(f"confirm:{event_id}:{user_id}:{slot}")


def _confirmation_ok(event_id: int, user_id: int, slot: int, token: str, now: datetime) -> bool:
    if not 0 <= slot_of(now) - slot <= CONFIRM_SLOTS:
        return False
    return hmac.compare_digest(confirmation_for(event_id, user_id, slot), token or "")


def registration_for_self(event: Event, user) -> Registration:
    """The user's confirmed registration for `event`, or SelfCheckInRefused saying why not.
    Only logged-in relawan check themselves in; a guest without an account is checked in by
    panitia at the door."""
    if event.status == EventStatus.CANCELLED:
        raise SelfCheckInRefused("Kegiatan ini dibatalkan.")
    relawan_id = db.session.scalar(select(Relawan.id).where(Relawan.user_id == user.id))
    if relawan_id is None:
        raise SelfCheckInRefused("Check-in mandiri hanya untuk relawan yang terdaftar di kegiatan "
                                 "ini. Akun Anda tidak terhubung dengan data relawan.")
    reg = db.session.scalar(select(Registration).where(Registration.event_id == event.id,
                                                       Registration.relawan_id == relawan_id))
    if reg is None:
        raise SelfCheckInRefused("Anda tidak terdaftar di kegiatan ini. Silakan ke meja panitia.")
    if reg.status == RegistrationStatus.CANCELLED:
        raise SelfCheckInRefused("Pendaftaran Anda untuk kegiatan ini sudah dibatalkan. "
                                 "Silakan ke meja panitia.")
    if reg.status == RegistrationStatus.WAITLISTED:
        raise SelfCheckInRefused("Anda masih di daftar tunggu dan belum mendapat kursi di kegiatan "
                                 "ini. Silakan ke meja panitia.")
    return reg


def open_code(event: Event, code: str, user, now: datetime | None = None) -> tuple[Registration, int]:
    """For the page a scanned code opens (reads only): the user's registration and the slot
    to confirm in. Raises CodeExpired or SelfCheckInRefused."""
    now = now or utcnow()
    if not verify(event.id, code, now):
        raise CodeExpired()
    return registration_for_self(event, user), slot_of(now)


def check_in_self(event: Event, user, *, slot: int, confirmation: str,
                  now: datetime | None = None) -> ScanOutcome:
    """Check the user in to `event` (method `self`) after "Saya hadir". Adds and flushes; the
    caller commits. The window and "already checked in" are record_scan's answers."""
    now = now or utcnow()
    if not _confirmation_ok(event.id, user.id, slot, confirmation, now):
        raise CodeExpired()
    reg = registration_for_self(event, user)
    return record_scan(event, reg.token, by_user=user, scan_id=new_scan_id(), method="self",
                       device="HP peserta")
