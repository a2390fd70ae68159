"""Self check-in pages (issue 13.4): the projector's rotating QR and the page it opens.

Panitia (admin, panitia: staff only, door staff scan tickets) open the projector page on a
laptop or TV; its small script (static/js/projector.js) fetches the current QR from
`projector_qr` when the slot ends. A relawan scans it with the phone's ordinary camera: the URL
opens `self_check_in_page` (reads only, shows "Saya hadir"), whose POST checks them in. A visitor
who is not logged in is sent to the login form and back (login_required with next=). The rules
(the code, who may, the window) live in events/checkin/selfcode.py and record_scan.
"""
from __future__ import annotations

from flask import Response, render_template, request, url_for
from flask_login import current_user, login_required

from events import bp
from events.checkin import selfcode
from events.models import Event
from extensions import db
from helpers import qr
from helpers.access import staff_required
from timeutil import utcnow

OUTCOME_CLASS = {"checked_in": "success", "re_entered": "success", "already_checked_in": "warning"}


@bp.get("/kelola/kegiatan/<int:event_id>/proyektor")
@staff_required
def projector(event_id: int):
    """Full-screen page for a projector or TV: the rotating self check-in QR."""
    event = db.get_or_404(Event, event_id)
    return render_template("events/projector.html", event=event,
                           qr_url=url_for("events.projector_qr", event_id=event.id),
                           slot_seconds=selfcode.SLOT_SECONDS)


@bp.get("/kelola/kegiatan/<int:event_id>/proyektor/kode.svg")
@staff_required
def projector_qr(event_id: int):
    """The QR of the current slot as SVG; X-Refresh-In says when the next one is due."""
    event = db.get_or_404(Event, event_id)
    now = utcnow()
    body = qr.svg(selfcode.url_for_slot(event.id, selfcode.slot_of(now)),
                  title="Kode QR check-in mandiri")
    return Response(body, mimetype="image/svg+xml", headers={
        "Cache-Control": "no-store", "X-Refresh-In": f"{selfcode.seconds_left(now):.1f}"})


def _refusal(event: Event, err: selfcode.SelfCheckInRefused):
    return render_template("events/self_checkin.html", event=event, refusal=err.message,
                           registration=None), err.http_status


@bp.get("/hadir/<int:event_id>/<code>")
@login_required
def self_check_in_page(event_id: int, code: str):
    """The page a projector QR opens: who, which event, and the "Saya hadir" button (no write)."""
    event = db.get_or_404(Event, event_id)
    try:
        reg, slot = selfcode.open_code(event, code, current_user)
    except selfcode.SelfCheckInRefused as err:
        return _refusal(event, err)
    return render_template("events/self_checkin.html", event=event, registration=reg, code=code,
                           slot=slot, refusal=None,
                           confirmation=selfcode.confirmation_for(event.id, current_user.id, slot))


@bp.post("/hadir/<int:event_id>/<code>")
@login_required
def self_check_in(event_id: int, code: str):
    """"Saya hadir": check the logged-in relawan in (method `self`) and show their answer."""
    event = db.get_or_404(Event, event_id)
    try:
        outcome = selfcode.check_in_self(event, current_user,
                                         slot=request.form.get("slot", type=int) or 0,
                                         confirmation=request.form.get("confirmation") or "")
    except selfcode.SelfCheckInRefused as err:
        db.session.rollback()
        return _refusal(event, err)
    db.session.commit()
    status = 200 if outcome.result in OUTCOME_CLASS else 409
    return render_template("events/self_checkin.html", event=event, outcome=outcome.body,
                           css=OUTCOME_CLASS.get(outcome.result, "danger"), refusal=None,
                           registration=None), status
