"""Events, training programs, speakers, registrations, check-ins and certificates."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from extensions import db
from helpers import labels
from timeutil import utcnow


class EventKind(enum.StrEnum):
    SOSIALISASI = "sosialisasi"
    PELATIHAN = "pelatihan"
    RAKOR = "rakor"


KIND_LABELS = labels.LABELS["event_kind"]


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"
    FINISHED = "finished"


EVENT_STATUS_LABELS = labels.LABELS["event_status"]


class TrainingProgram(db.Model):
    """An ordered set of pelatihan sessions with a completion rule."""

    __tablename__ = "training_program"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    # "all_required": every required session attended; "min_sessions": at least min_sessions.
    completion_rule: Mapped[str] = mapped_column(String(20), default="all_required")
    min_sessions: Mapped[int | None] = mapped_column(Integer)
    # Months a certificate of this program stays valid (issue 15.3); None: it never expires.
    valid_months: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    sessions: Mapped[list[Event]] = relationship(
        back_populates="program", order_by="(Event.program_order, Event.starts_at)")

    @property
    def rule_label(self) -> str:
        if self.completion_rule == "min_sessions":
            return f"Minimal {self.min_sessions or 0} sesi dihadiri"
        return "Semua sesi wajib dihadiri"

    @property
    def status_label(self) -> str:
        return labels.label("event_status", self.status)


class ProgramEnrollment(db.Model):
    """A relawan registered for a whole training program."""

    __tablename__ = "program_enrollment"
    __table_args__ = (UniqueConstraint("program_id", "relawan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("training_program.id"), index=True)
    relawan_id: Mapped[int] = mapped_column(ForeignKey("relawan.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | cancelled | completed
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A refresher (events/training/refresher.py) starts cycle 2, 3, ...: only sessions starting
    # at or after cycle_started_at count towards it (None: the first cycle, every session).
    cycle: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    cycle_started_at: Mapped[datetime | None] = mapped_column(DateTime)

    program: Mapped[TrainingProgram] = relationship()
    relawan = relationship("Relawan")


class Event(db.Model):
    """A sosialisasi, a pelatihan session (optionally part of a program) or a rakor."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_status_starts", "status", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    venue_name: Mapped[str] = mapped_column(String(200))
    venue_address: Mapped[str | None] = mapped_column(String(300))
    starts_at: Mapped[datetime] = mapped_column(DateTime)  # naive UTC
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    capacity: Mapped[int | None] = mapped_column(Integer)  # None = unlimited
    # Confirmed seats, changed only by an atomic conditional UPDATE so two people can never
    # both take the last seat (see events.services.registration).
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    registration_opens_at: Mapped[datetime | None] = mapped_column(DateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(DateTime)
    allow_guests: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_walk_ins: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.DRAFT)
    organiser_name: Mapped[str | None] = mapped_column(String(120))
    organiser_phone: Mapped[str | None] = mapped_column(String(20))
    organiser_email: Mapped[str | None] = mapped_column(String(254))
    # Signature blocks of the daftar hadir (events/signatories.py; empty: from configuration).
    ketua_panitia_name: Mapped[str | None] = mapped_column(String(120))
    ketua_panitia_nip: Mapped[str | None] = mapped_column(String(18))
    kepala_dinas_name: Mapped[str | None] = mapped_column(String(120))
    kepala_dinas_nip: Mapped[str | None] = mapped_column(String(18))
    program_id: Mapped[int | None] = mapped_column(ForeignKey("training_program.id"), index=True)
    program_order: Mapped[int | None] = mapped_column(Integer)
    required: Mapped[bool] = mapped_column(Boolean, default=True)  # for program sessions
    late_grace_minutes: Mapped[int | None] = mapped_column(Integer)  # None = app default
    # Check-in window (events/checkin/window.py): minutes before the start it opens and after
    # the end it closes; None = CHECKIN_OPENS_MINUTES / CHECKIN_CLOSES_MINUTES from config.
    checkin_opens_minutes: Mapped[int | None] = mapped_column(Integer)
    checkin_closes_minutes: Mapped[int | None] = mapped_column(Integer)
    # Check-out at the door (issue 13.3): the scanner gets a Masuk/Keluar switch and records
    # every pass out and in again (CheckInMovement); off: a scan only checks in.
    checkout_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    program: Mapped[TrainingProgram | None] = relationship(back_populates="sessions")
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="event", order_by="(AgendaItem.position, AgendaItem.starts_at)",
        cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return labels.label("event_kind", self.kind)

    @property
    def display_status(self) -> str:
        """The status people see: a published event that has ended shows as selesai (finished)
        without anyone having to close it; the stored status is unchanged."""
        if self.status == EventStatus.PUBLISHED and self.ends_at <= utcnow():
            return EventStatus.FINISHED.value
        return self.status

    @property
    def status_label(self) -> str:
        return labels.label("event_status", self.display_status)

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.seats_taken, 0)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at < utcnow()


class Speaker(db.Model):
    """A narasumber from an institution (instansi)."""

    __tablename__ = "speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    jabatan: Mapped[str | None] = mapped_column(String(160))
    instansi: Mapped[str | None] = mapped_column(String(160), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    topics: Mapped[str | None] = mapped_column(String(300))
    bio: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    agenda_items: Mapped[list[AgendaItem]] = relationship(back_populates="speaker")


class AgendaItem(db.Model):
    """One slot of an event's agenda, optionally with a speaker."""

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speaker.id"), index=True)
    topic: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(back_populates="agenda")
    speaker: Mapped[Speaker | None] = relationship(back_populates="agenda_items")


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


REGISTRATION_STATUS_LABELS = labels.LABELS["registration_status"]


class Registration(db.Model):
    """A seat (or waitlist place) for a relawan or a guest at one event; holds the ticket token."""

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("event_id", "relawan_id"),
        UniqueConstraint("event_id", "guest_phone"),
        Index("ix_registration_event_status", "event_id", "status"),
        Index("ix_registration_event_changed", "event_id", "changed_at"),  # door-list deltas
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"))
    relawan_id: Mapped[int | None] = mapped_column(ForeignKey("relawan.id"), index=True)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("program_enrollment.id"))
    guest_name: Mapped[str | None] = mapped_column(String(120))
    guest_instansi: Mapped[str | None] = mapped_column(String(160))
    guest_jabatan: Mapped[str | None] = mapped_column(String(160))
    guest_phone: Mapped[str | None] = mapped_column(String(20))
    guest_email: Mapped[str | None] = mapped_column(String(254))
    guest_kelurahan_kode: Mapped[str | None] = mapped_column(ForeignKey("kelurahan.kode"))
    role_label: Mapped[str] = mapped_column(String(20), default="peserta")  # peserta|narasumber|panitia
    status: Mapped[str] = mapped_column(String(20), default=RegistrationStatus.CONFIRMED)
    source: Mapped[str] = mapped_column(String(20), default="self")  # self|guest|import|walk_in|program
    is_walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Training attendance: "izin" (excused) is set by panitia with a note; hadir/terlambat/
    # tidak hadir are derived from the check-in time and the event's grace period.
    excused: Mapped[bool] = mapped_column(Boolean, default=False)
    excused_note: Mapped[str | None] = mapped_column(Text)
    # The day-before reminder email (events/services/reminders.py): sent once.
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Families (issue 15.1): a companion is a registration of its own (ticket, seat, check-in)
    # pointing at the lead's; age_group None counts as "dewasa" (events/services/companions.py).
    lead_registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    companion_relation: Mapped[str | None] = mapped_column(String(20))
    age_group: Mapped[str | None] = mapped_column(String(20))
    # The door list (events/checkin/doorlist.py): every INSERT and UPDATE of the row, ORM or
    # Core, stamps changed_at, so a scanner polling with ?since= gets the change; and the door
    # hash of the ticket token this row had before it got a fresh one (a cancelled registration
    # taken up again), so the scanner drops the dead ticket.
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    replaced_token_hash: Mapped[str | None] = mapped_column(String(16))

    event: Mapped[Event] = relationship()
    relawan = relationship("Relawan")
    guest_kelurahan = relationship("Kelurahan")
    check_in = relationship("CheckIn", back_populates="registration", uselist=False)
    lead = relationship("Registration", remote_side=[id], back_populates="companions")
    companions = relationship("Registration", back_populates="lead",
                              order_by="Registration.id")

    @validates("token")
    def _keep_replaced_token_hash(self, _key: str, token: str) -> str:
        """A fresh ticket token remembers the old one's door hash (replaced_token_hash)."""
        if self.token is not None and token != self.token:
            from events.checkin.doorlist import token_hash

            self.replaced_token_hash = token_hash(self.token)
        return token

    @property
    def is_guest(self) -> bool:
        return self.relawan_id is None

    @property
    def display_name(self) -> str:
        """The name printed on the ticket: the relawan's or the guest's."""
        if self.relawan is not None:
            return self.relawan.full_name
        return self.guest_name or "-"

    @property
    def instansi(self) -> str | None:
        if self.relawan is not None:
            return self.relawan.organisation_detail
        return self.guest_instansi

    @property
    def phone(self) -> str | None:
        if self.relawan is not None:
            return self.relawan.user.phone if self.relawan.user else None
        return self.guest_phone

    @property
    def kelurahan_kode(self) -> str | None:
        return self.relawan.kelurahan_kode if self.relawan is not None else self.guest_kelurahan_kode

    @property
    def status_label(self) -> str:
        return labels.label("registration_status", self.status)
