"""Helpers for the events tests (plain functions, not fixtures)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from events.checkin_models import CheckIn
from events.models import Registration
from extensions import db
from timeutil import utcnow


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def check_in(reg: Registration, minutes_after_start: int = 0) -> CheckIn:
    at = reg.event.starts_at + timedelta(minutes=minutes_after_start)
    ci = CheckIn(registration_id=reg.id, event_id=reg.event_id, scanned_at=at, recorded_at=utcnow(),
                 method="manual")
    db.session.add(ci)
    db.session.flush()
    return ci
