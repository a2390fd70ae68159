"""Read side of check-in: live counts and the registrant search for the door."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from auth.models import User
from events.checkin_models import CheckIn
from events.models import Registration, RegistrationStatus
from extensions import db
from relawan.models import Relawan, mask_phone
from relawan.validators import InvalidPhone, normalize_phone
from timeutil import to_wib

SEARCH_LIMIT = 20


def stats(event_id: int) -> dict:
    """Registered (confirmed), checked in, and check-ins per WIB hour (GROUP BY in SQL)."""
    registered = db.session.scalar(
        select(func.count(Registration.id)).where(Registration.event_id == event_id,
                                                  Registration.status == RegistrationStatus.CONFIRMED))
    checked_in = db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.event_id == event_id))
    # Group on the UTC hour in SQL (portable), then label it in WIB (UTC+7, no DST).
    if db.engine.dialect.name == "postgresql":
        hour = func.date_trunc("hour", CheckIn.recorded_at)
    else:
        hour = func.strftime("%Y-%m-%d %H:00:00", CheckIn.recorded_at)
    rows = db.session.execute(select(hour.label("h"), func.count(CheckIn.id))
                              .where(CheckIn.event_id == event_id).group_by("h").order_by("h")).all()
    by_hour = []
    for h, count in rows:
        if isinstance(h, str):
            h = datetime.fromisoformat(h)
        by_hour.append({"hour": to_wib(h).isoformat(timespec="minutes"), "count": int(count)})
    return {"event_id": event_id, "registered": int(registered or 0),
            "checked_in": int(checked_in or 0), "by_hour": by_hour}


def _like(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def search(event_id: int, q: str, *, limit: int = SEARCH_LIMIT, include_all: bool = False) -> list:
    """Registrations of the event whose name or phone matches `q` (confirmed ones, or all)."""
    q = (q or "").strip()[:100]
    query = (select(Registration)
             .outerjoin(Relawan, Relawan.id == Registration.relawan_id)
             .outerjoin(User, User.id == Relawan.user_id)
             .where(Registration.event_id == event_id)
             .options(joinedload(Registration.relawan).joinedload(Relawan.user),
                      joinedload(Registration.check_in)))
    if not include_all:
        query = query.where(Registration.status == RegistrationStatus.CONFIRMED)
    if q:
        conds = [func.lower(Relawan.full_name).like(_like(q), escape="\\"),
                 func.lower(Registration.guest_name).like(_like(q), escape="\\")]
        digits = "".join(ch for ch in q if ch.isdigit())
        if len(digits) >= 4 and len(digits) == len(q.replace(" ", "").replace("-", "").lstrip("+")):
            tail = digits.lstrip("0")
            if digits.startswith("62"):
                tail = digits[2:]
            conds += [Registration.guest_phone.like(f"%{tail}%"), User.phone.like(f"%{tail}%")]
            try:
                full = normalize_phone(q)
                conds += [Registration.guest_phone == full, User.phone == full]
            except InvalidPhone:
                pass
        query = query.where(or_(*conds))
    name_key = func.lower(func.coalesce(Relawan.full_name, Registration.guest_name))
    return list(db.session.scalars(query.order_by(name_key).limit(limit)).unique())


def phone_of(reg) -> str | None:
    if reg.relawan is not None:
        return reg.relawan.user.phone if reg.relawan.user else None
    return reg.guest_phone


def search_item(reg) -> dict:
    """One registrant as the scanner's search list shows it (phone masked). Never the ticket
    token: door staff check a found person in by registration_id (issue 11.3)."""
    from events.checkin.messages import attendee_of

    attendee = attendee_of(reg)
    return {"registration_id": reg.id, "name": attendee["name"],
            "instansi": attendee["instansi"], "phone_masked": mask_phone(phone_of(reg)) if phone_of(reg) else None,
            "checked_in": reg.check_in is not None, "status": reg.status}

