"""The kop emblem admin uploads once (ops/letterhead.py): kept in the database, so every app
server prints the same one and a backup carries it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from timeutil import utcnow


class LetterheadEmblem(db.Model):
    """The one emblem (row id 1): a checked PNG or SVG, printed on the left of the kop."""

    __tablename__ = "letterhead_emblem"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    content_type: Mapped[str] = mapped_column(String(20))   # image/png | image/svg+xml
    data: Mapped[bytes] = mapped_column(LargeBinary)
    filename: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
