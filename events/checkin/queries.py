"""Read side of check-in: live counts and the registrant search for the door."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, literal, or_, select, union_all
from sqlalchemy.orm import joinedload

from auth.models import User
from events.checkin_models import CheckIn, CheckInMovement
from events.models import Registration, RegistrationStatus
from extensions import db
from relawan.models import Relawan, mask_phone
from relawan.validators import InvalidPhone, normalize_phone
from timeutil import to_wib

SEARCH_LIMIT = 20


def stats(event_id: int) -> dict:
    """Registered (confirmed), checked in, inside now and the peak (`presence`), and check-ins
    per WIB hour (GROUP BY in SQL)."""
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
    inside_now, peak_inside = presence(event_id, int(checked_in or 0))
    return {"event_id": event_id, "registered": int(registered or 0),
            "checked_in": int(checked_in or 0), "inside_now": inside_now,
            "peak_inside": peak_inside, "by_hour": by_hour}


MOVE = CheckInMovement.__table__


def presence(event_id: int, checked_in: int) -> tuple[int, int]:
    """(inside now, peak inside) of an event with `checked_in` check-ins: THE count of who is
    inside (issue 13.3). Everyone checked in is inside except those whose last movement
    (events/checkin/movements.py) was an "out" (even seq). The peak is the most people inside at
    any moment: the check-ins (+1 at their scan time) and the movements (-1 out, +1 in again)
    as a running sum in time order, in SQL (an "out" and an "in" at the same second count the
    "out" first). Without movements both are the number checked in."""
    last = (select(MOVE.c.checkin_id, func.max(MOVE.c.seq).label("seq"))
            .where(MOVE.c.event_id == event_id).group_by(MOVE.c.checkin_id).subquery())
    moved, outside = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((last.c.seq % 2 == 0, 1), else_=0)), 0))
        .select_from(last)).one()
    if not moved:
        return checked_in, checked_in
    steps = union_all(
        select(CheckIn.scanned_at.label("at"), literal(1).label("delta"))
        .where(CheckIn.event_id == event_id),
        select(MOVE.c.at, case((MOVE.c.direction == "out", -1), else_=1))
        .where(MOVE.c.event_id == event_id)).subquery()
    running = select(func.sum(steps.c.delta).over(order_by=(steps.c.at, steps.c.delta),
                                                  rows=(None, 0)).label("n")).subquery()
    peak = db.session.scalar(select(func.max(running.c.n)))
    return checked_in - int(outside), int(peak or 0)


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

