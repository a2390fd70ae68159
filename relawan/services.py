"""Relawan rules: sign-up, the status workflow, profile changes.

Services add and flush but never commit; the view (or CLI) commits once. Domain errors carry
Indonesian messages. Other modules call `change_status` (e.g. training moves a relawan
terverifikasi -> dalam_pelatihan -> aktif).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

import audit
from auth.models import Role, User
from auth.passwords import Person, WeakPassword, password_problems
from extensions import db
from helpers import labels
from helpers.errors import DomainError
from relawan.models import Relawan, RelawanStatus, StatusChange, funnel_rank_of, lifted_funnel_rank
from relawan.validators import InvalidNik, nik_mismatch_warnings, parse_nik
from timeutil import utcnow

S = RelawanStatus
# The workflow of issue 2: calon -> terverifikasi -> dalam_pelatihan -> aktif, plus ditolak and
# nonaktif; nonaktif can be reactivated (back to terverifikasi), ditolak can be re-screened.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.CALON: (S.TERVERIFIKASI, S.DITOLAK),
    S.TERVERIFIKASI: (S.DALAM_PELATIHAN, S.DITOLAK, S.NONAKTIF),
    S.DALAM_PELATIHAN: (S.AKTIF, S.NONAKTIF),
    S.AKTIF: (S.NONAKTIF,),
    S.NONAKTIF: (S.TERVERIFIKASI,),
    S.DITOLAK: (S.CALON,),
}
# The happy path shown as steps on the relawan's home page.
STEPS = (S.CALON, S.TERVERIFIKASI, S.DALAM_PELATIHAN, S.AKTIF)


class RelawanError(DomainError):
    """A relawan rule was broken; the message is Indonesian."""

    code = "relawan_invalid"
    kind = "invalid"


class InvalidTransition(RelawanError):
    """The requested status change is not allowed from the current status."""

    code = "invalid_transition"
    kind = "conflict"


class DuplicateRelawan(RelawanError):
    """NIK, phone or email already belongs to someone; `fields` maps field name -> message.

    The precise messages are for staff and for the account's owner. An anonymous visitor gets
    `ANONYMOUS_MESSAGE` instead, which does not confirm that the person is a relawan (issue 11.7).
    """

    code = "duplicate_relawan"
    kind = "conflict"
    default = "Data yang sama sudah terdaftar (NIK, nomor HP, atau email)."
    ANONYMOUS_MESSAGE = ("Data ini tidak dapat dipakai untuk mendaftar; jika ini Anda, masuk atau "
                         "pulihkan akun Anda.")

    def anonymous_fields(self) -> dict[str, str]:
        """The same fields, each with the message that reveals nothing about who is registered."""
        return dict.fromkeys(self.fields, self.ANONYMOUS_MESSAGE)


def label(status: str) -> str:
    """Indonesian label of a status value."""
    return labels.label("relawan_status", status)


def allowed_transitions(status: str) -> tuple[str, ...]:
    """Statuses reachable from `status`."""
    return TRANSITIONS.get(status, ())


def change_status(relawan: Relawan, to: str, by_user: User | None, note: str | None = None) -> StatusChange:
    """Move `relawan` to status `to`, writing a history row and an audit entry.

    Raises InvalidTransition when `to` is not reachable (or someone else changed the status
    meanwhile), RelawanError when a rejection has no reason.
    """
    if relawan.anonymized_at is not None:
        raise InvalidTransition("Data relawan ini sudah dihapus; statusnya tidak dapat diubah.")
    if to not in allowed_transitions(relawan.status):
        raise InvalidTransition(
            f"Status tidak dapat diubah dari {label(relawan.status)} ke {label(to)}.")
    note = (note or "").strip() or None
    if to == S.DITOLAK and not note:
        raise RelawanError("Alasan penolakan wajib diisi.")
    old, now = relawan.status, utcnow()
    # Compare-and-set in the database: two staff acting on the same relawan at once cannot both
    # move it from the same status (no check-then-write race).
    # funnel_rank (furthest stage ever reached) is raised in the same statement, never lowered.
    stored_rank = db.session.scalar(
        update(Relawan).where(Relawan.id == relawan.id, Relawan.status == old)
        .values(status=to, status_changed_at=now, funnel_rank=lifted_funnel_rank(funnel_rank_of(to)))
        .returning(Relawan.funnel_rank).execution_options(synchronize_session=False))
    if stored_rank is None:
        raise InvalidTransition("Status relawan ini baru saja diubah orang lain. Muat ulang halaman.")
    set_committed_value(relawan, "status", to)
    set_committed_value(relawan, "status_changed_at", now)
    set_committed_value(relawan, "funnel_rank", stored_rank)
    change = StatusChange(relawan=relawan, from_status=old, to_status=to,
                          by_user_id=getattr(by_user, "id", None), note=note, at=now)
    db.session.add(change)
    audit.record("relawan_status", relawan, user=by_user,
                 details={"from": old, "to": to}, note=note)
    db.session.flush()
    return change


def approve(relawan: Relawan, by_user: User, note: str | None = None) -> StatusChange:
    """Screening: calon -> terverifikasi."""
    if relawan.status != S.CALON:
        raise InvalidTransition("Hanya calon relawan yang dapat disetujui.")
    return change_status(relawan, S.TERVERIFIKASI, by_user, note or "Lolos seleksi administrasi.")


def reject(relawan: Relawan, by_user: User, reason: str) -> StatusChange:
    """Screening: reject with a reason (required, shown to the relawan)."""
    return change_status(relawan, S.DITOLAK, by_user, reason)


def bulk_approve(relawan_list: list[Relawan], by_user: User) -> tuple[int, int]:
    """Approve every calon in the list; others are skipped. Returns (approved, skipped)."""
    approved = skipped = 0
    for relawan in relawan_list:
        if relawan.status == S.CALON and relawan.anonymized_at is None:
            change_status(relawan, S.TERVERIFIKASI, by_user, "Disetujui bersama (massal).")
            approved += 1
        else:
            skipped += 1
    return approved, skipped


def find_duplicates(*, nik: str | None = None, phone: str | None = None, email: str | None = None,
                    exclude_user_id: int | None = None) -> dict[str, str]:
    """Field -> message for each of NIK, phone, email that is already registered."""
    found: dict[str, str] = {}
    if nik and db.session.scalar(select(Relawan.id).where(Relawan.nik == nik)):
        found["nik"] = "NIK ini sudah terdaftar. Silakan masuk dengan akun Anda."
    for field, value, column, message in (
            ("phone", phone, User.phone, "Nomor HP ini sudah dipakai akun lain."),
            ("email", email, User.email, "Email ini sudah dipakai akun lain.")):
        if not value:
            continue
        stmt = select(User.id).where(column == value)
        if exclude_user_id is not None:
            stmt = stmt.where(User.id != exclude_user_id)
        if db.session.scalar(stmt):
            found[field] = message
    return found


@dataclass
class SignUpData:
    """Validated, normalised sign-up input (phone in E.164, email lower-case, NIK digits only)."""

    full_name: str
    nik: str
    gender: str
    birth_date: date
    phone: str
    email: str | None
    address: str
    kelurahan_kode: str
    occupation: str
    education: str
    organisation: str
    organisation_detail: str | None
    motivation: str
    availability: str
    password: str
    consent_version: str


def sign_up(data: SignUpData) -> Relawan:
    """Create the relawan account (role relawan) and a Relawan with status calon.

    Raises WeakPassword (auth.passwords.password_problems) or DuplicateRelawan.
    The unique constraints on NIK, phone and email are the real guard; the look-up before the
    insert only gives nicer field messages.
    """
    problems = password_problems(data.password, Person(name=data.full_name, phone=data.phone,
                                                       nik=data.nik, email=data.email))
    if problems:
        raise WeakPassword(fields={"password": " ".join(problems)})
    duplicates = find_duplicates(nik=data.nik, phone=data.phone, email=data.email)
    if duplicates:
        raise DuplicateRelawan(fields=duplicates)
    now = utcnow()
    user = User(name=data.full_name, email=data.email, phone=data.phone, role=Role.RELAWAN)
    user.set_password(data.password)
    relawan = Relawan(
        user=user, full_name=data.full_name, nik=data.nik, gender=data.gender,
        birth_date=data.birth_date, address=data.address, kelurahan_kode=data.kelurahan_kode,
        occupation=data.occupation, education=data.education, organisation=data.organisation,
        organisation_detail=data.organisation_detail, motivation=data.motivation,
        availability=data.availability, status=S.CALON, consent_version=data.consent_version,
        consent_at=now, card_token=secrets.token_urlsafe(24), created_at=now,
        status_changed_at=now)
    db.session.add_all([user, relawan])
    db.session.add(StatusChange(relawan=relawan, from_status=None, to_status=S.CALON, at=now,
                                by_user=user, note="Pendaftaran online."))
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise DuplicateRelawan() from exc
    audit.record("relawan_signed_up", relawan, user=user,
                 details={"consent_version": data.consent_version})
    db.session.flush()
    return relawan


PROFILE_FIELDS = ("full_name", "gender", "birth_date", "phone", "email", "address", "kelurahan_kode",
                  "occupation", "education", "organisation", "organisation_detail", "motivation",
                  "availability")


def update_profile(relawan: Relawan, changes: dict) -> list[str]:
    """Apply validated profile changes (NIK is not editable here). Returns changed field names."""
    user = relawan.user
    duplicates = find_duplicates(phone=changes.get("phone"), email=changes.get("email"),
                                 exclude_user_id=user.id)
    if duplicates:
        raise DuplicateRelawan(fields=duplicates)
    changed = []
    for field in PROFILE_FIELDS:
        if field not in changes:
            continue
        target = user if field in ("phone", "email") else relawan
        if getattr(target, field) != changes[field]:
            setattr(target, field, changes[field])
            changed.append(field)
    if "full_name" in changed:
        user.name = relawan.full_name
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise DuplicateRelawan() from exc
    if changed:
        # Field names only: the audit log must not become a second copy of the personal data.
        audit.record("relawan_profile_updated", relawan, details={"fields": changed})
    return changed


def nik_warnings(relawan: Relawan) -> list[str]:
    """Warnings when the NIK disagrees with the recorded birth date or gender (never an error)."""
    if not relawan.nik:
        return []
    try:
        info = parse_nik(relawan.nik)
    except InvalidNik as exc:
        return [f"NIK tidak sesuai format: {exc}"]
    return nik_mismatch_warnings(info, relawan.birth_date, relawan.gender)


def find_by_card_token(token: str) -> Relawan | None:
    """The relawan whose kartu relawan QR holds `token` (for the /t/<token> page); None if unknown."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Relawan).where(Relawan.card_token == token,
                                                   Relawan.anonymized_at.is_(None)))
