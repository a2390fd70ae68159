"""Panitia pages: event list, create, edit, publish, cancel, registrant list."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from events import bp
from events.forms import ActionForm, CancelEventForm, EventForm
from events.models import Event, EventStatus, Registration, RegistrationStatus
from events.questions.answers import answers_for, questions_of
from events.services import events as event_service
from events.services import notices
from events.viewutil import (
    apply_errors,
    event_data,
    event_form_defaults,
    is_staff,
    program_choices,
    refuse,
)
from extensions import db
from helpers.access import readers_required, scope_kecamatan, staff_required
from helpers.labels import LABELS
from helpers.paging import paginate
from helpers.security import safe_next
from relawan.models import Kelurahan, Relawan
from timeutil import utcnow


@bp.get("/kelola/kegiatan")
@readers_required
def manage():
    """All events for panitia (koordinator: read-only), filter by status and kind."""
    status = request.args.get("status", "")
    kind = request.args.get("jenis", "")
    query = select(Event).order_by(Event.starts_at.desc())
    now = utcnow()
    if status == EventStatus.FINISHED:  # as shown: closed by hand, or published and ended
        query = query.where(or_(Event.status == status,
                                and_(Event.status == EventStatus.PUBLISHED, Event.ends_at <= now)))
    elif status == EventStatus.PUBLISHED:
        query = query.where(Event.status == status, Event.ends_at > now)
    elif status in {s.value for s in EventStatus}:
        query = query.where(Event.status == status)
    if kind:
        query = query.where(Event.kind == kind)
    page = paginate(query, per_page=25)
    return render_template("events/manage.html", page=page, status=status, kind=kind,
                           staff=is_staff(), now=now)


def _event_form(event=None):
    form = EventForm(obj=None)
    form.program_id.choices = program_choices()
    return form


@bp.route("/kelola/kegiatan/baru", methods=["GET", "POST"])
@staff_required
def create():
    """New event (saved as draft)."""
    form = _event_form()
    if request.method == "GET":
        form.required.data = True
    if form.validate_on_submit():
        try:
            event = event_service.create_event(event_data(form), by_user=current_user)
            db.session.commit()
            flash("Kegiatan disimpan sebagai draf. Terbitkan bila sudah siap.", "success")
            return redirect(url_for("events.detail", event_id=event.id))
        except event_service.EventError as exc:
            db.session.rollback()
            apply_errors(form, exc)
    return render_template("events/event_form.html", form=form, event=None), (
        422 if request.method == "POST" else 200)


@bp.route("/kelola/kegiatan/<int:event_id>/ubah", methods=["GET", "POST"])
@staff_required
def edit(event_id: int):
    """Edit an event; capacity cannot drop below the confirmed registrations."""
    event = db.get_or_404(Event, event_id)
    form = _event_form(event)
    if request.method == "GET":
        event_form_defaults(form, event)
    if form.validate_on_submit():
        try:
            promoted = event_service.update_event(event, event_data(form), by_user=current_user)
            db.session.commit()
        except event_service.EventError as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            flash("Perubahan kegiatan disimpan.", "success")
            if promoted:
                flash(f"{len(promoted)} orang dari daftar tunggu mendapat kursi; tiket mereka "
                      "masuk antrean pesan.", "info")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/event_form.html", form=form, event=event), (
        422 if request.method == "POST" else 200)


@bp.post("/kelola/kegiatan/<int:event_id>/terbitkan")
@staff_required
def publish(event_id: int):
    """Publish a draft event."""
    event = db.get_or_404(Event, event_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        event_service.publish_event(event, by_user=current_user)
        db.session.commit()
        flash("Kegiatan diterbitkan dan dibuka untuk pendaftaran.", "success")
    except event_service.EventError as exc:
        refuse(exc)
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/kelola/kegiatan/<int:event_id>/batalkan", methods=["GET", "POST"])
@staff_required
def cancel(event_id: int):
    """Cancel an event with a reason shown to every registrant and sent through the outbox."""
    event = db.get_or_404(Event, event_id)
    form = CancelEventForm()
    if form.validate_on_submit():
        try:
            notify = event_service.cancel_event(event, form.reason.data, by_user=current_user)
            db.session.commit()
        except event_service.EventError as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            flash(f"Kegiatan dibatalkan. {len(notify)} pendaftar melihat pemberitahuan di tiket "
                  "mereka dan dikirimi pesan (antrean pesan).", "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/cancel.html", form=form, event=event), (
        422 if request.method == "POST" else 200)


@bp.get("/kelola/kegiatan/<int:event_id>/peserta")
@readers_required
def registrations(event_id: int):
    """Registrants of an event (koordinator: read-only, only their kecamatan)."""
    event = db.get_or_404(Event, event_id)
    status = request.args.get("status", "")
    source = request.args.get("sumber", "")
    q = (request.args.get("q") or "").strip()
    # The page reads each row's check-in, relawan and account (phone): loaded per page, not per row.
    query = (select(Registration).outerjoin(Relawan, Registration.relawan_id == Relawan.id)
             .where(Registration.event_id == event.id)
             .options(selectinload(Registration.check_in),
                      selectinload(Registration.relawan).selectinload(Relawan.user)))
    if status in {s.value for s in RegistrationStatus}:
        query = query.where(Registration.status == status)
    if source in LABELS["registration_source"]:
        query = query.where(Registration.source == source)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(func.lower(Relawan.full_name).like(like),
                                func.lower(Registration.guest_name).like(like),
                                func.lower(Registration.guest_instansi).like(like)))
    scope = scope_kecamatan()
    if scope:
        in_scope = select(Kelurahan.kode).where(Kelurahan.kecamatan_kode == scope)
        query = query.where(or_(Relawan.kelurahan_kode.in_(in_scope),
                                Registration.guest_kelurahan_kode.in_(in_scope)))
    query = query.order_by(Registration.status, Registration.created_at, Registration.id)
    page = paginate(query, per_page=50)
    counts = event_service.registration_counts(event.id)
    staff = is_staff()
    # Staff reach each person: the wa.me link (their own number as its target) and whether
    # a ticket message is on its way; the list itself keeps showing the masked number.
    wa_links = {r.id: notices.wa_me_link(r) for r in page.items} if staff else {}
    questions = questions_of(event.id)
    answers = answers_for([r.id for r in page.items], event.id) if questions else {}
    return render_template("events/registrations.html", event=event, page=page, counts=counts,
                           questions=questions, answers=answers,
                           status=status, source=source, sources=LABELS["registration_source"], q=q, staff=staff,
                           scope=scope, action_form=ActionForm(), wa_links=wa_links,
                           ticket_sent=notices.reached_ids([r.id for r in page.items]) if staff else set(),
                           invitees_waiting=notices.count_invitees_without_ticket(event) if staff else 0)


@bp.post("/kelola/peserta/<int:registration_id>/kirim-tiket")
@staff_required
def send_ticket(registration_id: int):
    """Panitia's "Kirim tiket": the ticket goes to the person's own phone or email (outbox, audited)."""
    reg = db.get_or_404(Registration, registration_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        message = notices.send_ticket_by_staff(reg, current_user)
        db.session.commit()
        flash(f"Tiket {reg.display_name} masuk antrean pesan ({message.channel_label}).", "success")
    except notices.TicketNotSent as exc:
        refuse(exc)
    return redirect(safe_next(request.form.get("next"))
                    or url_for("events.registrations", event_id=reg.event_id))


@bp.post("/kelola/kegiatan/<int:event_id>/undangan/kirim-tiket")
@staff_required
def send_invitee_tickets(event_id: int):
    """"Kirim tiket ke semua": every invitee not yet sent a ticket gets it (outbox, audited)."""
    event = db.get_or_404(Event, event_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    queued = notices.send_invitee_tickets(event, current_user)
    db.session.commit()
    flash(f"{queued} tiket undangan masuk antrean pesan.", "success")
    return redirect(url_for("events.registrations", event_id=event.id, sumber="import"))
