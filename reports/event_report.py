"""Per-event figures: registered, attended, no-shows, walk-ins, by kelurahan and by instansi."""
from __future__ import annotations

from sqlalchemy import case, func, select

from events.checkin_models import CheckIn
from events.models import Event, Registration, RegistrationStatus
from extensions import db
from helpers import labels
from relawan.models import Kelurahan, Relawan
from reports.age_groups import age_group_counts
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
    """All figures of one event in two GROUP BY queries (totals are sums of the kelurahan rows)."""
    confirmed = Registration.status == RegistrationStatus.CONFIRMED
    attended = CheckIn.id.isnot(None)
    def one(cond):
        return func.sum(case((cond, 1), else_=0))
    kel = attendee_kelurahan()
    by_kel = (_base(event, kecamatan).add_columns(
        kel.label("kode"), Kelurahan.nama.label("nama"),
        one(confirmed).label("registered"), one(attended).label("attended"),
        one(confirmed & CheckIn.id.is_(None)).label("no_show"),
        one(Registration.is_walk_in & attended).label("walk_in"),
        one(Registration.status == RegistrationStatus.WAITLISTED).label("waitlisted"),
        one(Registration.status == RegistrationStatus.CANCELLED).label("cancelled"),
        one(Registration.excused).label("excused"))
        .outerjoin(Kelurahan, Kelurahan.kode == kel)
        .group_by(kel, Kelurahan.nama))
    rows = [dict(r) for r in db.session.execute(by_kel).mappings()]
    keys = ("registered", "attended", "no_show", "walk_in", "waitlisted", "cancelled", "excused")
    totals = {k: sum(int(r[k] or 0) for r in rows) for k in keys}
    totals["rate"] = round(100 * totals["attended"] / totals["registered"], 1) if totals["registered"] else None
    totals["started"] = event.starts_at <= utcnow()
    rows.sort(key=lambda r: (-(r["attended"] or 0), r["nama"] or ""))
    instansi = func.coalesce(Relawan.organisation_detail, labels.sql_label("organisation", Relawan.organisation),
                             Registration.guest_instansi, "(tidak diisi)")
    by_inst = (_base(event, kecamatan).add_columns(
        instansi.label("instansi"), one(confirmed).label("registered"), one(attended).label("attended"))
        .group_by(instansi).order_by(func.count(Registration.id).desc(), instansi).limit(50))
    return {
        "totals": totals,
        "by_kelurahan": rows,
        "by_instansi": [dict(r) for r in db.session.execute(by_inst).mappings()],
        # Families (issue 15.1): adults and children by age group, whole event (no kecamatan filter).
        "by_age_group": age_group_counts(event.id),
    }
