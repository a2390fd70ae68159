"""Training attendance grid per program; panitia set izin (excused) with a note."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from events.models import ProgramEnrollment, Registration, TrainingProgram
from extensions import db
from helpers.access import readers_required, scope_kecamatan, staff_required
from reports import bp, cache, certificates
from reports.attendance import LABELS, AttendanceError, program_grid, set_excused
from reports.models import Certificate


@bp.get("/laporan/program/<int:program_id>/kehadiran")
@readers_required
def attendance(program_id: int):
    """Relawan x session statuses: hadir, terlambat, izin, tidak hadir."""
    program = db.get_or_404(TrainingProgram, program_id)
    raw = request.args.get("page", "1")
    page = int(raw) if raw.isdigit() and len(raw) <= 6 else 1
    grid = program_grid(program, scope_kecamatan(), page=page)
    certs = []
    if current_user.is_staff:
        certs = db.session.scalars(select(Certificate).where(Certificate.program_id == program.id)
                                   .order_by(Certificate.number)).all()
    return render_template("reports/attendance.html", grid=grid, labels=LABELS, certs=certs,
                           can_edit=current_user.is_staff)


@bp.post("/laporan/kehadiran/<int:registration_id>/izin")
@staff_required
def set_excuse(registration_id: int):
    """Set or clear izin for one session registration (note required to set)."""
    reg = db.get_or_404(Registration, registration_id)
    program_id = reg.event.program_id
    excused = request.form.get("excused") == "1"
    try:
        set_excused(reg, excused, request.form.get("note"), current_user)
        db.session.commit()
        cache.clear()  # izin counts on the event report
        flash("Izin dicatat." if excused else "Izin dihapus.", "success")
    except AttendanceError as err:
        db.session.rollback()
        flash(str(err), "danger")
    if program_id:
        return redirect(url_for("reports.attendance", program_id=program_id) + f"#r{reg.relawan_id}")
    return redirect(url_for("reports.event_report", event_id=reg.event_id))


@bp.post("/laporan/program/<int:program_id>/sertifikat")
@staff_required
def issue_program_certificates(program_id: int):
    """Issue (missing) certificates for every completed enrollment of the program."""
    program = db.get_or_404(TrainingProgram, program_id)
    done = db.session.scalars(select(ProgramEnrollment).where(
        ProgramEnrollment.program_id == program.id, ProgramEnrollment.status == "completed")).all()
    if not done:
        flash("Belum ada peserta yang menyelesaikan program ini.", "warning")
        return redirect(url_for("reports.attendance", program_id=program.id))
    before = db.session.scalar(select(db.func.count(Certificate.id))
                               .where(Certificate.program_id == program.id))
    for en in done:
        certificates.issue_for_enrollment(en)
    db.session.commit()
    after = db.session.scalar(select(db.func.count(Certificate.id))
                              .where(Certificate.program_id == program.id))
    flash(f"{after - before} sertifikat baru diterbitkan.", "success")
    return redirect(url_for("reports.attendance", program_id=program.id))

