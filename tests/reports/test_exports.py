"""CSV and XLSX exports keep NIK and phone as text; NIK only for admin; every export audited."""
from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from auth.models import AuditEntry, User
from extensions import db
from relawan.models import Relawan


def _csv(resp):
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    text = resp.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def _unwrap(cell: str) -> str:
    m = re.fullmatch(r'="(.*)"', cell)
    assert m, cell
    return m.group(1)


def test_admin_xlsx_keeps_nik_as_16_char_text_and_phone_zero(world, login_as, app):
    c = login_as("admin")
    resp = c.get("/laporan/ekspor?data=relawan&format=xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.iter_rows())
    header = [cell.value for cell in rows[0]]
    nik_i, hp_i, name_i = header.index("NIK"), header.index("No. HP"), header.index("Nama")
    with app.app_context():
        expected = {r.full_name: (r.nik, db.session.get(User, r.user_id).phone)
                    for r in db.session.scalars(select(Relawan))}
    assert len(rows) - 1 == len(expected) == 7
    for row in rows[1:]:
        nik, phone = row[nik_i], row[hp_i]
        assert nik.data_type == "s" and nik.number_format == "@"
        assert isinstance(nik.value, str) and len(nik.value) == 16
        assert phone.data_type == "s" and phone.value.startswith("08")
        exp_nik, exp_phone = expected[row[name_i].value]
        assert nik.value == exp_nik
        assert phone.value == "0" + exp_phone[3:]
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
        assert entry.rows == 7 and entry.details["what"] == "relawan"
        assert entry.details["format"] == "xlsx" and entry.details["nik"] is True


def test_admin_csv_text_form_keeps_all_digits(world, login_as, app):
    c = login_as("admin")
    rows = _csv(c.get("/laporan/ekspor?data=relawan&format=csv&status=aktif"))
    header = rows[0]
    assert len(rows) == 3  # A and B are aktif
    for row in rows[1:]:
        nik = _unwrap(row[header.index("NIK")])
        phone = _unwrap(row[header.index("No. HP")])
        assert len(nik) == 16 and nik.isdigit() and phone.startswith("08")
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
        assert entry.rows == 2 and entry.details["filters"] == {"status": "aktif"}


def test_non_admin_exports_have_no_nik(world, login_as, app):
    with app.app_context():
        niks = [r.nik for r in db.session.scalars(select(Relawan))]
    for role in ("panitia", "koordinator"):
        c = login_as(role)
        for url in ("/laporan/ekspor?data=relawan&format=csv",
                    f"/laporan/ekspor?data=pendaftar&format=csv&event={world.ids.e1}",
                    f"/laporan/ekspor?data=kehadiran&format=csv&program={world.ids.program}"):
            resp = c.get(url)
            body = resp.get_data(as_text=True)
            assert resp.status_code == 200
            assert "NIK" not in body.splitlines()[0]
            assert not any(n in body for n in niks)
        xl = c.get("/laporan/ekspor?data=relawan&format=xlsx")
        ws = load_workbook(io.BytesIO(xl.data)).active
        assert "NIK" not in [cell.value for cell in next(ws.iter_rows())]


def test_registrations_and_attendance_exports(world, login_as):
    c = login_as("panitia")
    rows = _csv(c.get(f"/laporan/ekspor?data=pendaftar&format=csv&event={world.ids.e1}"))
    header = rows[0]
    names = {r[header.index("Nama")]: r for r in rows[1:]}
    assert set(names) == {"Ani Kasemen", "Budi Kasemen", "Dedi Taktakan", "Cici Kasemen",
                          "Tamu Walkin Sayar"}
    assert names["Tamu Walkin Sayar"][header.index("Walk-in")] == "ya"
    assert _unwrap(names["Tamu Walkin Sayar"][header.index("No. HP")]) == "085700000001"
    assert names["Budi Kasemen"][header.index("Check-in (WIB)")] == ""
    att = _csv(c.get(f"/laporan/ekspor?data=kehadiran&format=csv&program={world.ids.program}"))
    by = {r[0]: r for r in att[1:]}
    assert by["Budi Kasemen"][1].startswith("Izin (Sakit)") and by["Budi Kasemen"][2] == "Terlambat"
    assert by["Ani Kasemen"][1:3] == ["Hadir", "Hadir"]


def test_bad_export_parameters(world, login_as):
    c = login_as("admin")
    assert c.get("/laporan/ekspor?data=rahasia").status_code == 400
    assert c.get("/laporan/ekspor?data=relawan&format=pdf").status_code == 400
    assert c.get("/laporan/ekspor?data=pendaftar&event=abc").status_code == 404
    assert c.get("/laporan/ekspor?data=pendaftar&event=999999").status_code == 404


def test_formula_injection_is_neutralised(world, login_as, make_relawan):
    make_relawan("aktif", full_name="=HYPERLINK(\"http://x\")")
    c = login_as("admin")
    body = c.get("/laporan/ekspor?data=relawan&format=csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body
