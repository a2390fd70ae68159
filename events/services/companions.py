"""Families and groups (issue 15.1): a registrant brings companions.

A companion is a Registration row of its own (its own ticket token, seat, waitlist place and
check-in, so capacity, check-in uniqueness and the daftar hadir keep working) pointing at the
lead's row through `lead_registration_id`. The seat rules (a family is seated, waitlisted and
promoted as one unit) live in events/services/registration.py; this module owns what a companion
is (validation) and the group of a lead; the group check-in is events/checkin/group.py and the
count by age group reports/age_groups.py.
An age_group of NULL counts as "dewasa" (ADULT): relawan and guests register themselves as adults.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from events.models import Registration, RegistrationStatus
from extensions import db
from helpers import labels
from helpers.errors import DomainError
from timeutil import utcnow

MAX_COMPANIONS = 5
ADULT = "dewasa"


class InvalidCompanion(DomainError):
    code = "invalid_companion"
    kind = "invalid"
    default = "Data pendamping tidak lengkap."


@dataclass(frozen=True)
class Companion:
    name: str
    relation: str
    age_group: str


def clean_companions(rows: list[dict]) -> list[Companion]:
    """Companions from form rows ({"name", "relation", "age_group"}); a row with every field
    empty is skipped. Raises InvalidCompanion with a message per field (`companion-<i>-<key>`)."""
    found, errors = [], {}
    for i, row in enumerate(rows):
        name = " ".join((row.get("name") or "").split())
        relation, age = row.get("relation") or "", row.get("age_group") or ""
        if not (name or relation or age):
            continue
        if not 2 <= len(name) <= 120:
            errors[f"companion-{i}-name"] = f"Pendamping {i + 1}: isi nama (2-120 huruf)."
        if relation not in labels.LABELS["companion_relation"]:
            errors[f"companion-{i}-relation"] = f"Pendamping {i + 1}: pilih hubungan."
        if age not in labels.LABELS["age_group"]:
            errors[f"companion-{i}-age_group"] = f"Pendamping {i + 1}: pilih kelompok usia."
        found.append(Companion(name, relation, age))
    if len(found) > MAX_COMPANIONS:
        errors["companions"] = f"Paling banyak {MAX_COMPANIONS} pendamping per pendaftar."
    if errors:
        raise InvalidCompanion(fields=errors)
    return found


def companion_row(lead: Registration, companion: Companion, token: str) -> Registration:
    """The registration of one companion: same event, status and source as the lead."""
    return Registration(
        event_id=lead.event_id, lead_registration_id=lead.id, guest_name=companion.name,
        companion_relation=companion.relation, age_group=companion.age_group,
        status=lead.status, source=lead.source, token=token, created_at=lead.created_at or utcnow())


def group_of(reg: Registration) -> list[Registration]:
    """The lead and its companions that are not cancelled (the lead first); [reg] for a
    registration without companions."""
    return [reg] + [c for c in reg.companions if c.status != RegistrationStatus.CANCELLED]


def export_of(reg: Registration) -> list[dict]:
    """A lead's companions as they appear in the person's own data export."""
    return [{"name": c.guest_name, "relation": labels.label("companion_relation", c.companion_relation),
             "age_group": labels.label("age_group", c.age_group), "status": c.status}
            for c in reg.companions]


def forget_companions_of(relawan_id: int) -> None:
    """Anonymisation of a relawan: their companions' names and relations are erased; the age
    group stays (counts only)."""
    leads = select(Registration.id).where(Registration.relawan_id == relawan_id).scalar_subquery()
    db.session.execute(update(Registration).where(Registration.lead_registration_id.in_(leads))
                       .values(guest_name="Pendamping terhapus", companion_relation=None)
                       .execution_options(synchronize_session=False))
