"""Certificates of completion and participation, verifiable at /sertifikat/<code>.

The table name ("certificate") predates the move from reports/ to events/training/.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from timeutil import to_wib, utcnow


class Certificate(db.Model):
    """A certificate of completion or participation, verifiable at /sertifikat/<code>."""

    __tablename__ = "certificate"
    # One certificate per program/event, person and role (NULLs never collide, so each
    # constraint only bites for the kind of certificate it is about).
    __table_args__ = (UniqueConstraint("program_id", "relawan_id", "role_label", "cycle"),
                      UniqueConstraint("event_id", "relawan_id", "role_label"),
                      UniqueConstraint("event_id", "speaker_id", "role_label"))

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))  # snapshot, as printed
    role_label: Mapped[str] = mapped_column(String(20), default="peserta")
    program_id: Mapped[int | None] = mapped_column(ForeignKey("training_program.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id"), index=True)
    relawan_id: Mapped[int | None] = mapped_column(ForeignKey("relawan.id"), index=True)
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("speaker.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    title: Mapped[str] = mapped_column(String(200))  # program or event title, snapshot
    date_text: Mapped[str] = mapped_column(String(80))
    hours: Mapped[float | None] = mapped_column()
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict | None] = mapped_column(JSON)
    # Refresher training (events/training/refresher.py): the enrollment cycle this certificate
    # completed, its last valid day (WIB; None: no expiry) and when its holder was reminded.
    cycle: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    valid_until: Mapped[date | None] = mapped_column(Date)
    refresher_reminded_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def expired(self) -> bool:
        """Past its last valid day (WIB): the one answer the pages and the refresher list use."""
        return self.valid_until is not None and to_wib(utcnow()).date() > self.valid_until
