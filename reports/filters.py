"""Read report filters from the query string, validate them, and apply the koordinator's scope."""
from __future__ import annotations

from flask import abort
from sqlalchemy import select

from events.models import EventKind, TrainingProgram
from extensions import db
from helpers.access import scope_kecamatan
from helpers.forms import bounded_int, date_arg
from relawan.models import Kecamatan
from reports.queries import Filters


def forced_kecamatan(requested: str | None) -> str | None:
    """The kecamatan to use: a scoped koordinator gets theirs; asking for another one is a 404."""
    scope = scope_kecamatan()
    requested = (requested or "").strip() or None
    if scope:
        if requested and requested != scope:
            abort(404)
        return scope
    return requested


def parse_filters(args) -> Filters:
    """Filters from request.args; bad values become field errors, never a 500."""
    errors: dict = {}
    f = Filters(errors=errors)
    f.date_from = date_arg(args, "dari", errors)
    f.date_to = date_arg(args, "sampai", errors)
    if f.date_from and f.date_to and f.date_to < f.date_from:
        errors["sampai"] = "Tanggal akhir tidak boleh sebelum tanggal awal."
        f.date_to = None
    kec = forced_kecamatan(args.get("kecamatan"))
    if kec and not scope_kecamatan() and db.session.get(Kecamatan, kec) is None:
        errors["kecamatan"] = "Kecamatan tidak dikenal."
        kec = None
    f.kecamatan = kec
    kind = (args.get("jenis") or "").strip()
    if kind:
        if kind in {k.value for k in EventKind}:
            f.kind = kind
        else:
            errors["jenis"] = "Jenis kegiatan tidak dikenal."
    program = (args.get("program") or "").strip()
    if program:
        program_id = bounded_int(program)
        if program_id is not None and db.session.get(TrainingProgram, program_id):
            f.program_id = program_id
        else:
            errors["program"] = "Program tidak ditemukan."
    return f


def parse_relawan_filters(args) -> dict:
    """The screening list's own filters (relawan.queries), plus the koordinator's scope.

    A scoped koordinator asking for another kecamatan, or a kelurahan outside theirs, gets 404.
    """
    from relawan.queries import parse_filters as screening_filters

    scope = scope_kecamatan()
    forced_kecamatan(args.get("kecamatan"))
    f = screening_filters(args)
    if scope and f.kelurahan and not f.kelurahan.startswith(scope + "."):
        abort(404)
    shown = {k: v for k, v in (("status", f.status), ("kecamatan", f.kecamatan or scope),
                               ("kelurahan", f.kelurahan), ("organisasi", f.organisation),
                               ("dari", f.date_from and f.date_from.isoformat()),
                               ("sampai", f.date_to and f.date_to.isoformat()), ("q", f.q),
                               ("hapus", f.deletion)) if v}
    return {"screening": f, "scope": scope, "shown": shown}


def choices() -> dict:
    """Options for the filter form selects."""
    scope = scope_kecamatan()
    kec = select(Kecamatan).order_by(Kecamatan.nama)
    if scope:
        kec = kec.where(Kecamatan.kode == scope)
    return {
        "kecamatan": db.session.scalars(kec).all(),
        "programs": db.session.scalars(select(TrainingProgram).order_by(TrainingProgram.title)).all(),
        "kinds": [(k.value, k.value.title()) for k in EventKind],
        "scoped": bool(scope),
    }
