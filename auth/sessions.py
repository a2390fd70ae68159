"""Server-side login sessions: each login is a UserSession row that can be revoked.

Flask-Login keeps only `User.get_id()` in the signed session cookie and in the remember cookie
(its "alternative tokens"): here that is "<user id>:<session key>", and the user loader accepts
it only while the key's row is live. So logout ends that login for good (a copied session or
remember cookie stops working), a password change (`User.set_password`) or a deactivation ends
every login of the account, and no login outlives REMEMBER_COOKIE_DURATION.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, or_, select, update

from auth.models import User, UserSession
from extensions import db, login_manager
from timeutil import utcnow


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def lifetime() -> timedelta:
    """The longest a login lives (the remember cookie's lifetime, 30 days unless configured)."""
    return current_app.config["REMEMBER_COOKIE_DURATION"]


def start_session(user: User, *, remember: bool = False) -> None:
    """Open a new login for `user` in this browser (after the password was checked)."""
    now = utcnow()
    # The account's dead rows go here, on a login (a POST), so the table stays small.
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id,
        or_(UserSession.revoked_at.is_not(None), UserSession.created_at < now - lifetime())))
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, key_hash=_hash(key), remember=remember, created_at=now))
    db.session.flush()
    user.session_key = key
    login_user(user, remember=remember)


def renew_session(user: User) -> None:
    """After `User.set_password` revoked every login of the account: a fresh one for this
    browser, remembered if the old one was, so no cookie copied before the change still works."""
    remember = bool(db.session.scalar(select(UserSession.remember).where(
        UserSession.key_hash == _hash(user.session_key or ""))))
    start_session(user, remember=remember)


def end_session() -> None:
    """Logout: this login's row is revoked, then Flask-Login clears the cookies."""
    key = getattr(current_user, "session_key", None)
    if key:
        db.session.execute(update(UserSession).where(UserSession.key_hash == _hash(key))
                           .values(revoked_at=utcnow()).execution_options(synchronize_session=False))
    logout_user()


@login_manager.user_loader
def load_user(alternative_id: str) -> User | None:
    """The user of a live login of an active account, or None (Flask-Login then logs out)."""
    user_id, _, key = alternative_id.partition(":")
    if not user_id.isdigit() or len(user_id) > 18 or not key:
        return None
    user = db.session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(User.id == int(user_id), User.active.is_(True), UserSession.key_hash == _hash(key),
               UserSession.revoked_at.is_(None), UserSession.created_at > utcnow() - lifetime()))
    if user is not None:
        user.session_key = key
    return user
