"""report_event_stat: per event and kelurahan, registered vs attended, and how it stays fresh.

Counting a million check-ins joined to registrations and relawan on every dashboard view is
too slow (seconds on SQLite), so the dashboard reads this small table. The dashboard never
writes it (a GET never writes): `stat_rows()` reads the stored rows of the fresh events and
counts the stale events live, so a new check-in shows at once. The job
`flask --app app reports refresh-stats` (cron, every few minutes; docs/deploy.md) stores the
stale events' rows (`refresh()`, one INSERT ... SELECT ... GROUP BY for all of them) so the
live part stays small. An event is stale when:
- the event has started and was never computed;
- it is live (ended less than LIVE_WINDOW ago: late offline uploads, walk-ins, cancellations)
  and its fingerprint (registrations / confirmed / check-ins, index-only counts) changed;
- a check-in newer than the last one seen belongs to it (check-in ids only grow).
Not caught automatically: an undone check-in or a cancelled registration of an event that
ended more than LIVE_WINDOW ago; `flask --app app reports refresh-stats --all` recomputes everything.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, delete, func, insert, literal, select, union_all

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


def stale_event_ids(force: bool = False) -> tuple[set[int], int, int]:
    """(events whose stored rows are missing or out of date, last check-in id seen, newest)."""
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


STAT_COLUMNS = ["event_id", "kelurahan_kode", "registered", "attended", "month"]


def live_rows(event_ids: list[int]):
    """The stat rows of these events counted now (GROUP BY over registration and check_in)."""
    kel = func.coalesce(Relawan.kelurahan_kode, Registration.guest_kelurahan_kode, literal(""))
    confirmed = Registration.status == RegistrationStatus.CONFIRMED
    month = month_expr(Event.starts_at)
    return (select(Registration.event_id.label("event_id"), kel.label("kelurahan_kode"),
                   func.sum(case((confirmed, 1), else_=0)).label("registered"),
                   func.count(CheckIn.id).label("attended"), month.label("month"))
            .select_from(Registration)
            .join(Event, Event.id == Registration.event_id)
            .outerjoin(Relawan, Relawan.id == Registration.relawan_id)
            .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
            .where(Registration.event_id.in_(event_ids))
            .group_by(Registration.event_id, kel, month))


def pending() -> tuple[set[int], tuple]:
    """The stale events and a version of the figures (moves with every check-in or change)."""
    ids, _last, current = stale_event_ids()
    return ids, (tuple(sorted(ids)), current, tuple(sorted(signatures(ids).items())) if ids else ())


def stat_rows(stale: set[int] | None = None):
    """Every event's stat rows: stored ones for fresh events, counted live for stale ones.

    A subquery with the columns of report_event_stat; read-only.
    """
    if stale is None:
        stale = stale_event_ids()[0]
    S = EventAttendanceStat
    stored = select(S.event_id, S.kelurahan_kode, S.registered, S.attended, S.month)
    if not stale:
        return stored.subquery("stat")
    ids = sorted(stale)
    return union_all(stored.where(S.event_id.not_in(ids)), live_rows(ids)).subquery("stat")


def recompute(event_ids: set[int]) -> None:
    """Replace the stat rows of these events with fresh GROUP BY results."""
    if not event_ids:
        return
    ids = sorted(event_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        db.session.execute(delete(EventAttendanceStat).where(EventAttendanceStat.event_id.in_(chunk)))
        db.session.execute(delete(EventStatRefresh).where(EventStatRefresh.event_id.in_(chunk)))
        db.session.execute(insert(EventAttendanceStat).from_select(STAT_COLUMNS, live_rows(chunk)))
        now = utcnow()
        sigs = signatures(set(chunk))
        db.session.execute(insert(EventStatRefresh), [{"event_id": i, "computed_at": now,
                                                       "signature": sigs[i]} for i in chunk])


def refresh(force: bool = False) -> int:
    """Store fresh rows for every stale event (all started events with force); returns how many.

    Writes and flushes; the job that calls it commits (reports/cli.py).
    """
    ids, last, current = stale_event_ids(force)
    if not ids and current == last:
        return 0
    recompute(ids)
    state = db.session.get(ReportState, STATE_KEY)
    if state is None:
        db.session.add(ReportState(key=STATE_KEY, value=current))
    else:
        state.value = max(state.value, current)
    db.session.flush()
    return len(ids)
