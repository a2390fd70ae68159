"""Adults and children by age group (issue 15.1): the one count behind the event report, the
daftar hadir and the dashboard.

A companion's age group is chosen at registration; relawan and guests register themselves as
adults, so a registration without an age group counts as dewasa (companions.ADULT). Registered
= confirmed registrations; attended = confirmed registrations with a check-in. One GROUP BY.
With a kecamatan, a registration counts where its family lives: its own relawan or guest
kelurahan, else (a companion has none of its own) its lead's.
"""
from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from events.checkin_models import CheckIn
from events.models import Event, Registration, RegistrationStatus
from events.services.companions import ADULT
from extensions import db
from helpers import labels
from relawan.models import Relawan
from reports.queries import Filters, event_conditions, kode_in_kecamatan


def age_group_counts(events: int | Select, *, kecamatan: str | None = None) -> dict[str, dict[str, int]]:
    """{"registered": {age group: n}, "attended": {...}} for one event (its id) or the events of
    a SELECT of event ids, in the label map's order (dewasa, remaja, anak, balita)."""
    age = func.coalesce(Registration.age_group, ADULT)
    of_events = (Registration.event_id == events if isinstance(events, int)
                 else Registration.event_id.in_(events))
    stmt = (select(age, func.count(Registration.id), func.count(CheckIn.id))
            .select_from(Registration).outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
            .where(of_events, Registration.status == RegistrationStatus.CONFIRMED).group_by(age))
    if kecamatan:
        lead, lead_relawan = aliased(Registration), aliased(Relawan)
        family_kelurahan = func.coalesce(Relawan.kelurahan_kode, Registration.guest_kelurahan_kode,
                                         lead_relawan.kelurahan_kode, lead.guest_kelurahan_kode)
        stmt = (stmt.outerjoin(Relawan, Relawan.id == Registration.relawan_id)
                .outerjoin(lead, lead.id == Registration.lead_registration_id)
                .outerjoin(lead_relawan, lead_relawan.id == lead.relawan_id)
                .where(kode_in_kecamatan(family_kelurahan, kecamatan)))
    rows = db.session.execute(stmt).all()
    registered = {code: int(n) for code, n, _present in rows}
    attended = {code: int(present) for code, _n, present in rows}
    codes = labels.LABELS["age_group"]
    return {"registered": {c: registered.get(c, 0) for c in codes},
            "attended": {c: attended.get(c, 0) for c in codes}}


def dashboard_age_groups(f: Filters) -> dict[str, dict[str, int]]:
    """The counts for the dashboard: the events in its filters (queries.event_conditions), in the
    koordinator's or the chosen kecamatan."""
    return age_group_counts(select(Event.id).where(*event_conditions(f)), kecamatan=f.kecamatan)


def age_group_line(counts: dict[str, int]) -> str:
    """"Dewasa: 1, Remaja 13-17: 0, Anak 6-12: 2, Balita: 0" for reports and the daftar hadir."""
    return ", ".join(f"{labels.label('age_group', code)}: {n}" for code, n in counts.items())
