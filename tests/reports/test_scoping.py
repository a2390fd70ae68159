"""A Kasemen koordinator can neither see nor export Taktakan data, URL tampering included."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from auth.models import AuditEntry
from extensions import db
from tests.reports.conftest import GUEST_NAME, KASEMEN, TAKTAKAN


def _koor(login_as):
    return login_as("koordinator", kecamatan_kode=KASEMEN)


def test_dashboard_is_forced_to_own_kecamatan(world, login_as):
    c = _koor(login_as)
    html = c.get("/laporan/").get_data(as_text=True)
    assert "Kasemen" in html
    for name in ("Sayar", "Taktakan", "Cipare"):
        assert name not in html
    assert c.get(f"/laporan/?kecamatan={TAKTAKAN}").status_code == 404
    assert c.get(f"/laporan/?kecamatan={KASEMEN}").status_code == 200


def test_event_report_counts_only_own_kecamatan(world, login_as):
    c = _koor(login_as)
    html = c.get(f"/laporan/kegiatan/{world.ids.e1}").get_data(as_text=True)
    assert "Sayar" not in html and "Taktakan" not in html
    assert c.get(f"/laporan/kegiatan/{world.ids.e1}?kecamatan={TAKTAKAN}").status_code == 404


def test_relawan_history_outside_scope_is_404(world, login_as):
    c = _koor(login_as)
    assert c.get(f"/laporan/relawan/{world.p['D'].id}").status_code == 404
    assert c.get(f"/laporan/relawan/{world.p['A'].id}").status_code == 200


def test_exports_cannot_reach_taktakan(world, login_as, app):
    c = _koor(login_as)
    body = c.get("/laporan/ekspor?data=relawan&format=csv").get_data(as_text=True)
    names = [r[1] for r in list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))[1:]]
    assert sorted(names) == ["Ani Kasemen", "Budi Kasemen", "Cici Kasemen"]
    assert c.get(f"/laporan/ekspor?data=relawan&format=csv&kecamatan={TAKTAKAN}").status_code == 404
    assert c.get("/laporan/ekspor?data=relawan&format=xlsx&kelurahan=36.73.06.1001").status_code == 404
    reg = c.get(f"/laporan/ekspor?data=pendaftar&format=csv&event={world.ids.e1}").get_data(as_text=True)
    assert "Ani Kasemen" in reg and "Dedi Taktakan" not in reg and GUEST_NAME not in reg
    assert c.get(f"/laporan/ekspor?data=pendaftar&event={world.ids.e1}&kecamatan={TAKTAKAN}").status_code == 404
    att = c.get(f"/laporan/ekspor?data=kehadiran&format=csv&program={world.ids.program}").get_data(as_text=True)
    assert "Ani Kasemen" in att and "Dedi Taktakan" not in att
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")
                                     .order_by(AuditEntry.id)).all()
        assert [e.details["what"] for e in entries] == ["relawan", "pendaftar", "kehadiran"]
        assert entries[0].rows == 3 and entries[0].details["filters"]["kecamatan"] == KASEMEN


def test_attendance_grid_scoped(world, login_as):
    c = _koor(login_as)
    html = c.get(f"/laporan/program/{world.ids.program}/kehadiran").get_data(as_text=True)
    assert "Ani Kasemen" in html and "Dedi Taktakan" not in html
