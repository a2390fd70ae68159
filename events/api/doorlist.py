"""The door list for offline scanning: GET /api/v1/events/<id>/door-list[?since=<cursor>]."""
from __future__ import annotations

from flask import g, jsonify, request

from events.api import bp
from events.api.auth import api_login_required, error
from events.checkin.access import scannable_event
from events.checkin.doorlist import BadCursor, door_list


@bp.get("/events/<int:event_id>/door-list")
@api_login_required
def event_door_list(event_id: int):
    """Ticket hashes, names and check-ins of the event, in full or changed since a cursor."""
    event = scannable_event(g.api_user, event_id)  # 404 / 403 before a bad cursor's 400
    try:
        body = door_list(event, request.args.get("since"))
    except BadCursor as exc:
        return error(400, "bad_request", exc.message)
    return jsonify(body)
