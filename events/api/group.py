"""Family and group check-in for the door scanner (issue 15.1).

The scanner shows the group of a scanned lead or companion (GET .../group) and checks the members
not yet in with one confirmation (POST .../group-checkins). Same authentication and event access
as the scan API; the rules live in events/checkin/group.py (shared with the lead's ticket page).
Online only: the offline queue holds single scans, never a group.
"""
from __future__ import annotations

from flask import g, jsonify

from events.api import bp
from events.api.auth import MAX_ID, api_login_required, json_body
from events.api.checkin import MAX_DEVICE_LENGTH, STATUS_OF_RESULT, BadBody, optional_str, scan_id_of
from events.checkin.access import scannable_event
from events.checkin.group import (
    MemberNotFound,
    check_in_members,
    group_body,
    member_item,
    registration_in,
    summarise,
)
from extensions import db


def _registration(event_id: int, registration_id: int):
    if registration_id > MAX_ID:
        raise MemberNotFound()
    return registration_in(event_id, registration_id)


def parse_group_scan(body) -> dict:
    """Validate a group check-in body ({"scan_id", "device"?}); raises BadBody in Indonesian."""
    if not isinstance(body, dict):
        raise BadBody("Isi permintaan harus berupa objek JSON.")
    return {"scan_id": scan_id_of(body),
            "device": optional_str(body, "device", MAX_DEVICE_LENGTH, "Kolom 'device'")}


@bp.get("/events/<int:event_id>/registrations/<int:registration_id>/group")
@api_login_required
def group(event_id: int, registration_id: int):
    """The group of a lead or companion: members, relation, age group, who is already in."""
    event = scannable_event(g.api_user, event_id)
    return jsonify(group_body(_registration(event.id, registration_id)))


@bp.post("/events/<int:event_id>/registrations/<int:registration_id>/group-checkins")
@api_login_required
def group_check_in(event_id: int, registration_id: int):
    """Check in every member of the lead's group not yet in (each through record_scan); a replay
    of the scan_id returns the first answers."""
    event = scannable_event(g.api_user, event_id)
    lead = _registration(event.id, registration_id)
    scan = parse_group_scan(json_body())
    members = []
    for member, outcome in check_in_members(event, lead, by_user=g.api_user, scan_id=scan["scan_id"],
                                            device=scan["device"]):
        db.session.commit()  # one member at a time (check_in_members says why)
        members.append((member, outcome))
    answer = summarise(lead, members)
    body = {"result": answer.result, "message": answer.message, "checked_in": answer.checked_in,
            "lead_registration_id": lead.id,
            "members": [member_item(m, o) for m, o in answer.members]}
    return jsonify(body), STATUS_OF_RESULT[answer.result]
