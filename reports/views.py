"""Report pages: dashboard, per-event report, per-relawan history.

The other report pages live in views_attendance.py, views_docs.py (daftar hadir,
certificate PDF and verification) and views_export.py, imported with this module's header.
Every page here only reads: the writes behind them (izin, certificates) are in
events/training/views.py, and the stats table is refreshed by a job (reports/stats.py).
"""
from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, select

from auth.models import READER_ROLES, Role
from events.models import Event, ProgramEnrollment, Registration, RegistrationStatus
from events.training import LABELS as ATT_LABELS
from events.training import Certificate, hours_present, progress, status_for
from extensions import db
from helpers import formats
from helpers.access import check_kecamatan_scope, readers_required, scope_kecamatan
from relawan.models import STATUS_LABELS, Relawan, RelawanStatus
from reports import (  # noqa: F401 (routes)
    age_groups,
    bp,
    cache,
    charts,
    queries,
    stats,
    views_attendance,
    views_docs,
    views_export,
)
from reports.event_report import event_summary
from reports.filters import choices, forced_kecamatan, parse_filters
from timeutil import utcnow

STATUS_SERIES = [(s.value, STATUS_LABELS[s]) for s in RelawanStatus]


@bp.get("/laporan/")
@readers_required
def dashboard():
    """Participation dashboard (koordinator: own kecamatan only)."""
    f = parse_filters(request.args)
    version, key = cache.relawan_version(), (f.date_from, f.date_to, f.kecamatan)
    kel_rows = cache.cached("kelurahan", key, version, lambda: queries.status_by_kelurahan(f))
    kec_rows = queries.status_by_kecamatan(kel_rows)
    fun = cache.cached("funnel", key, version, lambda: queries.funnel(f))
    no_kel = cache.cached("no_kelurahan", key, version, lambda: queries.relawan_without_kelurahan(f))
    stale, pending_version = stats.pending()  # counted live; the refresh-stats job stores them
    ev_version = cache.stats_version() + pending_version
    ev_key = key + (f.kind, f.program_id)
    aktif = {r["kode"]: r[RelawanStatus.AKTIF] for r in kel_rows}
    events = cache.cached("events", ev_key, ev_version, lambda: queries.attendance_by_event(f, stale=stale))
    months = cache.cached("months", ev_key, ev_version, lambda: queries.participation_by_month(f, stale=stale))
    least = cache.cached("least", ev_key, ev_version + version,  # its aktif column is relawan data
                         lambda: queries.least_reached(f, aktif=aktif, stale=stale))
    tot = queries.totals(f, kel_rows, months, no_kel)
    ages = cache.cached("age_groups", ev_key, ev_version, lambda: age_groups.dashboard_age_groups(f))
    for e in events:
        e.setdefault("date_short", formats.format_date(e["starts_at"], "short"))
    chart = {
        "kecamatan": charts.stacked([(k["nama"], [k[s] for s, _ in STATUS_SERIES]) for k in kec_rows],
                                    STATUS_SERIES, "Relawan per kecamatan menurut status"),
        "funnel": charts.hbar([(STATUS_LABELS[RelawanStatus(x["status"])], x["count"]) for x in fun],
                              "Tahapan relawan", css="chart-funnel", bar_class="bar bar-funnel",
                              value_text=lambda i, v: _funnel_text(fun[i])),
        "events": charts.hbar([(_short(e["title"]), e["rate"] or 0) for e in events],
                              "Tingkat kehadiran per kegiatan", max_value=100,
                              bar_class="bar bar-rate",
                              value_text=lambda i, v: f"{events[i]['attended']}/{events[i]['registered']}"),
        "months": charts.hbar([(_month_label(m["month"]), m["checkins"]) for m in months],
                              "Kehadiran per bulan", bar_class="bar bar-month"),
        "least": charts.hbar([(f"{x['nama']} ({x['kecamatan_nama']})", x["checkins"]) for x in least],
                             "Kelurahan paling sedikit terjangkau", bar_class="bar bar-least"),
    }
    return render_template("reports/dashboard.html", f=f, kel_rows=kel_rows, kec_rows=kec_rows,
                           funnel=fun, events=events, months=months, least=least, totals=tot,
                           chart=chart, series=STATUS_SERIES, opts=choices(),
                           status_labels=dict(STATUS_SERIES), month_label=_month_label,
                           no_kelurahan=no_kel, ages=ages)


def _funnel_text(row: dict) -> str:
    pct = row["pct_of_start"]
    return formats.format_number(row["count"]) + (f" ({formats.format_percent(pct, 0)})" if pct is not None else "")


def _short(title: str, n: int = 44) -> str:
    return title if len(title) <= n else title[: n - 1] + "…"


def _month_label(ym: str) -> str:
    y, m = ym.split("-")
    return formats.format_month(int(y), int(m))


@bp.get("/laporan/kegiatan/<int:event_id>")
@readers_required
def event_report(event_id: int):
    """Registered, attended, no-shows, walk-ins; by kelurahan and by instansi."""
    event = db.get_or_404(Event, event_id)
    kec = forced_kecamatan(request.args.get("kecamatan"))
    sig = stats.signatures({event.id}).get(event.id)
    # izin moves no count in the signature: its own (count, sum of ids) keeps every worker's
    # cached summary honest, not only the one that recorded the izin.
    izin = tuple(db.session.execute(
        select(func.count(), func.coalesce(func.sum(Registration.id), 0))
        .where(Registration.event_id == event.id, Registration.excused.is_(True))).one())
    summary = cache.cached("event", (event.id, kec), (db.engine.url.render_as_string(), sig, izin,
                                                      str(event.created_at)),
                           lambda: event_summary(event, kec))
    certs = []
    if current_user.is_staff:
        certs = db.session.scalars(select(Certificate).where(Certificate.event_id == event.id)
                                   .order_by(Certificate.number)).all()
    return render_template("reports/event_report.html", event=event, s=summary, kecamatan=kec,
                           certs=certs, chart=charts.hbar(
                               [(r["nama"] or "(tanpa kelurahan)", r["attended"])
                                for r in summary["by_kelurahan"][:15]],
                               "Hadir per kelurahan", bar_class="bar bar-month"))


@bp.get("/laporan/relawan/<int:relawan_id>")
@login_required
def relawan_history(relawan_id: int):
    """A relawan's events attended, training progress and total hours (self or readers)."""
    rel = db.get_or_404(Relawan, relawan_id)
    own = current_user.role == Role.RELAWAN and rel.user_id == current_user.id
    if not own:
        if current_user.role not in READER_ROLES:
            abort(403)
        if scope_kecamatan():
            check_kecamatan_scope(rel.kelurahan.kecamatan_kode if rel.kelurahan else None)
    regs = db.session.scalars(
        select(Registration).join(Event, Event.id == Registration.event_id)
        .where(Registration.relawan_id == rel.id).order_by(Event.starts_at.desc())).all()
    rows = [(r, status_for(r) if r.status != RegistrationStatus.CANCELLED else None) for r in regs]
    attended = [r for r in regs if r.check_in is not None]
    hours = round(sum(hours_present(rel.id, [r.event for r in attended]).values()), 1)
    enrollments = db.session.scalars(select(ProgramEnrollment)
                                     .where(ProgramEnrollment.relawan_id == rel.id)).all()
    programs = [(en, progress(en.program, rel.id)) for en in enrollments]
    certs = db.session.scalars(select(Certificate).where(Certificate.relawan_id == rel.id)
                               .order_by(Certificate.issued_at.desc())).all()
    return render_template("reports/relawan_history.html", rel=rel, rows=rows, hours=hours,
                           attended=len(attended), programs=programs, certs=certs, own=own,
                           att_labels=ATT_LABELS, now_utc=utcnow())
