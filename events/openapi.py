"""OpenAPI 3.0 description of /api/v1, served at /api/v1/openapi.json.

Kept true by tests/events/test_api_openapi.py, which runs schemathesis against the app.
"""
from __future__ import annotations

from events.api.auth import MAX_JSON_BYTES, MAX_JSON_DEPTH
from events.api.checkin import MAX_DEVICE_LENGTH, MAX_QUERY_LENGTH, STATUS_OF_RESULT
from events.checkin.codes import MAX_CODE_LENGTH
from events.checkin.doorlist import DELTA_OVERLAP, FIELDS, HASH_NAME, MAX_CURSOR_LENGTH
from events.checkin.force import MAX_REASON_LENGTH
from events.openapi_group import ATTENDEE_GROUP, GROUP_PATHS, GROUP_SCHEMAS

RESULTS = list(STATUS_OF_RESULT)
ERRORS = ["bad_request", "unauthorized", "forbidden", "not_found", "error"]


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


ATTENDEE = {"type": "object", "nullable": True, "required": ["name", "instansi"],
            "properties": {"name": {"type": "string"},
                           "instansi": _nullable({"type": "string"}), **ATTENDEE_GROUP}}
FIRST = {"type": "object", "nullable": True, "required": ["at", "by"],
         "description": "The first check-in of this registration: server time (WIB) and who.",
         "properties": {"at": {"type": "string", "format": "date-time"},
                        "scanned_at": {"type": "string", "format": "date-time"},
                        "by": {"type": "string", "description": "User name and device."},
                        "device": _nullable({"type": "string"}),
                        "method": {"type": "string", "enum": ["qr", "search", "manual"]}}}
CHECKIN_RESULT = {
    "type": "object",
    "required": ["result", "message", "attendee", "first_check_in", "checkin_id"],
    "properties": {
        "result": {"type": "string", "enum": RESULTS},
        "message": {"type": "string", "description": "An Indonesian sentence for the door staff."},
        "attendee": {"$ref": "#/components/schemas/Attendee"},
        "first_check_in": {"$ref": "#/components/schemas/FirstCheckIn"},
        "checkin_id": {"type": "integer", "nullable": True,
                       "description": "The CheckIn row (new one for checked_in, the first one for "
                                      "already_checked_in), usable for undo."},
        "walk_in": {"type": "boolean", "description": "checked_in only: registered at the door."},
        "forced": {"type": "boolean", "description": "checked_in only: recorded outside the "
                                                     "check-in window with a reason (force)."},
        "window": {"type": "object", "required": ["opens", "closes"],
                   "description": "outside_window only: the event's check-in window (WIB).",
                   "properties": {"opens": {"type": "string", "format": "date-time"},
                                  "closes": {"type": "string", "format": "date-time"}}},
        "movement": {"type": "object", "required": ["direction", "seq", "at"],
                     "description": "checked_out, re_entered: the pass just recorded; "
                                    "already_checked_out: the last one (check-out events).",
                     "properties": {"direction": {"type": "string", "enum": ["in", "out"]},
                                    "seq": {"type": "integer", "minimum": 2,
                                            "description": "2 = first out, 3 = in again, ..."},
                                    "at": {"type": "string", "format": "date-time"},
                                    "by": {"type": "string"},
                                    "device": _nullable({"type": "string"})}},
        "ticket_event": {"type": "object", "description": "wrong_event only: the ticket's event "
                                                          "(its holder is not named).",
                         "properties": {"id": {"type": "integer"}, "title": {"type": "string"},
                                        "starts_at": {"type": "string", "format": "date-time"}}},
    },
}
ERROR = {
    "type": "object", "required": ["result", "message", "attendee", "first_check_in"],
    "properties": {"result": {"type": "string", "enum": ERRORS},
                   "message": {"type": "string", "description": "Indonesian explanation."},
                   "attendee": {"type": "object", "nullable": True},
                   "first_check_in": {"type": "object", "nullable": True},
                   "fields": {"type": "object", "additionalProperties": {"type": "string"},
                              "description": "A message per body field (e.g. scanned_at)."}},
}


def _json(ref: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _errors(*codes: int) -> dict:
    text = {400: "Malformed request: body or query (a query string with a NUL or another "
                 "control character is refused on every operation).", 401: "No or invalid credentials.",
            403: "Role may not do this, or CSRF token missing for cookie auth.",
            404: "Unknown event or check-in.", 405: "Method not allowed.",
            413: f"Body larger than {MAX_JSON_BYTES} bytes.", 429: "Too many requests."}
    return {str(c): _json("Error", text[c]) for c in codes}


EVENT_ID = {"name": "event_id", "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}


def spec() -> dict:
    """The document (a fresh dict each call)."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "P2TP2A Kota Serang — API check-in", "version": "1.0.0",
                 "description": "Check-in for door scanners and integrations. Every answer is "
                                "JSON; messages are Indonesian. A replayed scan_id returns the "
                                "first answer (same status and body)."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}, {"cookieAuth": [], "csrfHeader": []}],
        "paths": {
            "/events": {"get": {
                "operationId": "listScannableEvents", "summary": "Events the caller may scan",
                "responses": {"200": {"description": "Events running now or within two weeks.",
                                      "content": {"application/json": {"schema": {
                                          "type": "object", "required": ["items"],
                                          "properties": {"items": {"type": "array", "items": {
                                              "$ref": "#/components/schemas/Event"}}}}}}},
                              **_errors(400, 401)}}},
            "/events/{event_id}/checkins": {"post": {
                "operationId": "checkIn", "summary": "Record one scan",
                "parameters": [EVENT_ID],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Scan"}}}},
                "responses": {
                    "201": _json("CheckInResult", "checked_in, or on a check-out event "
                                                  "checked_out / re_entered (a pass out or in "
                                                  "again; the check-in stays one row)"),
                    "200": _json("CheckInResult", "already_checked_in (or a replay of a scan_id "
                                                  "whose first answer was 200)"),
                    "404": {"description": "invalid_code (CheckInResult), or unknown event (Error)",
                            "content": {"application/json": {"schema": {"oneOf": [
                                {"$ref": "#/components/schemas/CheckInResult"},
                                {"$ref": "#/components/schemas/Error"}]}}}},
                    "409": _json("CheckInResult", "not_registered, wrong_event, cancelled or "
                                                  "outside_window (the scan time is outside "
                                                  "the event's check-in window; panitia and "
                                                  "admin may resend with force and reason), "
                                                  "or for direction out: checkout_disabled, "
                                                  "not_checked_in, already_checked_out"),
                    **_errors(400, 401, 403, 413)}}},
            "/events/{event_id}/stats": {"get": {
                "operationId": "eventStats", "summary": "Live counter",
                "parameters": [EVENT_ID],
                "responses": {"200": _json("Stats", "Counts."), **_errors(400, 401, 403, 404)}}},
            "/events/{event_id}/registrations": {"get": {
                "operationId": "searchRegistrations",
                "summary": "Find confirmed registrants by name or phone (door search)",
                "parameters": [EVENT_ID, {
                    "name": "q", "in": "query", "required": False,
                    "description": "At least 2 characters of a name or phone number; shorter "
                                   "gives an empty list with a hint.",
                    "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH}}],
                "responses": {"200": _json("RegistrationList", "Up to 20 matches."),
                              **_errors(400, 401, 403, 404)}}},
            "/events/{event_id}/door-list": {"get": {
                "operationId": "doorList",
                "summary": "Door list for offline scanning (ticket hashes, names, check-ins)",
                "description": (
                    "Every registration of the event (all statuses) as `[h, c, name, label, "
                    "status, checked_in_at]`: `h` is the first 16 hex characters of SHA-256 "
                    "of the ticket token, `c` the same of the relawan's personal card (null "
                    "for guests); never a token, NIK, phone or email. Without `since` (or with "
                    "another event's or a stale cursor) the list is full (`full: true`, the "
                    "client replaces its list); with the `cursor` of an earlier answer it "
                    "holds what changed since (`full: false`: merge items by `h`, drop the "
                    f"hashes in `removed`), looking {int(DELTA_OVERLAP.total_seconds() // 60)} "
                    "minutes further back so no concurrent commit is missed."),
                "parameters": [EVENT_ID, {
                    "name": "since", "in": "query", "required": False,
                    "description": "The `cursor` of an earlier answer (opaque); anything else "
                                   "is refused with 400.",
                    "schema": {"type": "string", "maxLength": MAX_CURSOR_LENGTH}}],
                "responses": {"200": _json("DoorList", "The list, full or changed since."),
                              **_errors(400, 401, 403, 404)}}},
            "/checkins/{checkin_id}": {"delete": {
                "operationId": "undoCheckIn", "summary": "Undo a check-in (panitia, admin)",
                "description": "Deletes the check-in and writes it to the audit log. Scan "
                               "replays keep returning their first answer.",
                "parameters": [{"name": "checkin_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}],
                "responses": {"200": _json("Undone", "Undone."), **_errors(400, 401, 403, 404)}}},
            **GROUP_PATHS,
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "`flask --app app tokens create --user EMAIL "
                                              "--name \"HP pintu 1\"` or the Token API page."},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"},
                "csrfHeader": {"type": "apiKey", "in": "header", "name": "X-CSRFToken",
                               "description": "Required with cookieAuth on POST and DELETE."},
            },
            "schemas": {
                **GROUP_SCHEMAS,
                "Scan": {"type": "object", "required": ["scan_id"], "description": (
                    "One scan: the scanned `code`, or `registration_id` for a person found by "
                    f"the door search (exactly one of the two). JSON at most {MAX_JSON_BYTES} "
                    f"bytes and {MAX_JSON_DEPTH} levels deep."),
                    "oneOf": [{"required": ["code"]}, {"required": ["registration_id"]}],
                    "properties": {
                    "code": {"type": "string", "minLength": 1, "maxLength": MAX_CODE_LENGTH,
                             "description": "Scanned text: the full ticket or card URL "
                                            "(…/t/<token>) or the bare token.",
                             "pattern": r"\S"},
                    "registration_id": {"type": "integer", "minimum": 1, "maximum": 2147483647,
                                        "description": "A registration of this event, from the "
                                                       "door search (method `search`)."},
                    "scan_id": {"type": "string", "format": "uuid",
                                "description": "Made by the device once per scan; replays "
                                               "return the first answer."},
                    "scanned_at": {"type": "string", "format": "date-time", "nullable": True,
                                   "maxLength": 40,
                                   "description": "Device time of the scan (offline uploads): "
                                                  "at most 5 minutes ahead of the server and "
                                                  "at most 30 days old, else 400. The check-in "
                                                  "window is judged on it."},
                    "device": {"type": "string", "nullable": True,
                               "maxLength": MAX_DEVICE_LENGTH},
                    "method": {"type": "string", "nullable": True,
                               "enum": ["qr", "search", "manual"]},
                    "force": {"type": "boolean", "nullable": True,
                              "description": "Panitia/admin only (403 otherwise): check in "
                                             "although the scan is outside the check-in window; "
                                             "needs `reason`, kept on the check-in and in the "
                                             "audit log."},
                    "reason": {"type": "string", "nullable": True,
                               "maxLength": MAX_REASON_LENGTH,
                               "description": "Why a check-in is forced (with `force`)."},
                    "direction": {"type": "string", "nullable": True, "enum": ["in", "out"],
                                  "description": "Events with check-out (the scanner's "
                                                 "Masuk/Keluar switch): `out` records a pass "
                                                 "out (not with `force`); `in` (default) checks "
                                                 "in, or records the re-entry of a person "
                                                 "outside."}}},
                "Attendee": ATTENDEE,
                "FirstCheckIn": FIRST,
                "CheckInResult": CHECKIN_RESULT,
                "Error": ERROR,
                "Stats": {"type": "object", "required": ["registered", "checked_in", "inside_now",
                                                        "peak_inside", "by_hour"],
                          "properties": {
                              "event_id": {"type": "integer"},
                              "registered": {"type": "integer", "minimum": 0},
                              "checked_in": {"type": "integer", "minimum": 0},
                              "inside_now": {"type": "integer", "minimum": 0, "description": (
                                  "Checked in and not outside now (check-out events; "
                                  "otherwise equal to checked_in).")},
                              "peak_inside": {"type": "integer", "minimum": 0, "description": (
                                  "The most people inside at one moment, from the check-ins "
                                  "and the passes out and in again in time order.")},
                              "by_hour": {"type": "array", "items": {
                                  "type": "object", "required": ["hour", "count"],
                                  "properties": {"hour": {"type": "string",
                                                          "description": "Start of the hour, WIB."},
                                                 "count": {"type": "integer", "minimum": 0}}}}}},
                "RegistrationList": {"type": "object", "required": ["items"], "properties": {
                    "message": {"type": "string", "nullable": True},
                    "items": {"type": "array", "items": {
                        "type": "object",
                        "required": ["registration_id", "name", "instansi",
                                     "phone_masked", "checked_in"],
                        "description": "Never the ticket token: check a found person in with "
                                       "`registration_id`.",
                        "properties": {
                            "registration_id": {"type": "integer",
                                                "description": "Send as `registration_id`."},
                            "name": {"type": "string"},
                            "instansi": {"type": "string", "nullable": True},
                            "phone_masked": {"type": "string", "nullable": True},
                            "checked_in": {"type": "boolean"},
                            "status": {"type": "string"}}}}}},
                "Undone": {"type": "object", "required": ["result", "message"], "properties": {
                    "result": {"type": "string", "enum": ["undone"]},
                    "message": {"type": "string"},
                    "checkin_id": {"type": "integer"},
                    "attendee": {"$ref": "#/components/schemas/Attendee"},
                    "first_check_in": {"type": "object", "nullable": True}}},
                "DoorList": {
                    "type": "object",
                    "required": ["event_id", "cursor", "full", "window", "hash", "fields",
                                 "items", "removed"],
                    "properties": {
                        "event_id": {"type": "integer"},
                        "cursor": {"type": "string", "maxLength": MAX_CURSOR_LENGTH,
                                   "description": "Send back as `since`."},
                        "full": {"type": "boolean"},
                        "window": {"type": "object", "required": ["opens", "closes"],
                                   "description": "The event's check-in window (WIB).",
                                   "properties": {
                                       "opens": {"type": "string", "format": "date-time"},
                                       "closes": {"type": "string", "format": "date-time"}}},
                        "hash": {"type": "string", "enum": [HASH_NAME]},
                        "fields": {"type": "array", "items": {"type": "string", "enum": FIELDS}},
                        "items": {"type": "array", "items": {
                            "type": "array", "minItems": len(FIELDS), "maxItems": len(FIELDS),
                            "description": "h, c (or null), name, label (or null), status "
                                           "(confirmed, waitlisted, cancelled), checked_in_at "
                                           "(scan time, WIB, or null).",
                            "items": {}}},
                        "removed": {"type": "array", "items": {"type": "string"}}}},
                "Event": {"type": "object", "required": ["id", "title"], "properties": {
                    "id": {"type": "integer"}, "title": {"type": "string"},
                    "kind": {"type": "string"}, "venue_name": {"type": "string"},
                    "starts_at": {"type": "string", "format": "date-time"},
                    "ends_at": {"type": "string", "format": "date-time"}}},
            },
        },
    }
