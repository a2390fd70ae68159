"""Checking a family or group in with one confirmation (issue 15.1).

One owner for both callers: the lead's ticket page (events/views/scanner.group_check_in) and
the door scanner's group button (events/api/group.py). Every member goes through
`service.record_scan`, so the check-in window, the one CheckIn per registration and the audit
log hold for each of them exactly as for a single scan.

Idempotence: the caller sends one scan_id for the whole group; each member's scan_id is derived
from it (uuid5 of the group's scan_id and the member's id), so a replay of the same request
returns every member's first answer and records nothing twice.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from events.checkin.service import ScanOutcome, record_scan
from events.models import Registration
from events.services.companions import ADULT, group_of
from extensions import db
from helpers import labels
from helpers.errors import DomainError
from timeutil import to_wib

# Results of members that count as "in" (nothing more to do for them).
PRESENT = ("checked_in", "already_checked_in")


class MemberNotFound(DomainError):
    code = "not_found"
    kind = "not_found"
    default = "Pendaftaran tidak ditemukan di acara ini."


class NotGroupLead(DomainError):
    """A group check-in names its lead; a companion's own ticket is checked in on its own."""

    code = "not_group_lead"
    kind = "conflict"
    default = ("Tiket ini milik pendamping rombongan. Check-in rombongan dilakukan dari tiket "
               "pendaftar utama.")


@dataclass(frozen=True)
class GroupOutcome:
    """The answer to one group check-in: an overall result (a scan result name), its sentence,
    how many members were newly checked in, and each member's own answer."""

    result: str
    message: str
    checked_in: int
    members: list[tuple[Registration, ScanOutcome]]


def registration_in(event_id: int, registration_id: int) -> Registration:
    """The registration `registration_id` of this event, else MemberNotFound (another event's
    registration is not this door's business)."""
    reg = db.session.scalar(select(Registration).where(Registration.id == registration_id,
                                                       Registration.event_id == event_id))
    if reg is None:
        raise MemberNotFound()
    return reg


def lead_of(reg: Registration) -> Registration:
    """The lead of the group `reg` belongs to (itself when it is not a companion)."""
    return reg.lead if reg.lead_registration_id is not None else reg


def member_scan_id(group_scan_id: str, registration_id: int) -> str:
    """The scan_id of one member's scan within a group check-in (stable across replays)."""
    return str(uuid.uuid5(uuid.UUID(group_scan_id), str(registration_id)))


def check_in_members(event, lead: Registration, *, by_user, scan_id: str, device: str | None = None,
                     method: str = "manual") -> Iterator[tuple[Registration, ScanOutcome]]:
    """Record a scan for each member of `lead`'s group (the lead first) and yield
    (member, outcome). The caller commits after each member: a lost race inside record_scan
    rolls the session's unit of work back, which must not take the members before it along.
    Raises NotGroupLead for a companion."""
    if lead.lead_registration_id is not None:
        raise NotGroupLead()
    for member in group_of(lead):
        member_id = member.id
        yield member, record_scan(event, by_user=by_user, scan_id=member_scan_id(scan_id, member_id),
                                  device=device, method=method, registration_id=member_id)


def summarise(lead: Registration, members: list[tuple[Registration, ScanOutcome]]) -> GroupOutcome:
    """The overall answer: checked_in when anyone was newly checked in, already_checked_in when
    everyone already was, else the first refusal (e.g. outside_window)."""
    new = sum(1 for _m, o in members if o.result == "checked_in")
    already = sum(1 for _m, o in members if o.result == "already_checked_in")
    refused = [o for _m, o in members if o.result not in PRESENT]
    if new:
        result = "checked_in"
    elif not refused:
        result = "already_checked_in"
    else:
        result = refused[0].result
    parts = [f"{new} dicatat hadir"] if new else []
    if already:
        parts.append(f"{already} sudah hadir sebelumnya")
    if refused:
        parts.append(f"{len(refused)} ditolak")
    message = f"Rombongan {lead.display_name} ({len(members)} orang): {', '.join(parts) or 'kosong'}."
    if refused:
        message += f" {refused[0].body['message']}"
    return GroupOutcome(result, message, new, members)


def member_item(reg: Registration, outcome: ScanOutcome | None = None) -> dict:
    """One member as the scanner shows it: name, relation, age group, present or not (and, after
    a group check-in, this member's own answer)."""
    check_in = reg.check_in
    item = {"registration_id": reg.id, "name": reg.display_name,
            "is_lead": reg.lead_registration_id is None,
            "relation": labels.label("companion_relation", reg.companion_relation)
            if reg.companion_relation else None,
            "age_group": reg.age_group or ADULT,
            "age_group_label": labels.label("age_group", reg.age_group or ADULT),
            "status": reg.status, "checked_in": check_in is not None,
            "checked_in_at": to_wib(check_in.recorded_at).isoformat(timespec="seconds")
            if check_in is not None else None}
    if outcome is not None:
        item.update(result=outcome.result, message=outcome.body["message"],
                    checkin_id=outcome.body.get("checkin_id"))
    return item


def group_body(reg: Registration) -> dict:
    """The group of `reg` (lead or companion) for the scanner: its lead and every member that is
    not cancelled, and how many of them may still be checked in."""
    lead = lead_of(reg)
    members = [member_item(m) for m in group_of(lead)]
    pending = sum(1 for m in members if not m["checked_in"] and m["status"] == "confirmed")
    return {"lead_registration_id": lead.id, "lead_name": lead.display_name,
            "size": len(members), "pending": pending, "members": members}
