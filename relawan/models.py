"""Wilayah reference data and the relawan (volunteer) record with its status history."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from timeutil import utcnow


class Kecamatan(db.Model):
    """A kecamatan keyed by its Kemendagri code, e.g. 36.73.02 Kasemen."""

    __tablename__ = "kecamatan"

    kode: Mapped[str] = mapped_column(String(8), primary_key=True)
    nama: Mapped[str] = mapped_column(String(80))
    kabkota_kode: Mapped[str] = mapped_column(String(5), index=True)
    source_version: Mapped[str | None] = mapped_column(String(80))

    kelurahan: Mapped[list["Kelurahan"]] = relationship(
        back_populates="kecamatan", order_by="Kelurahan.nama")


class Kelurahan(db.Model):
    """A kelurahan keyed by its Kemendagri code, e.g. 36.73.01.1008 (names repeat; codes do not)."""

    __tablename__ = "kelurahan"

    kode: Mapped[str] = mapped_column(String(13), primary_key=True)
    nama: Mapped[str] = mapped_column(String(80))
    kecamatan_kode: Mapped[str] = mapped_column(ForeignKey("kecamatan.kode"), index=True)
    source_version: Mapped[str | None] = mapped_column(String(80))

    kecamatan: Mapped[Kecamatan] = relationship(back_populates="kelurahan")


class RelawanStatus(enum.StrEnum):
    CALON = "calon"
    TERVERIFIKASI = "terverifikasi"
    DALAM_PELATIHAN = "dalam_pelatihan"
    AKTIF = "aktif"
    DITOLAK = "ditolak"
    NONAKTIF = "nonaktif"


STATUS_LABELS = {
    RelawanStatus.CALON: "Calon",
    RelawanStatus.TERVERIFIKASI: "Terverifikasi",
    RelawanStatus.DALAM_PELATIHAN: "Dalam pelatihan",
    RelawanStatus.AKTIF: "Aktif",
    RelawanStatus.DITOLAK: "Ditolak",
    RelawanStatus.NONAKTIF: "Nonaktif",
}


class Relawan(db.Model):
    """A volunteer (or candidate). NIK is text, unique, and shown masked except to admin."""

    __tablename__ = "relawan"
    __table_args__ = (
        Index("ix_relawan_status_kelurahan", "status", "kelurahan_kode"),
        Index("ix_relawan_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    nik: Mapped[str | None] = mapped_column(String(16), unique=True)  # None once anonymised
    gender: Mapped[str | None] = mapped_column(String(1))  # "L" or "P"
    birth_date: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(String(300))
    kelurahan_kode: Mapped[str | None] = mapped_column(ForeignKey("kelurahan.kode"), index=True)
    occupation: Mapped[str | None] = mapped_column(String(80))
    education: Mapped[str | None] = mapped_column(String(40))
    organisation: Mapped[str | None] = mapped_column(String(40), index=True)
    organisation_detail: Mapped[str | None] = mapped_column(String(120))
    motivation: Mapped[str | None] = mapped_column(Text)
    availability: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=RelawanStatus.CALON, index=True)
    consent_version: Mapped[str | None] = mapped_column(String(20))
    consent_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Personal QR card (kartu relawan): {BASE_URL}/t/<card_token>; never the NIK or the id.
    card_token: Mapped[str] = mapped_column(String(43), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deletion_requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    anonymized_at: Mapped[datetime | None] = mapped_column(DateTime)

    user = relationship("User", back_populates="relawan")
    kelurahan: Mapped[Kelurahan | None] = relationship()
    history: Mapped[list["StatusChange"]] = relationship(
        back_populates="relawan", order_by="StatusChange.at", cascade="all, delete-orphan")

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(RelawanStatus(self.status), self.status)


class StatusChange(db.Model):
    """One row per status change of a relawan: who, when, from, to, note."""

    __tablename__ = "status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    relawan_id: Mapped[int] = mapped_column(ForeignKey("relawan.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)

    relawan: Mapped[Relawan] = relationship(back_populates="history")
    by_user = relationship("User")


def mask_nik(nik: str | None) -> str:
    """Show only the last 4 digits of a NIK (UU PDP: minimise exposure)."""
    if not nik:
        return "-"
    return "*" * 12 + nik[-4:]


def mask_phone(phone: str | None) -> str:
    """'+6281234567890' -> '0812-****-7890' for lists and paper."""
    if not phone:
        return "-"
    digits = phone.lstrip("+")
    national = "0" + digits[2:] if digits.startswith("62") else digits
    return f"{national[:4]}-****-{national[-4:]}"
