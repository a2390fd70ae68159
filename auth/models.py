"""User accounts, API tokens and the audit log."""
from __future__ import annotations

import enum
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, false, update
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db
from helpers import labels
from timeutil import utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    PANITIA = "panitia"
    KOORDINATOR = "koordinator"
    RELAWAN = "relawan"


# Who is staff (manages events, screens relawan, scans at every door): the one definition.
STAFF_ROLES = frozenset({Role.ADMIN, Role.PANITIA})
# Who may read reports and event plans (staff and the koordinator PKK).
READER_ROLES = frozenset({Role.ADMIN, Role.PANITIA, Role.KOORDINATOR})


def is_staff_role(role: str | None) -> bool:
    """Admin and panitia manage; koordinator only reads. Every staff check asks this."""
    return role in STAFF_ROLES


ROLE_LABELS = labels.ROLE


class User(UserMixin, db.Model):
    """A person who can log in: staff, koordinator or relawan."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)  # E.164, e.g. +6281234567890
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.RELAWAN, index=True)
    # A koordinator may be scoped to one kecamatan (Kemendagri code, e.g. "36.73.02"); None = all.
    kecamatan_kode: Mapped[str | None] = mapped_column(ForeignKey("kecamatan.kode"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Set by an admin reset (auth.services.admin_reset_password), cleared by set_password: the
    # person must choose their own password before anything else (auth.guards).
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    kecamatan = relationship("Kecamatan")
    relawan = relationship("Relawan", back_populates="user", uselist=False)

    # The key of the login (UserSession) this object was loaded for; set by auth.sessions only.
    session_key = None

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated users cannot log in
        return bool(self.active)

    def get_id(self) -> str:
        """Flask-Login's alternative id, "<user id>:<session key>": the session cookie and the
        remember cookie name one revocable login (auth.sessions), not just the account."""
        return f"{self.id}:{self.session_key}"

    def set_password(self, password: str) -> None:
        """Store the password's hash; every existing login of the account ends with the old one."""
        # scrypt by default; tests set a cheap PASSWORD_HASH_METHOD to stay fast.
        self.password_hash = generate_password_hash(password, method=password_hash_method())
        self.must_change_password = False
        if self.id is not None:
            revoke_sessions(self.id)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def is_staff(self) -> bool:
        """Admin and panitia manage; koordinator only reads."""
        return is_staff_role(self.role)

    @property
    def role_label(self) -> str:
        return labels.label("role", self.role)


def password_hash_method() -> str:
    """The configured hash (scrypt unless PASSWORD_HASH_METHOD says otherwise)."""
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"


class UserSession(db.Model):
    """One login of one browser. Its cookies hold a random key whose SHA-256 is stored here;
    logout revokes the row, a password change or a deactivation revokes all of the account's."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


def revoke_sessions(user_id: int) -> None:
    """End every live login of the account: its session and remember cookies stop working."""
    db.session.execute(
        update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow()).execution_options(synchronize_session=False))


class PasswordReset(db.Model):
    """One "Lupa kata sandi" request: a 6-digit code sent by WhatsApp or a link sent by email.
    Only a keyed hash of the secret is kept (auth.recovery); single use, 15 minutes, 5 tries."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # "whatsapp" (code) or "email" (link)
    # Not unique: two accounts may draw the same 6 digits; a link's 256-bit token finds its row.
    secret_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    user = relationship("User")


class ApiToken(db.Model):
    """A bearer token for a scanner device; only its SHA-256 hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user = relationship("User")


class AuditEntry(db.Model):
    """Who did what, when: logins, role and status changes, exports, deletions, undo."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(64))
    rows: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)

    user = relationship("User")
