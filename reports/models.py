"""The dashboard's fact table and its refresh bookkeeping (written only by reports.stats)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from timeutil import utcnow


class EventAttendanceStat(db.Model):
    """Registered and attended per event and attendee kelurahan: the dashboard's fact table.

    A cache of GROUP BY results over registration/check_in, kept fresh by reports.stats.refresh()
    ('' = kelurahan unknown). Small (events x kelurahan), so the dashboard never scans check-ins.
    """

    __tablename__ = "report_event_stat"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    kelurahan_kode: Mapped[str] = mapped_column(String(13), primary_key=True, index=True)
    registered: Mapped[int] = mapped_column(Integer, default=0)
    attended: Mapped[int] = mapped_column(Integer, default=0)
    month: Mapped[str] = mapped_column(String(7), default="")  # 'YYYY-MM' (WIB) of the event start


class EventStatRefresh(db.Model):
    """When an event's rows in report_event_stat were last computed."""

    __tablename__ = "report_event_refresh"

    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # "registrations/confirmed/check-ins" when computed; a live event is recomputed only if it moved
    signature: Mapped[str | None] = mapped_column(String(64))


class ReportState(db.Model):
    """Small key/value state for the stats refresh (e.g. the last check-in id seen)."""

    __tablename__ = "report_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
