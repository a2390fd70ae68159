"""Registration pages: one-tap relawan registration, guests, programs, cancel, invitee import."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from auth import limits
from auth.models import Role
from auth.services import normalize_identifier
from events import bp
from events.forms import (
    ActionForm,
    GuestRegistrationForm,
    ImportConfirmForm,
    ImportForm,
    LostTicketForm,
    companion_rows,
)
from events.models import Event, Registration, TrainingProgram
from events.questions import saving as question_answers
from events.questions.answers import InvalidAnswer, questions_of
from events.questions.views import registration_question_page
from events.services import companions as family
from events.services import imports, notices
from events.services import registration as reg_service
from events.services.programs import cancel_enrollment, enroll_relawan, enrollment_for
from events.services.tickets import find_registration
from events.viewutil import current_relawan, kelurahan_choices, refuse, visible_event_or_404
from extensions import db, limiter
from helpers import labels
from helpers.access import staff_required
from helpers.security import safe_next
from relawan.validators import InvalidEmail, InvalidPhone, normalize_email


@bp.app_context_processor
def companion_form_choices():
    """The companion rows of the registration forms (templates/events/_companions_fields.html)."""
    return {"companion_form": {"max": family.MAX_COMPANIONS,
                               "relations": labels.choices("companion_relation"),
                               "age_groups": labels.choices("age_group")}}


def _outcome_message(reg: Registration) -> tuple[str, str]:
    group = f" bersama {len(reg.companions)} pendamping" if reg.companions else ""
    if reg.status == "waitlisted":
        pos = reg_service.waitlist_position(reg)
        return f"Kuota penuh, Anda{group} masuk daftar tunggu nomor {pos}.", "warning"
    if group:
        return f"Pendaftaran{group} berhasil. Setiap pendamping punya tiket QR sendiri.", "success"
    return "Pendaftaran berhasil. Tiket QR Anda sudah siap.", "success"


def _need_relawan(next_url: str):
    """Anonymous -> login; staff/koordinator or a user without relawan profile -> message."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=next_url))
    if current_user.role != Role.RELAWAN or current_user.relawan is None:
        flash("Pendaftaran satu ketuk hanya untuk akun relawan.", "warning")
        return redirect(next_url)
    return None


@bp.post("/kegiatan/<int:event_id>/daftar")
def register(event_id: int):
    """One tap: the logged-in relawan registers (confirmed or waitlisted)."""
    event = visible_event_or_404(event_id)
    back = url_for("events.detail", event_id=event.id)
    if (resp := _need_relawan(back)) is not None:
        return resp
    if not ActionForm().validate_on_submit():
        abort(400)
    try:  # the event's questions: a refused answer shows the form again and saves nothing
        answers = question_answers.read_answers(questions_of(event.id), request.form)
    except InvalidAnswer as exc:
        return registration_question_page(event, exc, companion_rows(request.form))
    try:
        companions = family.clean_companions(companion_rows(request.form))
        reg = reg_service.register_relawan(event, current_relawan(), companions=companions)
        question_answers.save_answers(reg, answers)  # same commit as the seat
        db.session.commit()
    except (reg_service.RegistrationError, family.InvalidCompanion) as exc:
        refuse(exc)
        return redirect(back)
    flash(*_outcome_message(reg))
    return redirect(url_for("events.ticket", token=reg.token))


@bp.route("/kegiatan/<int:event_id>/daftar-tamu", methods=["GET", "POST"])
@limits.per_person("phone", "email")  # failures per person; a hall of 300 fits one address
def register_guest(event_id: int):
    """Guests (no account) register with name, instansi/jabatan and phone."""
    event = visible_event_or_404(event_id)
    if not event.allow_guests:
        flash("Kegiatan ini hanya untuk relawan terdaftar.", "warning")
        return redirect(url_for("events.detail", event_id=event.id))
    form = GuestRegistrationForm()
    form.kelurahan_kode.choices = kelurahan_choices("- Tidak diisi -")
    rows = companion_rows(request.form)
    questions, answers, answer_errors = questions_of(event.id), {}, {}
    if request.method == "POST":
        try:
            answers = question_answers.read_answers(questions, request.form)
        except InvalidAnswer as exc:
            answer_errors = exc.fields
    if form.validate_on_submit() and not answer_errors:
        email = None
        try:
            email = normalize_email(form.email.data) if form.email.data else None
        except InvalidEmail as exc:
            form.email.errors = [exc.message]
        if not form.email.errors:
            try:
                reg = reg_service.register_guest(
                    event, name=form.name.data, instansi=form.instansi.data, jabatan=form.jabatan.data,
                    phone=form.phone.data, email=email, kelurahan_kode=form.kelurahan_kode.data or None,
                    companions=family.clean_companions(rows))
                question_answers.save_answers(reg, answers)  # same commit as the seat
                db.session.commit()
            except (reg_service.RegistrationError, family.InvalidCompanion) as exc:
                db.session.rollback()
                form.form_errors.append(exc.message)
            else:
                flash(*_outcome_message(reg))
                return redirect(url_for("events.ticket", token=reg.token))
    return render_template("events/guest_form.html", form=form, event=event,
                           companion_values=rows, questions=questions, answer_errors=answer_errors,
                           answer_values=question_answers.raw_values(questions, request.form)), (
        422 if request.method == "POST" else 200)


LOST_TICKET_ANSWER = ("Jika data Anda terdaftar pada kegiatan ini, tiket dikirim ke nomor WhatsApp atau "
                      "email tersebut dalam beberapa menit. Tidak ada yang ditampilkan di layar ini.")
LOST_TICKET_THROTTLED = ("Terlalu banyak permintaan kirim ulang tiket untuk nomor atau email ini. "
                         "Tunggu 15 menit, atau minta bantuan panitia di meja registrasi.")


def _lost_ticket_key() -> str:
    """Requests for one phone or email share one counter, however it is typed."""
    return "tiket:" + normalize_identifier(request.form.get("identifier", ""))[:254]


@bp.route("/kegiatan/<int:event_id>/tiket-hilang", methods=["GET", "POST"])
@limiter.limit("60 per hour", methods=["POST"])  # one venue address serves a whole hall
@limiter.limit("3 per 15 minutes; 10 per day", key_func=_lost_ticket_key, methods=["POST"],
               error_message=LOST_TICKET_THROTTLED)
def lost_ticket(event_id: int):
    """"Tiket hilang?": the ticket goes to the phone or email on file, never to the screen; the
    answer is the same whether or not that phone or email is registered."""
    event = visible_event_or_404(event_id)
    form = LostTicketForm()
    if form.validate_on_submit():
        try:
            notices.resend_ticket(event, form.identifier.data)
            db.session.commit()
        except (InvalidPhone, InvalidEmail) as exc:
            form.identifier.errors = [exc.message]
        else:
            flash(LOST_TICKET_ANSWER, "info")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/lost_ticket.html", form=form, event=event), (
        422 if request.method == "POST" else 200)


@bp.post("/program/<int:program_id>/daftar")
def register_program(program_id: int):
    """One tap: the relawan registers for a whole training program (all open sessions)."""
    program = db.get_or_404(TrainingProgram, program_id)
    back = url_for("events.program_detail", program_id=program.id)
    if (resp := _need_relawan(back)) is not None:
        return resp
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        _, regs = enroll_relawan(program, current_relawan(), by_user=current_user)
        db.session.commit()
    except reg_service.RegistrationError as exc:
        refuse(exc)
        return redirect(back)
    waiting = sum(1 for r in regs if r.status == "waitlisted")
    msg = f"Anda terdaftar pada program ini ({len(regs)} sesi)."
    if waiting:
        msg += f" {waiting} sesi penuh: Anda masuk daftar tunggunya."
    flash(msg, "success")
    return redirect(back)


@bp.post("/program/<int:program_id>/batal")
def cancel_program_registration(program_id: int):
    """The relawan withdraws from a program (and its sessions that have not started)."""
    program = db.get_or_404(TrainingProgram, program_id)
    back = url_for("events.program_detail", program_id=program.id)
    if (resp := _need_relawan(back)) is not None:
        return resp
    if not ActionForm().validate_on_submit():
        abort(400)
    enrollment = enrollment_for(program.id, current_relawan().id)
    if enrollment is None:
        abort(404)
    try:
        cancel_enrollment(enrollment, by_user=current_user)
        db.session.commit()
        flash("Anda mengundurkan diri dari program ini. Tiket sesi yang belum dimulai dibatalkan.", "success")
    except reg_service.RegistrationError as exc:
        refuse(exc)
    return redirect(back)


@bp.post("/t/<token>/batal")
def cancel_registration(token: str):
    """Cancel a registration: the holder (the ticket link, or the relawan's own account), panitia
    or admin, before the event ends (reg_service.may_cancel); another account gets 403."""
    reg = find_registration(token)
    if reg is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        promoted = reg_service.cancel_registration(reg, by_user=current_user if current_user.is_authenticated else None)
        db.session.commit()
    except reg_service.CancelForbidden:
        raise  # the app-wide handler answers 403 with the message
    except reg_service.RegistrationError as exc:
        refuse(exc)
    else:
        flash("Pendaftaran dibatalkan." + (" Kursi Anda diberikan kepada peserta daftar tunggu berikutnya."
                                           if promoted else ""), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("events.ticket", token=token))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="import-invitees")


@bp.route("/kelola/kegiatan/<int:event_id>/undangan", methods=["GET", "POST"])
@staff_required
def import_invitees(event_id: int):
    """Upload a CSV of invitees: preview with per-row errors, then import all rows or none."""
    event = db.get_or_404(Event, event_id)
    form, confirm = ImportForm(), ImportConfirmForm()
    preview = error = payload = None
    if request.method == "POST" and request.form.get("step") == "confirm":
        try:
            data = _serializer().loads(request.form.get("payload", ""), max_age=3600)
            if data.get("event_id") != event.id:
                raise BadSignature("wrong event")
            preview = imports.parse(data["text"], event)
            counts = imports.import_rows(event, preview)
            db.session.commit()
        except BadSignature:
            error = "Pratinjau kedaluwarsa atau tidak sah. Unggah berkas lagi."
        except imports.InviteeImportError as exc:
            db.session.rollback()
            error = exc.message
        else:
            flash(f"{len(preview.rows)} undangan diimpor: {counts.get('confirmed', 0)} terdaftar, "
                  f"{counts.get('waitlisted', 0)} daftar tunggu. Kirim tiket mereka dari daftar ini.",
                  "success")
            return redirect(url_for("events.registrations", event_id=event.id, sumber="import"))
    elif form.validate_on_submit():
        try:
            text = imports.decode(form.file.data.read())
            preview = imports.parse(text, event)
            if preview.ok:
                payload = _serializer().dumps({"event_id": event.id, "text": text})
        except imports.InviteeImportError as exc:
            error = exc.message
    status = 422 if request.method == "POST" and (error or (preview and not preview.ok)) else 200
    return render_template("events/import.html", event=event, form=form, confirm=confirm,
                           preview=preview, error=error, payload=payload,
                           columns=imports.COLUMNS, questions=questions_of(event.id)), status
