"""Public event pages: landing, event detail with agenda, .ics, and 'Kegiatan saya'.

The other page modules are imported at the bottom so their routes register on the blueprint.
"""
from urllib.parse import urlsplit

from flask import Response, current_app, render_template, url_for
from flask_login import login_required
from sqlalchemy import select

from events import bp
from events.ics import event_ics
from events.models import Event, EventStatus, TrainingProgram
from events.questions.answers import questions_of
from events.services import eligibility
from events.services import registration as reg_service
from events.services.speakers import conflicts_for_event
from events.viewutil import current_relawan, is_reader, is_staff, visible_event_or_404
from extensions import db
from timeutil import utcnow


@bp.get("/")
def index():
    """Landing page: upcoming published events, open programs and a call to become relawan."""
    events = db.session.scalars(
        select(Event).where(Event.status == EventStatus.PUBLISHED, Event.ends_at >= utcnow())
        .order_by(Event.starts_at).limit(50)).all()
    program_list = db.session.scalars(select(TrainingProgram).where(
        TrainingProgram.status == EventStatus.PUBLISHED).order_by(TrainingProgram.id.desc())
        .limit(5)).all()
    mine = {}
    relawan = current_relawan()
    if relawan is not None:
        mine = {r.event_id: r for r in reg_service.registrations_of_relawan(relawan.id, include_past=False)}
    return render_template("events/index.html", events=events, programs=program_list, mine=mine)


@bp.app_context_processor
def eligibility_helpers():
    """Pages ask the one rule of who may register (events/services/eligibility.py) before they
    offer a register button: `may_register(relawan, event)`, `may_join_training(relawan)`."""
    return {"may_register": eligibility.may_register, "may_join_training": eligibility.may_join_training}


@bp.get("/kegiatan/<int:event_id>")
def detail(event_id: int):
    """Event page: time, venue, seats left, agenda, and the way to register."""
    event = visible_event_or_404(event_id)
    relawan = current_relawan()
    registration = position = None
    if relawan is not None:
        registration = reg_service.registration_for(event.id, relawan.id)
        if registration is not None:
            position = reg_service.waitlist_position(registration)
    clashes = conflicts_for_event(event) if is_reader() else {}
    return render_template("events/detail.html", event=event, registration=registration,
                           position=position, clashes=clashes, staff=is_staff(), reader=is_reader(),
                           relawan=relawan, now=utcnow(), questions=questions_of(event.id))


@bp.get("/kegiatan/<int:event_id>.ics")
def ics(event_id: int):
    """Calendar file for the event (add to Google Calendar / phone calendar)."""
    event = visible_event_or_404(event_id)
    url = current_app.config["BASE_URL"] + url_for("events.detail", event_id=event.id)
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    body = event_ics(event, url=url, host=host)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="kegiatan-{event.id}.ics"'})


@bp.get("/kegiatan/saya")
@login_required
def my_registrations():
    """A relawan's own registrations with ticket links and cancellation notices."""
    relawan = current_relawan()
    registrations = reg_service.registrations_of_relawan(relawan.id) if relawan else []
    positions = {r.id: reg_service.waitlist_position(r) for r in registrations}
    now = utcnow()
    upcoming = sorted((r for r in registrations if r.event.ends_at >= now), key=lambda r: r.event.starts_at)
    past = [r for r in registrations if r.event.ends_at < now]
    return render_template("events/my_registrations.html", upcoming=upcoming, past=past,
                           positions=positions, relawan=relawan, now=now)


