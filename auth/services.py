"""Account rules: finding users by login identifier, creating staff users."""
from __future__ import annotations

from sqlalchemy import select

from auth.models import Role, User
from extensions import db
from helpers.errors import DomainError
from relawan.validators import InvalidEmail, InvalidPhone, normalize_email, normalize_phone


class UserError(DomainError):
    """A user could not be created or changed; the message is Indonesian."""

    code = "user_invalid"
    kind = "invalid"


def find_by_identifier(identifier: str) -> User | None:
    """Look a user up by email or by phone number in any common Indonesian format."""
    identifier = (identifier or "").strip()
    if "@" in identifier:
        return db.session.scalar(select(User).where(User.email == identifier.lower()))
    try:
        phone = normalize_phone(identifier)
    except InvalidPhone:
        return None
    return db.session.scalar(select(User).where(User.phone == phone))


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
    if len(password or "") < 8:
        raise UserError("Kata sandi minimal 8 karakter.")
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
