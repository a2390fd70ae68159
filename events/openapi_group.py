"""The OpenAPI description of the family/group check-in (events/api/group.py), merged into the
document by events/openapi.py (GROUP_PATHS, GROUP_SCHEMAS, and ATTENDEE_GROUP in a scan's attendee)."""
from __future__ import annotations

from events.api.checkin import MAX_DEVICE_LENGTH, STATUS_OF_RESULT
from helpers.labels import LABELS

_ID = {"type": "integer", "minimum": 1, "maximum": 2147483647}
_PARAMS = [{"name": "event_id", "in": "path", "required": True, "schema": _ID},
           {"name": "registration_id", "in": "path", "required": True, "schema": _ID,
            "description": "A registration of this event: the group's lead or (GET only) one of "
                           "its companions (the scan answer's attendee.registration_id)."}]


def _json(ref: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _error(description: str) -> dict:
    return _json("Error", description)


_ERRORS = {"400": _error("Malformed request (body or query)."), "401": _error("No or invalid credentials."),
           "403": _error("Role may not scan this event, or CSRF token missing for cookie auth."),
           "404": _error("Unknown event, or no such registration in this event.")}

MEMBER = {
    "type": "object",
    "required": ["registration_id", "name", "is_lead", "relation", "age_group", "age_group_label",
                 "status", "checked_in", "checked_in_at"],
    "properties": {
        "registration_id": {"type": "integer"}, "name": {"type": "string"},
        "is_lead": {"type": "boolean"},
        "relation": {"type": "string", "nullable": True,
                     "description": "The companion's relation to the lead (label); null for the lead."},
        "age_group": {"type": "string", "enum": list(LABELS["age_group"]),
                      "description": "No age group recorded (relawan, guests) counts as dewasa."},
        "age_group_label": {"type": "string"},
        "status": {"type": "string", "enum": ["confirmed", "waitlisted", "cancelled"]},
        "checked_in": {"type": "boolean"},
        "checked_in_at": {"type": "string", "format": "date-time", "nullable": True},
        "result": {"type": "string", "enum": list(STATUS_OF_RESULT),
                   "description": "Group check-in only: this member's own scan result."},
        "message": {"type": "string"},
        "checkin_id": {"type": "integer", "nullable": True}}}

GROUP_SCHEMAS = {
    "GroupMember": MEMBER,
    "Group": {"type": "object", "required": ["lead_registration_id", "lead_name", "size", "pending", "members"],
              "properties": {
                  "lead_registration_id": {"type": "integer"}, "lead_name": {"type": "string"},
                  "size": {"type": "integer", "minimum": 1,
                           "description": "The lead and the companions not cancelled."},
                  "pending": {"type": "integer", "minimum": 0,
                              "description": "Confirmed members not checked in yet."},
                  "members": {"type": "array", "items": {"$ref": "#/components/schemas/GroupMember"}}}},
    "GroupScan": {"type": "object", "required": ["scan_id"], "properties": {
        "scan_id": {"type": "string", "format": "uuid",
                    "description": "Made by the device once per group check-in; a replay returns "
                                   "every member's first answer."},
        "device": {"type": "string", "nullable": True, "maxLength": MAX_DEVICE_LENGTH}}},
    "GroupCheckInResult": {
        "type": "object", "required": ["result", "message", "checked_in", "lead_registration_id", "members"],
        "properties": {
            "result": {"type": "string", "enum": list(STATUS_OF_RESULT),
                       "description": "checked_in when anyone was newly checked in, "
                                      "already_checked_in when everyone already was, else the "
                                      "first member's refusal (e.g. outside_window)."},
            "message": {"type": "string", "description": "An Indonesian sentence for the door staff."},
            "checked_in": {"type": "integer", "minimum": 0, "description": "Members newly checked in."},
            "lead_registration_id": {"type": "integer"},
            "members": {"type": "array", "items": {"$ref": "#/components/schemas/GroupMember"}}}},
    "NotGroupLead": {"type": "object", "required": ["result", "message"], "properties": {
        "result": {"type": "string", "enum": ["not_group_lead"]}, "message": {"type": "string"}}},
}

GROUP_PATHS = {
    "/events/{event_id}/registrations/{registration_id}/group": {"get": {
        "operationId": "registrationGroup",
        "summary": "The family or group of a scanned lead or companion",
        "parameters": _PARAMS,
        "responses": {"200": _json("Group", "The lead first, then the companions."), **_ERRORS}}},
    "/events/{event_id}/registrations/{registration_id}/group-checkins": {"post": {
        "operationId": "groupCheckIn",
        "summary": "Check in every member of the lead's group not yet in (one confirmation)",
        "description": "Each member is one scan with the same rules (check-in window, one "
                       "check-in per registration, audit). Online only.",
        "parameters": _PARAMS,
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/GroupScan"}}}},
        "responses": {
            "201": _json("GroupCheckInResult", "At least one member newly checked in."),
            "200": _json("GroupCheckInResult", "Everyone was already checked in."),
            "409": {"description": "Nobody could be checked in (e.g. outside_window: "
                                   "GroupCheckInResult), or the registration is a companion "
                                   "(not_group_lead).",
                    "content": {"application/json": {"schema": {"oneOf": [
                        {"$ref": "#/components/schemas/GroupCheckInResult"},
                        {"$ref": "#/components/schemas/NotGroupLead"}]}}}},
            "413": _error("Body too large."), **_ERRORS}}},
}

# The group fields of a scan answer's attendee (messages.scan_attendee).
ATTENDEE_GROUP = {
    "registration_id": {"type": "integer", "description": "The scanned registration."},
    "group_size": {"type": "integer", "minimum": 1,
                   "description": "Its family/group (lead and companions not cancelled); > 1: "
                                  "the scanner offers the group check-in."},
    "lead_registration_id": {"type": "integer", "nullable": True,
                             "description": "The group's lead when this is a companion."}}
