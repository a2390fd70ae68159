"""Training attendance grid per program (read-only; izin is set in events/training/views.py)."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from events.models import TrainingProgram
from events.training import LABELS, Certificate, program_grid
from extensions import db
from helpers.access import readers_required, scope_kecamatan
from helpers.paging import page_number
from reports import bp


@bp.get("/laporan/program/<int:program_id>/kehadiran")
@readers_required
def attendance(program_id: int):
    """Relawan x session statuses: hadir, terlambat, izin, tidak hadir."""
    program = db.get_or_404(TrainingProgram, program_id)
    grid = program_grid(program, scope_kecamatan(), page=page_number())
    certs = []
    if current_user.is_staff:
        certs = db.session.scalars(select(Certificate).where(Certificate.program_id == program.id)
                                   .order_by(Certificate.number)).all()
    return render_template("reports/attendance.html", grid=grid, labels=LABELS, certs=certs,
                           can_edit=current_user.is_staff)
