"""Per-event report, per-relawan history and the admin audit-log page."""
from __future__ import annotations

from auth.models import AuditEntry
from events.models import Event
from extensions import db
from reports.event_report import event_summary


def test_event_summary_numbers(world, ctx):
    s = event_summary(db.session.get(Event, world.ids.e1))
    t = s["totals"]
    assert (t["registered"], t["attended"], t["no_show"], t["walk_in"], t["cancelled"]) == (4, 3, 1, 1, 1)
    assert t["rate"] == 75.0
    kel = {r["kode"]: (r["registered"], r["attended"]) for r in s["by_kelurahan"]}
    # Cici (36.73.02.1001) cancelled: counted in no column; the guest lives in 36.73.06.1002
    assert kel == {"36.73.02.1001": (1, 1), "36.73.02.1002": (1, 0), "36.73.06.1001": (1, 1),
                   "36.73.06.1002": (1, 1)}
    inst = {r["instansi"]: (r["registered"], r["attended"]) for r in s["by_instansi"]}
    assert inst["PKK"] == (2, 2) and inst["Posyandu"] == (1, 0) and inst["Kelurahan Sayar"] == (1, 1)


def test_event_report_page(world, login_as):
    html = login_as("panitia").get(f"/laporan/kegiatan/{world.ids.e1}").get_data(as_text=True)
    assert "Sosialisasi Satu" in html and "walk-in" in html
    assert "daftar-hadir.pdf" in html


def test_relawan_history_hours_and_statuses(world, login_as, app):
    from auth.models import User
    from relawan.models import Relawan
    from tests.conftest import login
    with app.app_context():
        user = db.session.get(User, db.session.get(Relawan, world.p["A"].id).user_id)
        db.session.expunge(user)
    c = app.test_client()
    login(c, user)
    html = c.get(f"/laporan/relawan/{world.p['A'].id}").get_data(as_text=True)
    # E1, E2, S1, S2 and the cancelled event's check-in: 5 x 3 h
    assert "15,0" in html
    assert "Pelatihan Relawan Uji" in html and "2 dari 2 sesi" in html
    assert c.get(f"/laporan/relawan/{world.p['B'].id}").status_code == 403


def test_audit_log_filters_and_paging(world, login_as, app):
    admin = login_as("admin")
    admin.get("/laporan/ekspor?data=relawan&format=csv")
    html = admin.get("/admin/audit?action=export").get_data(as_text=True)
    assert "export" in html and "relawan" in html
    assert "login" not in html.split("<tbody>")[1]
    assert admin.get("/admin/audit?dari=bukan-tanggal").status_code == 200
    assert "Tidak ada catatan" in admin.get("/admin/audit?dari=2000-01-01&sampai=2000-01-02").get_data(as_text=True)
    with app.app_context():
        db.session.add_all([AuditEntry(action="uji", note=str(i)) for i in range(120)])
        db.session.commit()
    page3 = admin.get("/admin/audit?action=uji&page=3").get_data(as_text=True)
    assert "Halaman 3 dari 3" in page3
    assert login_as("panitia").get("/admin/audit").status_code == 403
