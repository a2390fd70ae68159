"""Training attendance statuses: hadir, terlambat, izin, tidak hadir; izin set by panitia."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from auth.models import AuditEntry
from events.models import Registration, TrainingProgram
from events.training import Attendance, program_grid
from events.training.attendance import classify
from extensions import db

T0 = datetime(2026, 11, 1, 1, 0)


def test_classify_boundaries():
    assert classify(T0, 15, T0 - timedelta(minutes=20), False) == Attendance.HADIR
    assert classify(T0, 15, T0 + timedelta(minutes=15), False) == Attendance.HADIR
    assert classify(T0, 15, T0 + timedelta(minutes=15, seconds=1), False) == Attendance.TERLAMBAT
    assert classify(T0, 15, None, True) == Attendance.IZIN
    assert classify(T0, 15, None, False) == Attendance.TIDAK_HADIR
    assert classify(T0, 15, T0, True) == Attendance.HADIR  # came despite izin: present


def test_program_grid_statuses(world, ctx):
    grid = program_grid(db.session.get(TrainingProgram, world.ids.program))
    got = {p.full_name: [c.status for c in cells] for p, cells, _ in grid.rows}
    assert got == {
        "Ani Kasemen": ["hadir", "hadir"],             # +5 (grace 15), +25 (grace 30)
        "Budi Kasemen": ["izin", "terlambat"],         # excused, +31 (grace 30)
        "Cici Kasemen": ["tidak_hadir", "tidak_hadir"],
        "Dedi Taktakan": ["terlambat", "tidak_hadir"],  # +20 (grace 15)
    }
    counts = {p.full_name: c["completion"] for p, _, c in grid.rows}
    assert counts == {"Ani Kasemen": 2, "Budi Kasemen": 1, "Cici Kasemen": 0, "Dedi Taktakan": 1}


def test_config_grace_is_used_when_event_has_none(world, app):
    app.config["LATE_GRACE_MINUTES"] = 25
    try:
        with app.app_context():
            grid = program_grid(db.session.get(TrainingProgram, world.ids.program))
            got = {p.full_name: cells[0].status for p, cells, _ in grid.rows}
            assert got["Dedi Taktakan"] == "hadir"
    finally:
        app.config["LATE_GRACE_MINUTES"] = 15


def test_panitia_sets_and_clears_izin_with_note(world, login_as, app):
    c = login_as("panitia")
    reg_id = world.ids.regs[("S1", "C")]
    resp = c.post(f"/laporan/kehadiran/{reg_id}/izin", data={"excused": "1", "note": ""})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Registration, reg_id).excused is False  # note required
    resp = c.post(f"/laporan/kehadiran/{reg_id}/izin", data={"excused": "1", "note": "Sakit\x00"},
                  follow_redirects=True)
    assert "Keterangan izin mengandung karakter yang tidak valid." in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Registration, reg_id).excused is False  # NUL: refused, not a 500
    c.post(f"/laporan/kehadiran/{reg_id}/izin", data={"excused": "1", "note": "Tugas kantor"})
    with app.app_context():
        reg = db.session.get(Registration, reg_id)
        assert reg.excused is True and reg.excused_note == "Tugas kantor"
        assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "attendance_excused")).one()
    page = c.get(f"/laporan/program/{world.ids.program}/kehadiran").get_data(as_text=True)
    assert "Tugas kantor" in page
    c.post(f"/laporan/kehadiran/{reg_id}/izin", data={"excused": "0"})
    with app.app_context():
        reg = db.session.get(Registration, reg_id)
        assert reg.excused is False and reg.excused_note is None


def test_izin_refused_for_checked_in_and_for_koordinator(world, login_as, app):
    reg_id = world.ids.regs[("S1", "A")]
    login_as("panitia").post(f"/laporan/kehadiran/{reg_id}/izin", data={"excused": "1", "note": "x"})
    with app.app_context():
        assert db.session.get(Registration, reg_id).excused is False
    other = world.ids.regs[("S1", "C")]
    assert login_as("koordinator").post(f"/laporan/kehadiran/{other}/izin",
                                        data={"excused": "1", "note": "x"}).status_code == 403
    with app.app_context():
        assert db.session.get(Registration, other).excused is False


def test_izin_recorded_by_another_worker_shows_on_a_cached_event_report(world, login_as, app):
    """The izin route clears only its own process's cache; another worker's cached report must
    still see the change (its cache version includes the izin rows)."""
    from events.training import set_excused
    c = login_as("panitia")
    url = f"/laporan/kegiatan/{world.ids.s1}"
    assert "izin: 1" in c.get(url).get_data(as_text=True)  # B, cached now
    with app.app_context():  # as another worker would: no cache.clear() here
        reg = db.session.get(Registration, world.ids.regs[("S1", "C")])
        set_excused(reg, True, "Dinas luar", None)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Registration).where(
            Registration.event_id == world.ids.s1, Registration.excused.is_(True))) == 2
    assert "izin: 2" in c.get(url).get_data(as_text=True)
