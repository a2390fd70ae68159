"""Scanner pages (check-in): event picker, the camera scanner, one-tap check-in from a ticket.

The door desk and door-staff pages live in events/views/door.py, the badge PDFs in events/views/badges.py.
"""
from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from events import bp
from events.api.checkin import STATUS_OF_RESULT
from events.checkin.access import can_force, can_scan, can_undo, has_any_grant, scannable_events
from events.checkin.force import MAX_REASON_LENGTH, BadForceReason, force_reason
from events.checkin.group import check_in_members
from events.checkin.service import new_scan_id, record_scan
from events.models import Event, Registration
from extensions import db
from helpers.forms import BAD_CHARS
from timeutil import utcnow

WASM_URL = "/static/vendor/zxing-wasm-3.1.3/zxing_reader.wasm"
PONYFILL_URL = "/static/vendor/barcode-detector-3.2.2/ponyfill.js"
RESULT_CLASS = {"checked_in": "ok", "re_entered": "ok", "already_checked_in": "warn"}


def scannable_event_or_403(event_id: int) -> Event:
    """The event, if the current user may scan it (admin, panitia, or its door staff)."""
    event = db.get_or_404(Event, event_id)
    if not can_scan(current_user, event.id):
        abort(403)
    return event


@bp.app_context_processor
def checkin_helpers():
    """`can_check_in(event_id)` for templates (the ticket page's one-tap check-in)."""
    def can_check_in(event_id) -> bool:
        return bool(current_user.is_authenticated and event_id and can_scan(current_user, event_id))
    return {"can_check_in": can_check_in}


@bp.get("/pindai")
@login_required
def scanner_home():
    """Events the user may scan today or soon (door staff: only their events)."""
    staff = current_user.is_staff
    if not staff and current_user.role != "relawan" and not has_any_grant(current_user):
        abort(403)
    return render_template("events/scanner_home.html", events=scannable_events(current_user),
                           staff=staff, now=utcnow())


@bp.get("/pindai/<int:event_id>")
@login_required
def scanner(event_id: int):
    """The camera scanner for one event (JS: static/js/scanner.js)."""
    event = scannable_event_or_403(event_id)
    return render_template("events/scanner.html", event=event, wasm_url=WASM_URL,
                           ponyfill_url=PONYFILL_URL, can_undo=can_undo(current_user),
                           can_force=can_force(current_user))


@bp.post("/t/<token>/check-in")
@login_required
def ticket_check_in(token: str):
    """One-tap check-in from a ticket opened with the phone's own camera app; outside the
    check-in window panitia confirm with a reason (`force`, `reason`) on the answer page."""
    reg = db.session.scalar(db.select(Registration).where(Registration.token == token))
    if reg is None:
        abort(404)
    event = scannable_event_or_403(reg.event_id)
    force = request.form.get("force") == "1"
    reason, reason_error = None, None
    if force:
        try:
            reason = force_reason(request.form.get("reason"))
        except BadForceReason as exc:  # no force: the page answers outside_window again
            reason_error = exc.message
    outcome = record_scan(event, token, by_user=current_user, scan_id=new_scan_id(),
                          device=BAD_CHARS.sub("", request.form.get("device") or "")[:80] or None,
                          method="manual", force_reason=reason if force else None)
    db.session.commit()
    status = STATUS_OF_RESULT[outcome.result]  # a page: 200 for a new check-in too
    return render_template("events/scanner_result.html", outcome=outcome, event=event,
                           token=token, css=RESULT_CLASS.get(outcome.result, "error"),
                           can_force=can_force(current_user), reason_error=reason_error,
                           max_reason=MAX_REASON_LENGTH), \
        200 if status == 201 else status


@bp.post("/t/<token>/check-in-rombongan")
@login_required
def group_check_in(token: str):
    """One confirmation on the lead's ticket checks in the whole group: each member through the
    same record_scan (one CheckIn per registration, each outcome listed)."""
    lead = db.session.scalar(db.select(Registration).where(Registration.token == token))
    if lead is None or lead.lead_registration_id is not None:
        abort(404)
    event = scannable_event_or_403(lead.event_id)
    outcomes = []
    for member, outcome in check_in_members(event, lead, by_user=current_user, scan_id=new_scan_id()):
        db.session.commit()  # one member at a time (check_in_members says why)
        outcomes.append((member, outcome))
    return render_template("events/group_result.html", event=event, lead=lead, outcomes=outcomes,
                           css=RESULT_CLASS)


@bp.get("/t/<token>/check-in")
@login_required
def ticket_check_in_get(token: str):
    """A GET (reload, shared link) never checks anyone in: back to the ticket."""
    return redirect(url_for("events.ticket", token=token))


