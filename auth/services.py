"""Account rules: finding users by login identifier, creating staff users, deactivation."""
from __future__ import annotations

from sqlalchemy import select

import audit
from auth.models import Role, User, revoke_sessions
from auth.passwords import Person, password_problems, verify_login
from extensions import db
from helpers.errors import DomainError
from relawan.validators import InvalidEmail, InvalidPhone, normalize_email, normalize_phone


class UserError(DomainError):
    """A user could not be created or changed; the message is Indonesian."""

    code = "user_invalid"
    kind = "invalid"


def normalize_identifier(identifier: str) -> str:
    """The login identifier as stored: email lower-case, phone in E.164; else as typed, trimmed."""
    identifier = (identifier or "").strip()
    if "@" in identifier:
        return identifier.lower()
    try:
        return normalize_phone(identifier)
    except InvalidPhone:
        return identifier.lower()


def find_by_identifier(identifier: str) -> User | None:
    """Look a user up by email or by phone number in any common Indonesian format."""
    key = normalize_identifier(identifier)
    column = User.email if "@" in key else User.phone
    return db.session.scalar(select(User).where(column == key)) if key else None


def login_throttle_key(identifier: str) -> str:
    """The counter a login attempt is charged to: the account (its email and its phone share
    one), or the normalised identifier when no account has it."""
    user = find_by_identifier(identifier)
    return f"akun:{user.id}" if user is not None else "id:" + normalize_identifier(identifier)[:254]


def authenticate(identifier: str, password: str) -> User | None:
    """The active account with this identifier and password, else None; the same work (one
    password hash) whether or not the account exists."""
    user = find_by_identifier(identifier)
    return user if verify_login(user, password) else None


def set_active(user: User, active: bool) -> None:
    """Activate or deactivate an account; deactivating ends every login of it at once."""
    user.active = active
    if not active:
        revoke_sessions(user.id)


def admin_reset_password(user: User, password: str, by: User) -> None:
    """An admin sets a temporary password (the caller checked it with password_problems): every
    login of the account ends, the person must choose their own at next login (auth.guards),
    and the reset is audited."""
    user.set_password(password)
    user.must_change_password = True
    audit.record("password_reset_by_admin", user, user=by)


def create_user(*, name: str, role: str, password: str, email: str | None = None,
                phone: str | None = None, kecamatan_kode: str | None = None) -> User:
    """Create a staff or koordinator account; raises UserError on bad or duplicate data.

    `phone` is already E.164 (normalised by the form's PhoneField or the CLI option)."""
    if role not in {r.value for r in Role}:
        raise UserError("Peran tidak dikenal.")
    if not email and not phone:
        raise UserError("Isi email atau nomor HP.")
    try:
        email = normalize_email(email) if email else None
    except InvalidEmail as exc:
        raise UserError(exc.message) from exc
    problems = password_problems(password, Person(name=name, phone=phone, email=email))
    if problems:
        raise UserError(" ".join(problems))
    if email and db.session.scalar(select(User.id).where(User.email == email)):
        raise UserError("Email sudah dipakai akun lain.")
    if phone and db.session.scalar(select(User.id).where(User.phone == phone)):
        raise UserError("Nomor HP sudah dipakai akun lain.")
    if role != Role.KOORDINATOR:
        kecamatan_kode = None
    user = User(name=name.strip(), email=email, phone=phone, role=role, kecamatan_kode=kecamatan_kode)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
