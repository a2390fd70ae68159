"""Every dashboard figure against hand-computed values on the `world` fixture (see conftest)."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from extensions import db
from relawan.models import Kelurahan
from reports import queries, stats
from reports.queries import Filters
from tests.reports.conftest import KASEMEN, TAKTAKAN
from timeutil import to_wib, utcnow


def _fresh():
    stats.refresh()


def test_status_by_kelurahan_lists_all_67_with_zeros(world, ctx):
    rows = queries.status_by_kelurahan(Filters())
    assert len(rows) == 67 == db.session.query(Kelurahan).count()
    by = {r["kode"]: r for r in rows}
    assert by["36.73.02.1001"]["aktif"] == 1 and by["36.73.02.1001"]["calon"] == 1
    assert by["36.73.02.1001"]["total"] == 2
    assert by["36.73.02.1002"]["aktif"] == 1
    assert by["36.73.06.1001"]["dalam_pelatihan"] == 1
    assert by["36.73.06.1002"]["terverifikasi"] == 1
    assert by["36.73.01.1001"]["ditolak"] == 1 and by["36.73.01.1002"]["nonaktif"] == 1
    assert sum(r["total"] for r in rows) == 7
    assert sum(1 for r in rows if r["total"] == 0) == 67 - 6


def test_status_by_kecamatan(world, ctx):
    kec = {k["kode"]: k for k in queries.status_by_kecamatan(queries.status_by_kelurahan(Filters()))}
    assert len(kec) == 6
    assert (kec[KASEMEN]["aktif"], kec[KASEMEN]["calon"], kec[KASEMEN]["total"]) == (2, 1, 3)
    assert (kec[TAKTAKAN]["dalam_pelatihan"], kec[TAKTAKAN]["terverifikasi"], kec[TAKTAKAN]["total"]) == (1, 1, 2)
    assert (kec["36.73.01"]["ditolak"], kec["36.73.01"]["nonaktif"]) == (1, 1)
    assert kec["36.73.03"]["total"] == 0


def test_funnel_counts_stage_reached_including_history(world, ctx):
    fun = queries.funnel(Filters())
    assert [x["count"] for x in fun] == [7, 6, 4, 3]
    assert [x["pct_of_start"] for x in fun] == [100.0, 85.7, 57.1, 42.9]
    assert [x["count"] for x in queries.funnel(Filters(kecamatan=KASEMEN))] == [3, 2, 2, 2]


def test_attendance_rate_per_event(world, ctx):
    _fresh()
    rows = queries.attendance_by_event(Filters())
    ids = world.ids
    assert [r["id"] for r in rows] == [ids.e2, ids.s2, ids.s1, ids.e1]  # newest first, no future/cancelled
    got = {r["id"]: (r["registered"], r["attended"], r["rate"]) for r in rows}
    assert got[ids.e1] == (4, 3, 75.0)
    assert got[ids.e2] == (2, 2, 100.0)
    assert got[ids.s1] == (4, 2, 50.0)
    assert got[ids.s2] == (4, 2, 50.0)
    kas = {r["id"]: (r["registered"], r["attended"]) for r in queries.attendance_by_event(Filters(kecamatan=KASEMEN))}
    assert kas[ids.e1] == (2, 1) and kas[ids.e2] == (1, 1) and kas[ids.s1] == (3, 1) and kas[ids.s2] == (3, 2)


def test_filters_kind_program_period(world, ctx):
    _fresh()
    ids = world.ids
    assert {r["id"] for r in queries.attendance_by_event(Filters(kind="sosialisasi"))} == {ids.e1, ids.e2}
    assert {r["id"] for r in queries.attendance_by_event(Filters(program_id=ids.program))} == {ids.s1, ids.s2}
    d = to_wib(utcnow()).date() - timedelta(days=15)
    assert {r["id"] for r in queries.attendance_by_event(Filters(date_from=d))} == {ids.e2, ids.s2}


def test_participation_by_month(world, ctx):
    _fresh()
    attended = {"e1": 3, "e2": 2, "s1": 2, "s2": 2}
    expect_checkins, expect_events = Counter(), Counter()
    for key, start in world.ids.starts.items():
        month = to_wib(start).strftime("%Y-%m")
        expect_checkins[month] += attended[key]
        expect_events[month] += 1
    rows = queries.participation_by_month(Filters())
    assert {r["month"]: r["checkins"] for r in rows} == dict(expect_checkins)
    assert {r["month"]: r["events"] for r in rows} == dict(expect_events)
    assert sum(r["checkins"] for r in rows) == 9


def test_least_reached_kelurahan(world, ctx):
    _fresh()
    rows = queries.least_reached(Filters(), limit=67)
    by = {r["kode"]: r["checkins"] for r in rows}
    assert len(rows) == 67
    assert by["36.73.02.1001"] == 4 and by["36.73.06.1001"] == 2
    assert by["36.73.06.1002"] == 2 and by["36.73.02.1002"] == 1
    assert sum(1 for v in by.values() if v == 0) == 63
    top = queries.least_reached(Filters())
    assert len(top) == 10 and all(r["checkins"] == 0 for r in top)
    kas = queries.least_reached(Filters(kecamatan=KASEMEN), limit=20)
    assert len(kas) == 10
    assert [(r["kode"], r["checkins"]) for r in kas[-2:]] == [("36.73.02.1002", 1), ("36.73.02.1001", 4)]
    assert {r["kode"]: r["aktif"] for r in kas}["36.73.02.1001"] == 1


def test_new_checkin_refreshes_cached_stats(world, ctx):
    """A check-in recorded after the first dashboard view shows up on the next one."""
    from events.checkin_models import CheckIn
    from events.models import Registration
    _fresh()
    reg = db.session.scalars(db.select(Registration).where(
        Registration.event_id == world.ids.e1, Registration.relawan_id == world.p["B"].id)).one()
    db.session.add(CheckIn(registration_id=reg.id, event_id=reg.event_id, scanned_at=utcnow(),
                           recorded_at=utcnow()))
    db.session.commit()
    _fresh()
    got = {r["id"]: r["attended"] for r in queries.attendance_by_event(Filters())}
    assert got[world.ids.e1] == 4


def test_dashboard_page_shows_figures_and_svg_without_inline_style(world, login_as):
    c = login_as("admin")
    resp = c.get("/laporan/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert html.count("<svg") >= 5
    assert "style=" not in html
    assert "Sosialisasi Satu" in html and "75,0%" in html and "75.0" not in html  # helpers.formats
    assert "Sayar" in html  # a Taktakan kelurahan row (admin sees all 67)
    for bad in ("?dari=2026-99-01", "?jenis=xyz", "?program=abc", "?kecamatan=99.99.99"):
        assert c.get("/laporan/" + bad).status_code == 200


def test_dashboard_page_never_shows_stale_figures(world, login_as, app):
    """The page caches figures per data version: a new check-in or status change shows at once."""
    from events.checkin_models import CheckIn
    from events.models import Registration
    from relawan.models import Relawan, StatusChange
    c = login_as("admin")
    assert ">2<" in c.get("/laporan/").get_data(as_text=True).split("relawan aktif")[0][-80:]
    with app.app_context():
        reg = db.session.scalars(db.select(Registration).where(
            Registration.event_id == world.ids.e1, Registration.relawan_id == world.p["B"].id)).one()
        db.session.add(CheckIn(registration_id=reg.id, event_id=reg.event_id, scanned_at=utcnow(),
                               recorded_at=utcnow()))
        rel = db.session.get(Relawan, world.p["C"].id)
        rel.status = "aktif"
        db.session.add(StatusChange(relawan_id=rel.id, from_status="calon", to_status="aktif"))
        db.session.commit()
    html = c.get("/laporan/").get_data(as_text=True)
    assert ">3<" in html.split("relawan aktif")[0][-80:]
    assert "4/4" in html  # Sosialisasi Satu: 4 of 4 confirmed now checked in


def _stat_table_rows(app) -> tuple:
    from auth.models import AuditEntry
    from reports.models import EventAttendanceStat, EventStatRefresh, ReportState
    with app.app_context():
        return tuple(db.session.scalar(db.select(db.func.count()).select_from(m))
                     for m in (EventAttendanceStat, EventStatRefresh, ReportState, AuditEntry))


def test_dashboard_get_writes_nothing_and_counts_stale_events_live(world, login_as, app):
    """A GET never writes: the stats table stays as it was, yet the figures are current."""
    c = login_as("admin")
    before = _stat_table_rows(app)
    html = c.get("/laporan/").get_data(as_text=True)
    assert "Sosialisasi Satu" in html and "3/4" in html  # counted live: nothing stored yet
    assert _stat_table_rows(app) == before == (0, 0, 0, before[3])


def test_refresh_stats_job_stores_rows_and_the_figures_stay_the_same(world, app, runner, ctx):
    live = {r["id"]: (r["registered"], r["attended"]) for r in queries.attendance_by_event(Filters())}
    out = runner.invoke(args=["reports", "refresh-stats"]).output
    assert "dihitung ulang untuk 5 kegiatan" in out  # 4 started + a cancelled one with a check-in
    db.session.rollback()  # see the job's commit
    assert stats.stale_event_ids()[0] == set()
    stored = {r["id"]: (r["registered"], r["attended"]) for r in queries.attendance_by_event(Filters())}
    assert stored == live and stored[world.ids.e1] == (4, 3)
    assert "0 kegiatan" in runner.invoke(args=["reports", "refresh-stats"]).output
    assert "4 kegiatan" in runner.invoke(args=["reports", "refresh-stats", "--all"]).output
