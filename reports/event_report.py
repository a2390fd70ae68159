"""Per-event figures: registered, attended, no-shows, walk-ins, by kelurahan and by instansi."""
from __future__ import annotations

from sqlalchemy import case, func, select

from events.checkin_models import CheckIn
from events.models import Event, Registration, RegistrationStatus
from extensions import db
from relawan.models import Kelurahan, Relawan
from reports.queries import attendee_kelurahan, kode_in_kecamatan
from timeutil import utcnow


def _base(event: Event, kecamatan: str | None):
    stmt = (select().select_from(Registration)
            .outerjoin(Relawan, Relawan.id == Registration.relawan_id)
            .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
            .where(Registration.event_id == event.id))
    if kecamatan:
        stmt = stmt.where(kode_in_kecamatan(attendee_kelurahan(), kecamatan))
    return stmt


def event_summary(event: Event, kecamatan: str | None = None) -> dict:
    """All figures of one event in three GROUP BY queries."""
    confirmed = Registration.status == RegistrationStatus.CONFIRMED
    one = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
    head = _base(event, kecamatan).add_columns(
        one(confirmed).label("registered"),
        one(CheckIn.id.isnot(None)).label("attended"),
        one(confirmed & CheckIn.id.is_(None)).label("no_show"),
        one(Registration.is_walk_in & CheckIn.id.isnot(None)).label("walk_in"),
        one(Registration.status == RegistrationStatus.WAITLISTED).label("waitlisted"),
        one(Registration.status == RegistrationStatus.CANCELLED).label("cancelled"),
        one(Registration.excused).label("excused"))
    totals = {k: int(v or 0) for k, v in db.session.execute(head).mappings().one().items()}
    totals["rate"] = round(100 * totals["attended"] / totals["registered"], 1) if totals["registered"] else None
    totals["started"] = event.starts_at <= utcnow()

    kel = attendee_kelurahan()
    by_kel = (_base(event, kecamatan).add_columns(
        kel.label("kode"), Kelurahan.nama.label("nama"),
        one(confirmed).label("registered"), one(CheckIn.id.isnot(None)).label("attended"))
        .outerjoin(Kelurahan, Kelurahan.kode == kel)
        .group_by(kel, Kelurahan.nama).order_by(func.sum(case((CheckIn.id.isnot(None), 1), else_=0)).desc(),
                                                  Kelurahan.nama))
    instansi = func.coalesce(Relawan.organisation_detail, Relawan.organisation,
                             Registration.guest_instansi, "(tidak diisi)")
    by_inst = (_base(event, kecamatan).add_columns(
        instansi.label("instansi"), one(confirmed).label("registered"),
        one(CheckIn.id.isnot(None)).label("attended"))
        .group_by(instansi).order_by(func.count(Registration.id).desc(), instansi).limit(50))
    return {
        "totals": totals,
        "by_kelurahan": [dict(r) for r in db.session.execute(by_kel).mappings()],
        "by_instansi": [dict(r) for r in db.session.execute(by_inst).mappings()],
    }
