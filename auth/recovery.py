"""Lupa kata sandi: the one owner of password-reset codes and links (issue 12, item 4).

A phone number gets a 6-digit code by WhatsApp, an email address a link, both through the
outbox (messaging.services.enqueue, in the caller's transaction). Each secret is single use,
lives RESET_TTL, allows MAX_TRIES tries and is stored only as an HMAC keyed with SECRET_KEY
(a plain SHA-256 of six digits would be reversed by trying all million). The person who asks
learns nothing about whether an account exists: the views show the same answer either way.

Services add/flush and never commit. `check_secret` charges a try in the caller's transaction:
the view commits it when the secret was wrong.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import select, update

import audit
from auth.models import PasswordReset, User
from auth.passwords import Person, WeakPassword, password_problems
from auth.services import find_by_identifier, normalize_identifier
from extensions import db
from helpers.errors import DomainError
from messaging.models import Channel
from messaging.services import Recipient, enqueue
from timeutil import utcnow

RESET_TTL = timedelta(minutes=15)
MAX_TRIES = 5
CODE_DIGITS = 6


class InvalidReset(DomainError):
    """The code or link is wrong, used, superseded, expired or out of tries: one answer for all,
    so a guesser learns nothing from it."""

    code = "reset_invalid"
    kind = "invalid"
    default = ("Kode atau tautan salah, sudah dipakai, atau sudah kedaluwarsa. Periksa pesan "
               "terbaru, atau minta kode baru.")


def secret_hash(secret: str) -> str:
    """The stored form of a code or link token: HMAC-SHA256 keyed with the app's SECRET_KEY."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"password-reset:" + secret.encode(), hashlib.sha256).hexdigest()


def channel_for(identifier: str) -> str:
    """An email address gets a link by email; anything else is read as a phone number."""
    return Channel.EMAIL.value if "@" in normalize_identifier(identifier) else Channel.WHATSAPP.value


def _retire_live_resets(user_id: int) -> None:
    """A new request or a completed reset ends every other live code or link of the account."""
    db.session.execute(
        update(PasswordReset).where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))


def request_reset(identifier: str) -> PasswordReset | None:
    """Send a code (phone) or a link (email) to the active account with this identifier.

    Returns the new reset, or None when no active account has the identifier (then nothing is
    written and nothing is sent; the caller answers the same either way)."""
    user = find_by_identifier(identifier)
    if user is None or not user.is_active:
        return None
    channel = channel_for(identifier)
    _retire_live_resets(user.id)
    if channel == Channel.WHATSAPP:
        secret = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    else:
        secret = secrets.token_urlsafe(32)
    now = utcnow()
    reset = PasswordReset(user_id=user.id, channel=channel, secret_hash=secret_hash(secret),
                          created_at=now, expires_at=now + RESET_TTL, attempts=0)
    db.session.add(reset)
    db.session.flush()
    minutes = int(RESET_TTL.total_seconds() // 60)
    if channel == Channel.WHATSAPP:
        template, context = "password_reset_code", {"code": secret, "minutes": minutes}
    else:
        link = current_app.config["BASE_URL"] + url_for("auth.reset_with_link", token=secret)
        template, context = "password_reset_link", {"link": link, "minutes": minutes}
    # Both templates are secret (messaging/texts.py): the outbox erases the code or link once
    # the message is sent or given up, and does not send it after the reset itself expired.
    enqueue(Recipient(name=user.name, phone=user.phone, email=user.email), template, context,
            cause=reset, channel=channel, expires_at=reset.expires_at)
    audit.record("password_reset_requested", user, details={"channel": channel})
    return reset


def code_reset_for(identifier: str) -> PasswordReset | None:
    """The newest code sent to the account with this phone number (live or not), or None."""
    user = find_by_identifier(identifier)
    if user is None or channel_for(identifier) != Channel.WHATSAPP:
        return None
    return db.session.scalar(
        select(PasswordReset).where(PasswordReset.user_id == user.id,
                                    PasswordReset.channel == Channel.WHATSAPP.value)
        .order_by(PasswordReset.id.desc()).limit(1))


def link_reset_for(token: str) -> PasswordReset | None:
    """The email reset whose link carries `token`, or None."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(PasswordReset).where(
        PasswordReset.secret_hash == secret_hash(token), PasswordReset.channel == Channel.EMAIL.value))


def is_live(reset: PasswordReset | None) -> bool:
    """Unused, not expired and with tries left (a read: nothing is charged)."""
    return (reset is not None and reset.used_at is None and reset.expires_at > utcnow()
            and reset.attempts < MAX_TRIES)


def check_secret(reset: PasswordReset | None, secret: str) -> PasswordReset:
    """Charge one try to `reset` and return it when `secret` is its live secret; InvalidReset
    otherwise. The try is charged in the database (compare-and-set), so parallel guesses cannot
    get more than MAX_TRIES between them."""
    if reset is None:
        raise InvalidReset()
    charged = db.session.execute(
        update(PasswordReset).where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None),
                                    PasswordReset.expires_at > utcnow(),
                                    PasswordReset.attempts < MAX_TRIES)
        .values(attempts=PasswordReset.attempts + 1).execution_options(synchronize_session=False))
    if charged.rowcount != 1 or not hmac.compare_digest(reset.secret_hash, secret_hash(secret or "")):
        raise InvalidReset()
    return reset


def complete_reset(reset: PasswordReset, new_password: str) -> User:
    """Use a checked reset: the new password (the password rule applies), every login of the
    account ends (User.set_password), every other code or link dies. WeakPassword or
    InvalidReset (already used by a parallel request) otherwise."""
    user = db.session.get(User, reset.user_id)
    problems = password_problems(new_password, Person.of(user))
    if problems:
        raise WeakPassword(fields={"password": " ".join(problems)})
    used = db.session.execute(
        update(PasswordReset).where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        raise InvalidReset()
    user.set_password(new_password)  # ends every login; clears must_change_password
    _retire_live_resets(user.id)
    audit.record("password_reset", user, user=user, details={"channel": reset.channel})
    db.session.flush()
    return user
