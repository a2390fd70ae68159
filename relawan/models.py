"""Wilayah reference data and the relawan (volunteer) record with its status history."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, SmallInteger, String, Text, case, event, inspect, update
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship
from sqlalchemy.orm.attributes import set_committed_value

from extensions import db
from helpers import labels
from timeutil import utcnow


class Kecamatan(db.Model):
    """A kecamatan keyed by its Kemendagri code, e.g. 36.73.02 Kasemen."""

    __tablename__ = "kecamatan"

    kode: Mapped[str] = mapped_column(String(8), primary_key=True)
    nama: Mapped[str] = mapped_column(String(80))
    kabkota_kode: Mapped[str] = mapped_column(String(5), index=True)
    source_version: Mapped[str | None] = mapped_column(String(80))

    kelurahan: Mapped[list[Kelurahan]] = relationship(
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


# The funnel of the dashboard: a relawan "reached" a stage when its status or any status in its
# history ranks at least that stage. Ditolak and nonaktif are outside the funnel (rank 0).
FUNNEL = (RelawanStatus.CALON, RelawanStatus.TERVERIFIKASI, RelawanStatus.DALAM_PELATIHAN,
          RelawanStatus.AKTIF)
FUNNEL_RANK = {s.value: i for i, s in enumerate(FUNNEL)}


def funnel_rank_of(status: str | None) -> int:
    """The funnel rank of one status value (0 for calon and for statuses outside the funnel)."""
    return FUNNEL_RANK.get(status, 0)


STATUS_LABELS = labels.RELAWAN_STATUS


class Relawan(db.Model):
    """A volunteer (or candidate). NIK is text, unique, and shown masked except to admin."""

    __tablename__ = "relawan"
    __table_args__ = (
        Index("ix_relawan_status_kelurahan", "status", "kelurahan_kode"),
        Index("ix_relawan_status_created", "status", "created_at"),
        Index("ix_relawan_funnel_kelurahan", "funnel_rank", "kelurahan_kode"),
        Index("ix_relawan_funnel_created", "funnel_rank", "created_at"),
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
    # Furthest funnel stage ever reached = max(rank(status), rank(every history to_status)); it never
    # goes down (aktif -> nonaktif keeps 3). Kept by change_status and the events at the end of this
    # module; the dashboard funnel is one GROUP BY over it instead of a join with the history.
    funnel_rank: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
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
    history: Mapped[list[StatusChange]] = relationship(
        back_populates="relawan", order_by="StatusChange.at", cascade="all, delete-orphan")

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)

    @property
    def age(self) -> int | None:
        """Age in whole years today (shown instead of the birth date beside a masked NIK)."""
        if self.birth_date is None:
            return None
        today, born = utcnow().date(), self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    @property
    def status_label(self) -> str:
        return labels.label("relawan_status", self.status)


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


def lifted_funnel_rank(rank: int):
    """SQL for "funnel_rank raised to at least `rank`", evaluated in the UPDATE (no lost update)."""
    return case((Relawan.funnel_rank < rank, rank), else_=Relawan.funnel_rank)


@event.listens_for(Relawan, "before_insert")
@event.listens_for(Relawan, "before_update")
def _lift_by_status(mapper, connection, target: Relawan) -> None:
    """Any ORM write of a status lifts funnel_rank to at least that status's rank."""
    state = inspect(target)
    rank = funnel_rank_of(state.dict.get("status"))  # not in dict = not set since loaded
    known = state.dict.get("funnel_rank")
    if rank == 0 or (isinstance(known, int) and known >= rank):
        return
    if state.persistent:  # raise it in the database: the loaded value may be stale
        target.funnel_rank = lifted_funnel_rank(rank)
    else:
        target.funnel_rank = rank


@event.listens_for(StatusChange, "after_insert")
def _lift_by_history(mapper, connection, target: StatusChange) -> None:
    """A history row reaching a further stage (also one added directly) lifts the relawan's rank."""
    rank = funnel_rank_of(target.to_status)
    if rank == 0:
        return
    session = object_session(target)
    relawan = session.identity_map.get(session.identity_key(Relawan, target.relawan_id)) if session else None
    known = inspect(relawan).dict.get("funnel_rank") if relawan is not None else None
    if isinstance(known, int) and known >= rank:
        return  # funnel_rank only grows, so a loaded value is a lower bound of the stored one
    table = Relawan.__table__
    stored = connection.scalar(update(table).where(table.c.id == target.relawan_id)
                               .values(funnel_rank=lifted_funnel_rank(rank))
                               .returning(table.c.funnel_rank))
    if isinstance(known, int):
        set_committed_value(relawan, "funnel_rank", stored)


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
