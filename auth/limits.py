"""Rate limits that fit a crowded hall (issue 12, item 8): the one place that says how often.

At a sosialisasi everyone signs up on the hall's Wi-Fi or behind one carrier address, so an
address alone must not decide. Failed attempts are charged to the person they name (the
account, the phone number, the NIK, the email); an address gets only a ceiling far above a hall
of 300 (sign-up, guest registration) or a spraying threshold far above one account's (login).
A request that succeeds uses up no one's allowance: those limits use `deduct_when=refused`
(the form answered without redirecting), or the view's own `g.limit_failed` flag.

Storage: Redis in production (config.ratelimit_storage_uri), so every worker shares one count.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from flask import g, request

from extensions import limiter

# Login: one account (its email and phone share a counter, auth.services.login_throttle_key)
# locks after 10 wrong passwords; an address sprays many accounts before it is stopped.
LOGIN_PER_ACCOUNT = "10 per 15 minutes; 100 per day"
LOGIN_PER_ADDRESS = "60 per 15 minutes; 500 per day"
ACCOUNT_LOCKED = ("Terlalu banyak percobaan masuk yang gagal untuk akun ini, jadi akun ini dikunci "
                  "sementara. Pulihkan akun Anda lewat \u201cLupa kata sandi\u201d, atau tunggu 15 "
                  "menit lalu coba lagi.")

# Lupa kata sandi: every request sends a message, so each counts; wrong codes count per address.
RESET_PER_ACCOUNT = "3 per 15 minutes; 10 per day"
RESET_PER_ADDRESS = "20 per 15 minutes; 100 per day"
RESET_CODE_FAILURES_PER_ADDRESS = "30 per 15 minutes"

# Sign-up and guest registration: a hall of 300 on one address never reaches the ceiling;
# a person who keeps failing with the same phone, NIK or email is slowed down.
FORM_CEILING_PER_ADDRESS = "400 per 10 minutes; 3000 per day"
FORM_FAILURES_PER_PERSON = "10 per hour"
PERSON_THROTTLED = ("Terlalu banyak percobaan yang gagal dengan data ini. Periksa kembali isian "
                    "Anda dan coba lagi dalam satu jam.")


def refused(response) -> bool:
    """A form that answered without redirecting was refused (a success always redirects), or
    the view said so itself (g.limit_failed)."""
    return bool(g.get("limit_failed")) or not (300 <= response.status_code < 400)


# relawan.views decorates its sign-up with per_person when the relawan package loads, so the
# validators are imported when a request asks, not when this module loads.
def _phone(value: str) -> str:
    from relawan.validators import InvalidPhone, normalize_phone
    try:
        return normalize_phone(value)
    except InvalidPhone:
        return value.lower()


def _email(value: str) -> str:
    from relawan.validators import InvalidEmail, normalize_email
    try:
        return normalize_email(value)
    except InvalidEmail:
        return value.lower()


def _nik(value: str) -> str:
    return re.sub(r"\s", "", value)


NORMALISERS: dict[str, Callable[[str], str]] = {"phone": _phone, "email": _email, "nik": _nik}


def _form_value(field: str) -> str:
    return (request.form.get(field) or "").strip()[:254]


def per_person(*fields: str):
    """Decorator: failed POSTs are charged to each of `fields` (phone, nik, email) as typed,
    normalised; an empty field is not charged. Plus the per-address ceiling on every POST."""
    def decorate(view):
        for field in fields:
            normalise = NORMALISERS[field]
            view = limiter.limit(
                FORM_FAILURES_PER_PERSON, methods=["POST"], deduct_when=refused,
                key_func=lambda field=field, normalise=normalise: f"{field}:{normalise(_form_value(field))}",
                exempt_when=lambda field=field: not _form_value(field),
                error_message=PERSON_THROTTLED)(view)
        return limiter.limit(FORM_CEILING_PER_ADDRESS, methods=["POST"])(view)
    return decorate
