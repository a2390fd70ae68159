"""Dashboard aggregates: every figure is one SQL GROUP BY, never a Python loop over rows.

Kelurahan of an attendee = the relawan's kelurahan, else the guest's kelurahan. A kecamatan
filter is a range on the Kemendagri code ("36.73.02." <= kode < "36.73.02/"), which uses the
kelurahan_kode indexes and needs no join to the kelurahan table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, select

from events.models import Event, EventStatus, Registration
from extensions import db
from relawan.models import FUNNEL, Kecamatan, Kelurahan, Relawan, RelawanStatus
from reports.stats import stat_rows
from timeutil import utcnow, wib_to_utc

STATUS_ORDER = [s.value for s in RelawanStatus]
RECENT_EVENTS = 20
LEAST_REACHED = 10


@dataclass
class Filters:
    """Dashboard filters after validation and koordinator scoping."""

    date_from: date | None = None
    date_to: date | None = None
    kecamatan: str | None = None
    kind: str | None = None
    program_id: int | None = None
    errors: dict = field(default_factory=dict)

    @property
    def start_utc(self) -> datetime | None:
        return wib_to_utc(datetime.combine(self.date_from, time.min)) if self.date_from else None

    @property
    def end_utc(self) -> datetime | None:
        """Exclusive end: the date_to is inclusive (WIB)."""
        if not self.date_to:
            return None
        return wib_to_utc(datetime.combine(self.date_to + timedelta(days=1), time.min))

    def as_dict(self) -> dict:
        """The filters as plain values, for audit details and URLs."""
        return {k: (v.isoformat() if isinstance(v, date) else v)
                for k, v in (("dari", self.date_from), ("sampai", self.date_to),
                             ("kecamatan", self.kecamatan), ("jenis", self.kind),
                             ("program", self.program_id)) if v}


def kode_in_kecamatan(column, kecamatan: str):
    """kode column within a kecamatan: an index-friendly range on the code prefix."""
    return and_(column >= kecamatan + ".", column < kecamatan + "/")


def attendee_kelurahan():
    """The kelurahan code of a registration's person (relawan first, else guest)."""
    return func.coalesce(Relawan.kelurahan_kode, Registration.guest_kelurahan_kode)


def _relawan_conditions(f: Filters) -> list:
    conds = []
    if f.kecamatan:
        conds.append(kode_in_kecamatan(Relawan.kelurahan_kode, f.kecamatan))
    if f.start_utc:
        conds.append(Relawan.created_at >= f.start_utc)
    if f.end_utc:
        conds.append(Relawan.created_at < f.end_utc)
    return conds


def event_conditions(f: Filters) -> list:
    """Events counted in the figures: not cancelled, started, within the filters."""
    conds = [Event.status != EventStatus.CANCELLED, Event.starts_at <= utcnow()]
    if f.start_utc:
        conds.append(Event.starts_at >= f.start_utc)
    if f.end_utc:
        conds.append(Event.starts_at < f.end_utc)
    if f.kind:
        conds.append(Event.kind == f.kind)
    if f.program_id:
        conds.append(Event.program_id == f.program_id)
    return conds


def status_by_kelurahan(f: Filters) -> list[dict]:
    """Every kelurahan (zeros included) with its relawan count per status.

    Kelurahan LEFT JOIN (relawan GROUP BY kelurahan, status): the inner GROUP BY reads only the
    (status, kelurahan_kode) index; the outer rows (at most 67 x 6) are pivoted here.
    """
    period_only = Filters(date_from=f.date_from, date_to=f.date_to)
    counts = (select(Relawan.kelurahan_kode.label("kode"), Relawan.status.label("status"),
                     func.count().label("n"))
              .where(Relawan.kelurahan_kode.isnot(None), *_relawan_conditions(period_only))
              .group_by(Relawan.kelurahan_kode, Relawan.status).subquery())
    stmt = (select(Kelurahan.kode, Kelurahan.nama, Kelurahan.kecamatan_kode,
                   Kecamatan.nama.label("kecamatan_nama"), counts.c.status, counts.c.n)
            .join(Kecamatan, Kecamatan.kode == Kelurahan.kecamatan_kode)
            .outerjoin(counts, counts.c.kode == Kelurahan.kode)
            .order_by(Kecamatan.nama, Kelurahan.nama))
    if f.kecamatan:
        stmt = stmt.where(Kelurahan.kecamatan_kode == f.kecamatan)
    rows: dict[str, dict] = {}
    for kode, nama, kec_kode, kec_nama, status, n in db.session.execute(stmt):
        row = rows.setdefault(kode, {"kode": kode, "nama": nama, "kecamatan_kode": kec_kode,
                                     "kecamatan_nama": kec_nama, "total": 0,
                                     **dict.fromkeys(STATUS_ORDER, 0)})
        if status is not None:
            row[status] = row.get(status, 0) + n
            row["total"] += n
    return list(rows.values())


def status_by_kecamatan(kel_rows: list[dict]) -> list[dict]:
    """Roll the (at most 67) per-kelurahan aggregate rows up to kecamatan."""
    out: dict[str, dict] = {}
    for r in kel_rows:
        k = out.setdefault(r["kecamatan_kode"], {"kode": r["kecamatan_kode"],
                                                 "nama": r["kecamatan_nama"], "total": 0,
                                                 **dict.fromkeys(STATUS_ORDER, 0)})
        k["total"] += r["total"]
        for s in STATUS_ORDER:
            k[s] += r[s]
    return sorted(out.values(), key=lambda k: k["nama"])


def relawan_without_kelurahan(f: Filters) -> int:
    """Relawan with no kelurahan recorded (only meaningful without a kecamatan filter)."""
    if f.kecamatan:
        return 0
    conds = _relawan_conditions(f) + [Relawan.kelurahan_kode.is_(None)]
    return db.session.scalar(select(func.count(Relawan.id)).where(*conds)) or 0


def funnel(f: Filters) -> list[dict]:
    """How many relawan reached each stage, by current status or by an earlier status in history.

    Relawan.funnel_rank holds the furthest stage each relawan ever reached (e.g. 3 for nonaktif
    after aktif), so this is one GROUP BY over relawan; stage k counts funnel_rank >= k.
    """
    per_rank = dict(db.session.execute(
        select(Relawan.funnel_rank, func.count()).where(*_relawan_conditions(f))
        .group_by(Relawan.funnel_rank)).all())
    counts = [sum(n for rank, n in per_rank.items() if rank >= k) for k in range(len(FUNNEL))]
    out = []
    for i, s in enumerate(FUNNEL):
        prev = counts[i - 1] if i else counts[0]
        out.append({"status": s.value, "count": counts[i],
                    "pct_of_start": _pct(counts[i], counts[0]),
                    "pct_of_prev": _pct(counts[i], prev)})
    return out


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _stat_join_on(f: Filters, S):
    on = [S.c.event_id == Event.id]
    if f.kecamatan:
        on.append(kode_in_kecamatan(S.c.kelurahan_kode, f.kecamatan))
    return and_(*on)


# The three event figures below read reports.stats.stat_rows(stale): pass the stale event ids
# the page already has (reports.stats.pending) or None to look them up.

def attendance_by_event(f: Filters, limit: int = RECENT_EVENTS, stale: set[int] | None = None) -> list[dict]:
    """The latest `limit` events in the filters: confirmed registrations vs check-ins."""
    recent = (select(Event.id).where(*event_conditions(f))
              .order_by(Event.starts_at.desc()).limit(limit).scalar_subquery())
    S = stat_rows(stale)
    stmt = (select(Event.id, Event.title, Event.kind, Event.starts_at,
                   func.coalesce(func.sum(S.c.registered), 0).label("registered"),
                   func.coalesce(func.sum(S.c.attended), 0).label("attended"))
            .select_from(Event).outerjoin(S, _stat_join_on(f, S))
            .where(Event.id.in_(recent))
            .group_by(Event.id, Event.title, Event.kind, Event.starts_at)
            .order_by(Event.starts_at.desc()))
    rows = [dict(r) for r in db.session.execute(stmt).mappings()]
    for r in rows:
        r["registered"], r["attended"] = int(r["registered"]), int(r["attended"])
        r["rate"] = _pct(r["attended"], r["registered"])
    return rows


def participation_by_month(f: Filters, stale: set[int] | None = None) -> list[dict]:
    """Check-ins, and events with at least one check-in, per month (WIB) of the event's start."""
    S = stat_rows(stale)
    month = S.c.month.label("month")
    stmt = (select(month, func.sum(S.c.attended).label("checkins"),
                   func.count(func.distinct(case((S.c.attended > 0, Event.id)))).label("events"))
            .select_from(Event).join(S, _stat_join_on(f, S))
            .where(*event_conditions(f)).group_by(month).order_by(month))
    got = {r.month: {"month": r.month, "checkins": int(r.checkins or 0), "events": int(r.events or 0)}
           for r in db.session.execute(stmt)}
    return _fill_months(got)


def _fill_months(got: dict[str, dict]) -> list[dict]:
    """Months between the first and last with data, gaps as zeros (so quiet months show)."""
    if not got:
        return []
    first, last = min(got), max(got)
    y, m = int(first[:4]), int(first[5:])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        key = f"{y:04d}-{m:02d}"
        out.append(got.get(key, {"month": key, "checkins": 0, "events": 0}))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def least_reached(f: Filters, limit: int = LEAST_REACHED, aktif: dict[str, int] | None = None,
                  stale: set[int] | None = None) -> list[dict]:
    """Kelurahan with the fewest check-ins in the filters (zeros first).

    `aktif` maps kelurahan code -> aktif relawan (from status_by_kelurahan, already computed).
    """
    S = stat_rows(stale)
    per_kel = (select(S.c.kelurahan_kode.label("kode"), func.sum(S.c.attended).label("n"))
               .join(Event, Event.id == S.c.event_id).where(*event_conditions(f)))
    if f.kecamatan:
        per_kel = per_kel.where(kode_in_kecamatan(S.c.kelurahan_kode, f.kecamatan))
    per_kel = per_kel.group_by(S.c.kelurahan_kode).subquery()
    checkins = func.coalesce(per_kel.c.n, 0).label("checkins")
    stmt = (select(Kelurahan.kode, Kelurahan.nama, Kecamatan.nama.label("kecamatan_nama"), checkins)
            .join(Kecamatan, Kecamatan.kode == Kelurahan.kecamatan_kode)
            .outerjoin(per_kel, per_kel.c.kode == Kelurahan.kode)
            .order_by(checkins, Kelurahan.nama).limit(limit))
    if f.kecamatan:
        stmt = stmt.where(Kelurahan.kecamatan_kode == f.kecamatan)
    if aktif is None:
        aktif = {r["kode"]: r[RelawanStatus.AKTIF] for r in status_by_kelurahan(f)}
    return [{**r, "checkins": int(r["checkins"]), "aktif": aktif.get(r["kode"], 0)}
            for r in db.session.execute(stmt).mappings()]


def totals(f: Filters, kel_rows: list[dict], months: list[dict], no_kelurahan: int) -> dict:
    """Headline numbers derived from the aggregated rows."""
    return {
        "relawan": sum(r["total"] for r in kel_rows) + no_kelurahan,
        "aktif": sum(r[RelawanStatus.AKTIF] for r in kel_rows),
        "checkins": sum(m["checkins"] for m in months),
        "events": db.session.scalar(select(func.count(Event.id)).where(*event_conditions(f))) or 0,
    }
