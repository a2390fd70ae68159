"""Small helpers shared by the event page modules (form <-> service data, access checks)."""
from __future__ import annotations

from flask import abort, flash
from flask_login import current_user
from sqlalchemy import select

from auth.models import READER_ROLES, Role, is_staff_role
from events.forms import EventForm
from events.models import Event, EventStatus, TrainingProgram
from events.services.events import EventData, EventError
from extensions import db
from helpers.errors import DomainError
from relawan.models import Kelurahan
from relawan.validators import InvalidEmail, normalize_email
from timeutil import to_wib, wib_to_utc


def is_staff() -> bool:
    """The logged-in user manages events (auth.models.is_staff_role)."""
    return current_user.is_authenticated and is_staff_role(current_user.role)


def is_reader() -> bool:
    """The logged-in user may read plans and reports (auth.models.READER_ROLES)."""
    return current_user.is_authenticated and current_user.role in READER_ROLES


def current_relawan():
    """The logged-in user's relawan record, or None."""
    if not current_user.is_authenticated or current_user.role != Role.RELAWAN:
        return None
    return current_user.relawan


def visible_event_or_404(event_id: int) -> Event:
    """Published, cancelled and finished events are public; drafts only for staff/koordinator."""
    event = db.get_or_404(Event, event_id)
    if event.status == EventStatus.DRAFT and not is_reader():
        abort(404)
    return event


def wib_input(dt):
    """Stored UTC -> naive WIB for a datetime-local field."""
    return to_wib(dt).replace(tzinfo=None) if dt else None


def _utc(dt):
    return wib_to_utc(dt) if dt else None


def kelurahan_choices(empty_label: str = "- Pilih kelurahan -") -> list[tuple[str, str]]:
    rows = db.session.execute(select(Kelurahan.kode, Kelurahan.nama).order_by(Kelurahan.nama)).all()
    return [("", empty_label)] + [(kode, f"{nama} ({kode})") for kode, nama in rows]


def program_choices() -> list[tuple[int, str]]:
    programs = db.session.scalars(select(TrainingProgram).order_by(TrainingProgram.title)).all()
    return [(0, "- Bukan sesi program -")] + [(p.id, p.title) for p in programs]


def event_form_defaults(form: EventForm, event: Event) -> None:
    """Fill the form from a stored event (times shown in WIB)."""
    form.process(obj=event)
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        getattr(form, name).data = wib_input(getattr(event, name))
    form.program_id.data = event.program_id or 0


def event_data(form: EventForm) -> EventData:
    """Form -> EventData in UTC (the phone is already E.164 from PhoneField); a bad organiser
    email raises EventError on that field."""
    try:
        email = normalize_email(form.organiser_email.data) if form.organiser_email.data else None
    except InvalidEmail as exc:
        raise EventError(fields={"organiser_email": exc.message}) from exc
    return EventData(
        kind=form.kind.data, title=form.title.data.strip(), description=form.description.data or None,
        venue_name=form.venue_name.data.strip(), venue_address=form.venue_address.data or None,
        starts_at=_utc(form.starts_at.data), ends_at=_utc(form.ends_at.data),
        capacity=form.capacity.data, registration_opens_at=_utc(form.registration_opens_at.data),
        registration_closes_at=_utc(form.registration_closes_at.data),
        allow_guests=form.allow_guests.data, allow_walk_ins=form.allow_walk_ins.data,
        organiser_name=form.organiser_name.data or None,
        organiser_phone=form.organiser_phone.data, organiser_email=email,
        program_id=form.program_id.data or None, program_order=form.program_order.data,
        required=form.required.data,
        ketua_panitia_name=(form.ketua_panitia_name.data or "").strip() or None,
        ketua_panitia_nip=form.ketua_panitia_nip.data,
        kepala_dinas_name=(form.kepala_dinas_name.data or "").strip() or None,
        kepala_dinas_nip=form.kepala_dinas_nip.data,
        checkin_opens_minutes=form.checkin_opens_minutes.data,
        checkin_closes_minutes=form.checkin_closes_minutes.data,
        checkout_enabled=form.checkout_enabled.data)


def apply_errors(form, error: DomainError) -> None:
    """Show a service's DomainError on the form: each of `.fields` on its field (unknown names
    become form-level errors), or `.message` on the form when the error names no field."""
    for name, message in (error.fields or {"": error.message}).items():
        field = getattr(form, name, None) if name else None
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [message]
        else:
            form.form_errors.append(message)


def refuse(error: DomainError, category: str = "danger") -> None:
    """A rule said no on a POST that redirects: roll the request back and flash the message."""
    db.session.rollback()
    flash(error.message, category)
