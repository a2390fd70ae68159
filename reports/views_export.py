"""CSV/XLSX exports of relawan, registrations and program attendance, each audit-logged."""
from __future__ import annotations

from flask import Response, abort, request, send_file, stream_with_context
from flask_login import current_user

import audit
from auth.models import Role
from events.models import Event, TrainingProgram
from events.training import program_grid
from extensions import db
from helpers.access import readers_required, scope_kecamatan
from helpers.forms import bounded_int
from reports import bp
from reports.exports import (
    attendance_table,
    csv_stream,
    registrations_table,
    relawan_table,
    xlsx_file,
)
from reports.filters import forced_kecamatan, parse_relawan_filters
from timeutil import to_wib, utcnow

KINDS = ("relawan", "pendaftar", "kehadiran")


def _int_arg(name: str) -> int:
    """An id from the query string; not a whole number in the database's range is a 404."""
    value = bounded_int(request.args.get(name))
    if value is None:
        abort(404)
    return value


@bp.get("/laporan/ekspor")
@readers_required
def export():
    """?data=relawan|pendaftar|kehadiran&format=csv|xlsx plus the screen's filters."""
    kind = request.args.get("data", "relawan")
    fmt = request.args.get("format", "csv")
    if kind not in KINDS or fmt not in ("csv", "xlsx"):
        abort(400)
    include_nik = current_user.role == Role.ADMIN
    if kind == "relawan":
        params = parse_relawan_filters(request.args)
        table = relawan_table(params, include_nik)
        filters = params["shown"]
        target = None
    elif kind == "pendaftar":
        event = db.get_or_404(Event, _int_arg("event"))
        kec = forced_kecamatan(request.args.get("kecamatan"))
        table = registrations_table(event, kec, include_nik)
        filters = {"event": event.id, **({"kecamatan": kec} if kec else {})}
        target = event
    else:
        program = db.get_or_404(TrainingProgram, _int_arg("program"))
        scope = scope_kecamatan()
        table = attendance_table(program_grid(program, scope), include_nik)
        filters = {"program": program.id, **({"kecamatan": scope} if scope else {})}
        target = program
    audit.record("export", target, details={"what": kind, "format": fmt, "filters": filters,
                                            "nik": include_nik}, rows=table.count)
    db.session.commit()
    stamp = to_wib(utcnow()).strftime("%Y%m%d-%H%M")
    name = f"{kind}-{stamp}.{fmt}"
    if fmt == "xlsx":
        resp = send_file(xlsx_file(table), as_attachment=True, download_name=name,
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        resp = Response(stream_with_context(csv_stream(table)), mimetype="text/csv; charset=utf-8")
        resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
