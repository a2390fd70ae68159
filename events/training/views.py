"""Training write pages: izin per session registration, issuing and revoking certificates.

The pages that show these (the attendance grid, the event report, the certificate PDF and its
public verification) are read-only report pages in reports/; the URLs keep their /laporan/
prefix so the forms on those pages post where they always did.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from events import bp
from events.models import Event, Registration, TrainingProgram
from events.services.registration import RegistrationError
from events.training import refresher
from events.training.attendance import AttendanceError, set_excused
from events.training.certificates import (
    CertificateError,
    issue_for_completed,
    issue_for_event_staff,
    revoke,
)
from events.training.models import Certificate
from extensions import db
from helpers.access import admin_required, staff_required
from helpers.security import safe_next


@bp.post("/laporan/kehadiran/<int:registration_id>/izin")
@staff_required
def set_excuse(registration_id: int):
    """Set or clear izin for one session registration (note required to set)."""
    reg = db.get_or_404(Registration, registration_id)
    program_id, relawan_id, event_id = reg.event.program_id, reg.relawan_id, reg.event_id
    excused = request.form.get("excused") == "1"
    try:
        set_excused(reg, excused, request.form.get("note"), current_user)
        db.session.commit()
        flash("Izin dicatat." if excused else "Izin dihapus.", "success")
    except AttendanceError as err:
        db.session.rollback()
        flash(err.message, "danger")
    if program_id:
        return redirect(url_for("reports.attendance", program_id=program_id) + f"#r{relawan_id}")
    return redirect(url_for("reports.event_report", event_id=event_id))


@bp.post("/laporan/program/<int:program_id>/sertifikat")
@staff_required
def issue_program_certificates(program_id: int):
    """Issue (missing) certificates for every completed enrollment of the program."""
    program = db.get_or_404(TrainingProgram, program_id)
    try:
        made = issue_for_completed(program.id)
        db.session.commit()
        flash(f"{made} sertifikat baru diterbitkan.", "success")
    except CertificateError as err:
        db.session.rollback()
        flash(err.message, "warning")
    return redirect(url_for("reports.attendance", program_id=program_id) + "#sertifikat")


@bp.post("/laporan/kegiatan/<int:event_id>/sertifikat")
@staff_required
def issue_event_certificates(event_id: int):
    """Staff issue participation certificates for the event's narasumber and panitia."""
    event = db.get_or_404(Event, event_id)
    try:
        made = issue_for_event_staff(event)
        db.session.commit()
        flash(f"{made} sertifikat baru untuk narasumber/panitia diterbitkan.", "success")
    except CertificateError as err:
        db.session.rollback()
        flash(err.message, "warning")
    return redirect(url_for("reports.event_report", event_id=event_id) + "#sertifikat")


@bp.post("/laporan/sertifikat/<int:cert_id>/cabut")
@admin_required
def revoke_certificate(cert_id: int):
    """Admin revokes a certificate with a reason (audited)."""
    cert = db.get_or_404(Certificate, cert_id)
    back = _back(cert)
    try:
        revoke(cert, request.form.get("reason", ""), current_user)
        db.session.commit()
        flash(f"Sertifikat {cert.number} dicabut.", "success")
    except CertificateError as err:
        db.session.rollback()
        flash(err.message, "danger")
    return redirect(back)


def _back(cert: Certificate) -> str:
    target = safe_next(request.form.get("next"))
    if target:
        return target
    if cert.program_id:
        return url_for("reports.attendance", program_id=cert.program_id)
    if cert.event_id:
        return url_for("reports.event_report", event_id=cert.event_id)
    return url_for("reports.dashboard")


@bp.app_context_processor
def _refresher_global():
    """Pages mark "perlu penyegaran" by asking refresher.refresher_due (one query per page)."""
    return {"refresher_due": refresher.refresher_due}


@bp.get("/kelola/penyegaran")
@staff_required
def refresher_list():
    """Panitia: aktif relawan whose certificate ends within 60 days (or has ended)."""
    return render_template("events/refresher_list.html", due=refresher.refresher_due(),
                           window=refresher.WINDOW_DAYS)


@bp.post("/kelola/penyegaran/daftarkan")
@staff_required
def enroll_refresher():
    """Enrol one listed relawan (certificate id) or everyone listed into the program's next run."""
    if request.form.get("cert_id"):
        certs = [db.get_or_404(Certificate, request.form.get("cert_id", type=int) or 0)]
    else:
        certs = [d.certificate for d in refresher.refresher_due() if not d.enrolled]
    done, refused = 0, []
    # One unit of work per relawan: a refusal (no open session, already registered) for one
    # person must not undo the enrollment of the others in "daftarkan semua".
    for cert in certs:
        try:
            refresher.enroll(cert, by_user=current_user)
            db.session.commit()
            done += 1
        except (RegistrationError, refresher.NotDue) as err:
            db.session.rollback()
            refused.append(f"{cert.name}: {err.message}")
    if done:
        flash(f"{done} relawan didaftarkan ke pelatihan penyegaran.", "success")
    for line in refused[:10]:
        flash(line, "warning")
    if not certs:
        flash("Tidak ada relawan yang perlu didaftarkan.", "info")
    return redirect(url_for("events.refresher_list"))
