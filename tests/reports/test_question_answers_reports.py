"""Answers to the event's own questions in the registrant CSV/XLSX exports (one column per question,
typed text neutralised) and on the daftar hadir (a column per question marked for it; issue 15.4)."""
from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from events.models import Registration
from events.questions.models import RegistrationAnswer
from extensions import db
from reports import exports
from reports.views_docs import DAFTAR_HADIR_QUESTIONS
from tests.events.question_helpers import add_answer, add_question
from tests.reports.conftest import GUEST_NAME

FORMULA = '=cmd|" /C calc"!A0'
LABELS = ["Membawa anak?", "Ukuran kaos", "Kebutuhan khusus", "Jumlah anak"]


@pytest.fixture
def asked(world, app):
    """E1 asks four questions (the first three on the daftar hadir); A, B, D and the guest answer."""
    e1 = world.ids.e1
    with app.app_context():
        q = [add_question(e1, "Membawa anak?", "yes_no", position=1, on_daftar_hadir=True),
             add_question(e1, "Ukuran kaos", "choices", options=["S", "M", "XL"], position=2,
                          on_daftar_hadir=True),
             add_question(e1, "Kebutuhan khusus", position=3, on_daftar_hadir=True),
             add_question(e1, "Jumlah anak", "number", position=4)]

        def reg_of(**where):
            return db.session.scalars(select(Registration.id).filter_by(event_id=e1, **where)).one()

        a, b, d = (reg_of(relawan_id=world.p[k].id) for k in "ABD")
        guest = reg_of(guest_name=GUEST_NAME)
        for reg, values in ((a, ["ya", json.dumps(["S", "XL"]), "Kursi roda", "2"]),
                            (b, ["tidak", None, "Juru bahasa isyarat", None]),
                            (d, [None, json.dumps(["M"]), None, "1.5"]),
                            (guest, [None, None, FORMULA, None])):
            for qid, value in zip(q, values, strict=True):
                if value is not None:
                    add_answer(reg, qid, value)
        assert db.session.query(RegistrationAnswer).count() == 9
    return world


def _csv_rows(c, event_id) -> list[dict]:
    resp = c.get(f"/laporan/ekspor?data=pendaftar&format=csv&event={event_id}")
    assert resp.status_code == 200
    reader = csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff")))
    header, *rows = list(reader)
    assert header[-4:] == LABELS  # one column per question, in order, headed by its label
    return [dict(zip(header, r, strict=True)) for r in rows]


@pytest.mark.parametrize("chunk", [exports.CHUNK, 2])  # also across several batches of rows
def test_csv_export_has_one_column_per_question_with_the_answers(asked, login_as, monkeypatch, chunk):
    monkeypatch.setattr(exports, "CHUNK", chunk)
    rows = {r["Nama"]: r for r in _csv_rows(login_as("panitia"), asked.ids.e1)}
    ani, budi, dedi = rows["Ani Kasemen"], rows["Budi Kasemen"], rows["Dedi Taktakan"]
    assert [ani[label] for label in LABELS] == ["Ya", "S, XL", "Kursi roda", "2"]
    assert [budi[label] for label in LABELS] == ["Tidak", "", "Juru bahasa isyarat", ""]
    assert [dedi[label] for label in LABELS] == ["", "M", "", "1,5"]
    assert rows[GUEST_NAME]["Kebutuhan khusus"] == "'" + FORMULA  # never a formula
    assert [rows["Cici Kasemen"][label] for label in LABELS] == ["", "", "", ""]


def test_xlsx_export_answers_are_string_cells_and_a_formula_stays_text(asked, login_as, app):
    resp = login_as("admin").get(f"/laporan/ekspor?data=pendaftar&format=xlsx&event={asked.ids.e1}")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    header, *rows = [list(r) for r in ws.iter_rows()]
    names = [h.value for h in header]
    assert names[-4:] == LABELS
    by_name = {r[names.index("Nama")].value: r for r in rows}
    ani = by_name["Ani Kasemen"]
    assert [ani[names.index(label)].value for label in LABELS] == ["Ya", "S, XL", "Kursi roda", "2"]
    cell = by_name[GUEST_NAME][names.index("Kebutuhan khusus")]
    assert cell.data_type == "s" and cell.value == "'" + FORMULA
    assert not [c.value for r in rows for c in r if c.data_type == "f"]
    with app.app_context():  # the export only reads
        assert db.session.query(RegistrationAnswer).count() == 9


def test_export_of_an_event_without_questions_has_no_answer_columns(asked, login_as):
    resp = login_as("panitia").get(f"/laporan/ekspor?data=pendaftar&format=csv&event={asked.ids.e2}")
    header = next(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert header[-1] == "Check-in (WIB)" and not set(LABELS) & set(header)


def _pdf(c, event_id, query):
    resp = c.get(f"/laporan/kegiatan/{event_id}/daftar-hadir.pdf?{query}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(resp.data))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    box = reader.pages[0].mediabox
    return text, float(box.width) > float(box.height)


def test_filled_daftar_hadir_has_a_column_per_marked_question(asked, login_as):
    text, landscape = _pdf(login_as("panitia"), asked.ids.e1, "versi=terisi")
    assert landscape  # three extra columns: A4 landscape keeps Nama readable
    for heading in LABELS[:3]:
        assert heading in text
    assert "Jumlah anak" not in text  # not marked for the daftar hadir
    assert "Kursi roda" in text and "S, XL" in text and FORMULA in text
    assert "Juru bahasa isyarat" not in text  # Budi did not come


def test_blank_daftar_hadir_prints_registrants_answers(asked, login_as):
    text, landscape = _pdf(login_as("admin"), asked.ids.e1, "versi=kosong")
    assert landscape and "Membawa anak?" in text and "Kebutuhan khusus" in text
    assert "Budi Kasemen" in text and "Juru bahasa isyarat" in text and "Tidak" in text


def test_daftar_hadir_keeps_at_most_three_question_columns_plus_scores(asked, login_as, app):
    with app.app_context():
        add_question(asked.ids.e1, "Pertanyaan kelima", position=9, on_daftar_hadir=True)
    text, landscape = _pdf(login_as("panitia"), asked.ids.e1, "versi=terisi&nilai=1")
    assert DAFTAR_HADIR_QUESTIONS == 3 and "Pertanyaan kelima" not in text
    assert landscape and "Nilai Pre / Post" in text and "Kebutuhan khusus" in text


def test_one_question_column_stays_portrait_and_none_is_unchanged(world, login_as, app):
    c = login_as("panitia")
    text, landscape = _pdf(c, world.ids.e1, "versi=terisi")
    assert not landscape and "Ani Kasemen" in text
    with app.app_context():
        add_question(world.ids.e1, "Ukuran kaos", "choice", options=["M"], on_daftar_hadir=True)
    text, landscape = _pdf(c, world.ids.e1, "versi=terisi")
    assert not landscape and "Ukuran kaos" in text
