"""Speaker directory and the agenda editor (with double-booking warnings)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from events import bp
from events.forms import ActionForm, AgendaItemForm, SpeakerForm
from events.models import AgendaItem, Event, Speaker
from events.services.speakers import (
    AgendaData,
    SpeakerError,
    add_agenda_item,
    conflicts_for_event,
    conflicts_for_speaker,
    delete_agenda_item,
    save_speaker,
    search_speakers,
    speaker_items,
)
from events.viewutil import apply_errors, is_staff, wib_input
from extensions import db
from helpers.access import readers_required, staff_required
from relawan.validators import InvalidEmail, normalize_email
from timeutil import wib_to_utc


@bp.get("/narasumber")
@readers_required
def speakers():
    """Searchable speaker directory."""
    q = (request.args.get("q") or "").strip()[:100]
    return render_template("events/speakers.html", speakers=search_speakers(q), q=q, staff=is_staff())


@bp.get("/narasumber/<int:speaker_id>")
@readers_required
def speaker_detail(speaker_id: int):
    """A speaker's profile and sessions; overlapping bookings are flagged."""
    speaker = db.get_or_404(Speaker, speaker_id)
    return render_template("events/speaker_detail.html", speaker=speaker,
                           items=speaker_items(speaker.id), clashes=conflicts_for_speaker(speaker.id),
                           staff=is_staff())


def _speaker_form_view(speaker: Speaker | None):
    form = SpeakerForm(obj=speaker)
    if form.validate_on_submit():
        fields = {name: (getattr(form, name).data or "").strip() or None
                  for name in ("name", "jabatan", "instansi", "topics", "bio")}
        fields["phone"] = form.phone.data  # E.164 from PhoneField
        try:
            fields["email"] = normalize_email(form.email.data) if form.email.data else None
        except InvalidEmail as exc:
            form.email.errors = [exc.message]
        if not form.email.errors:
            speaker = save_speaker(speaker, fields, by_user=current_user)
            db.session.commit()
            flash("Data narasumber disimpan.", "success")
            return redirect(url_for("events.speaker_detail", speaker_id=speaker.id))
    return render_template("events/speaker_form.html", form=form, speaker=speaker), (
        422 if request.method == "POST" else 200)


@bp.route("/kelola/narasumber/baru", methods=["GET", "POST"])
@staff_required
def speaker_create():
    """Add a speaker to the directory."""
    return _speaker_form_view(None)


@bp.route("/kelola/narasumber/<int:speaker_id>/ubah", methods=["GET", "POST"])
@staff_required
def speaker_edit(speaker_id: int):
    """Edit a speaker."""
    return _speaker_form_view(db.get_or_404(Speaker, speaker_id))


@bp.route("/kelola/kegiatan/<int:event_id>/agenda", methods=["GET", "POST"])
@staff_required
def agenda(event_id: int):
    """Agenda editor: add slots with a speaker; clashes with the speaker's other bookings are flagged."""
    event = db.get_or_404(Event, event_id)
    form = AgendaItemForm()
    form.speaker_id.choices = [(0, "- Tanpa narasumber -")] + [
        (s.id, f"{s.name} ({s.instansi or '-'})")
        for s in db.session.scalars(select(Speaker).order_by(Speaker.name))]
    if request.method == "GET":
        form.starts_at.data = wib_input(event.agenda[-1].ends_at if event.agenda and event.agenda[-1].ends_at
                                        else event.starts_at)
        form.position.data = len(event.agenda) + 1
    if form.validate_on_submit():
        data = AgendaData(topic=form.topic.data, starts_at=wib_to_utc(form.starts_at.data),
                          ends_at=wib_to_utc(form.ends_at.data) if form.ends_at.data else None,
                          speaker_id=form.speaker_id.data or None, position=form.position.data or 0)
        try:
            item, clashes = add_agenda_item(event, data, by_user=current_user)
            db.session.commit()
        except SpeakerError as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            flash("Acara ditambahkan ke agenda.", "success")
            if clashes:
                flash(f"Perhatian: {item.speaker.name} juga dijadwalkan pada waktu yang bertabrakan "
                      f"({', '.join(c.event.title for c in clashes)}).", "warning")
            return redirect(url_for("events.agenda", event_id=event.id))
    return render_template("events/agenda.html", event=event, form=form,
                           clashes=conflicts_for_event(event), action_form=ActionForm()), (
        422 if request.method == "POST" else 200)


@bp.post("/kelola/agenda/<int:item_id>/hapus")
@staff_required
def agenda_delete(item_id: int):
    """Remove an agenda slot."""
    item = db.get_or_404(AgendaItem, item_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    event_id = item.event_id
    delete_agenda_item(item, by_user=current_user)
    db.session.commit()
    flash("Acara dihapus dari agenda.", "success")
    return redirect(url_for("events.agenda", event_id=event_id))
