"""Yearly case figures: counts per type and the total a source states, kept apart.

Counts only. No table here has a column for a person (no name, NIK, age, address, kelurahan):
UU PDP 27/2022 and the victims' safety forbid it, and tests/cases/test_cases_models.py keeps it so.
The stated total lives in its own table because sources often state a total that differs from
the sum of the parts they list (the 2016 news item: 11 stated, 16 in its parts); both are kept.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from timeutil import utcnow


class CaseType(db.Model):
    """A kind of case (KDRT, pemerkosaan, ...); admin may add more."""

    __tablename__ = "case_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CaseCount(db.Model):
    """How many cases of one type a source reports for one year."""

    __tablename__ = "case_count"
    __table_args__ = (UniqueConstraint("year", "case_type_id"),
                      CheckConstraint("count >= 0", name="count_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    case_type_id: Mapped[int] = mapped_column(ForeignKey("case_type.id"), index=True)
    count: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    case_type: Mapped[CaseType] = relationship()


class CaseYearTotal(db.Model):
    """The total number of cases a source states for a year (not the sum of the parts)."""

    __tablename__ = "case_year_total"
    __table_args__ = (CheckConstraint("total >= 0", name="total_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    total: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
