"""Public event pages."""
from flask import render_template
from sqlalchemy import select

from events import bp
from events.models import Event, EventStatus
from extensions import db
from timeutil import utcnow


@bp.get("/")
def index():
    """Upcoming published events."""
    events = db.session.scalars(
        select(Event).where(Event.status == EventStatus.PUBLISHED, Event.ends_at >= utcnow())
        .order_by(Event.starts_at).limit(50)).all()
    return render_template("events/index.html", events=events)
