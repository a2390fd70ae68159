"""Keep report_event_stat fresh: per event and kelurahan, registered vs attended.

Counting a million check-ins joined to registrations and relawan on every dashboard view is
too slow (seconds on SQLite), so the dashboard reads this small table. An event's rows are
recomputed (one INSERT ... SELECT ... GROUP BY for all stale events) when:
- the event has started and was never computed;
- it is live (ended less than LIVE_WINDOW ago: late offline uploads, walk-ins, cancellations)
  and its fingerprint (registrations / confirmed / check-ins, index-only counts) changed;
- a check-in newer than the last one seen belongs to it (check-in ids only grow).
Not caught automatically: an undone check-in or a cancelled registration of an event that
ended more than LIVE_WINDOW ago; `flask --app app reports refresh-stats` recomputes everything.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, delete, func, insert, literal, select
from sqlalchemy.exc import IntegrityError, OperationalError

from events.checkin_models import CheckIn
from events.models import Event, EventStatus, Registration, RegistrationStatus
from extensions import db
from relawan.models import Relawan
from reports.models import EventAttendanceStat, EventStatRefresh, ReportState
from timeutil import utcnow


def month_expr(column):
    """'YYYY-MM' of a naive-UTC column in WIB, per dialect."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column + literal(timedelta(hours=7)), "YYYY-MM")
    return func.strftime("%Y-%m", column, "+7 hours")

LIVE_WINDOW = timedelta(days=2)
STATE_KEY = "checkin_max_id"


def _stale_event_ids(force: bool) -> tuple[set[int], int, int]:
    now = utcnow()
    started = select(Event.id).where(Event.starts_at <= now, Event.status != EventStatus.CANCELLED)
    if force:
        ids = set(db.session.scalars(started))
    else:
        ids = set(db.session.scalars(started.where(
            Event.id.not_in(select(EventStatRefresh.event_id)))))
        live = set(db.session.scalars(started.where(Event.ends_at >= now - LIVE_WINDOW)))
        if live:
            sigs = signatures(live)
            stored = dict(db.session.execute(select(EventStatRefresh.event_id, EventStatRefresh.signature)
                                             .where(EventStatRefresh.event_id.in_(live))).all())
            ids |= {i for i in live if stored.get(i) != sigs.get(i)}
    state = db.session.get(ReportState, STATE_KEY)
    last = state.value if state else 0
    current = db.session.scalar(select(func.max(CheckIn.id))) or 0
    if current > last and not force:
        ids |= set(db.session.scalars(select(CheckIn.event_id).where(CheckIn.id > last).distinct()))
    return ids, last, current


def signatures(event_ids: set[int]) -> dict[int, str]:
    """Cheap per-event fingerprint from index-only counts: registrations, confirmed, check-ins."""
    ids = sorted(event_ids)
    regs = {e: (n, c) for e, n, c in db.session.execute(
        select(Registration.event_id, func.count(),
               func.sum(case((Registration.status == RegistrationStatus.CONFIRMED, 1), else_=0)))
        .where(Registration.event_id.in_(ids)).group_by(Registration.event_id))}
    cis = dict(db.session.execute(select(CheckIn.event_id, func.count())
                                  .where(CheckIn.event_id.in_(ids)).group_by(CheckIn.event_id)).all())
    return {i: f"{regs.get(i, (0, 0))[0]}/{regs.get(i, (0, 0))[1] or 0}/{cis.get(i, 0)}" for i in ids}


def recompute(event_ids: set[int]) -> None:
    """Replace the stat rows of these events with fresh GROUP BY results."""
    if not event_ids:
        return
    ids = sorted(event_ids)
    kel = func.coalesce(Relawan.kelurahan_kode, Registration.guest_kelurahan_kode, literal(""))
    confirmed = Registration.status == RegistrationStatus.CONFIRMED
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        db.session.execute(delete(EventAttendanceStat).where(EventAttendanceStat.event_id.in_(chunk)))
        db.session.execute(delete(EventStatRefresh).where(EventStatRefresh.event_id.in_(chunk)))
        month = month_expr(Event.starts_at)
        agg = (select(Registration.event_id, kel,
                      func.sum(case((confirmed, 1), else_=0)),
                      func.count(CheckIn.id), month)
               .select_from(Registration)
               .join(Event, Event.id == Registration.event_id)
               .outerjoin(Relawan, Relawan.id == Registration.relawan_id)
               .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
               .where(Registration.event_id.in_(chunk))
               .group_by(Registration.event_id, kel, month))
        db.session.execute(insert(EventAttendanceStat).from_select(
            ["event_id", "kelurahan_kode", "registered", "attended", "month"], agg))
        now = utcnow()
        sigs = signatures(set(chunk))
        db.session.execute(insert(EventStatRefresh), [{"event_id": i, "computed_at": now,
                                                       "signature": sigs[i]} for i in chunk])


def refresh(force: bool = False) -> int:
    """Bring the stat table up to date; returns how many events were recomputed. Commits."""
    ids, last, current = _stale_event_ids(force)
    if not ids and current == last:
        return 0
    try:
        recompute(ids)
        state = db.session.get(ReportState, STATE_KEY)
        if state is None:
            db.session.add(ReportState(key=STATE_KEY, value=current))
        else:
            state.value = max(state.value, current)
        db.session.commit()
    except (IntegrityError, OperationalError):
        # another request refreshed the same events at the same moment: theirs is as good
        db.session.rollback()
    return len(ids)
