"""The results page and its XLSX: figures computed by hand on a small fixture, staff only."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from tests.surveys.conftest import answer_test

# By hand: three guests, two questions (q1, q2).
#   pre:  A q1 right, q2 wrong -> 50;  B both wrong -> 0;  C both right -> 100.   mean 50.0
#   post: A both right -> 100;  B q1 right, q2 wrong -> 50  (C does not answer).  mean 75.0
#   gain overall 75.0 - 50.0 = 25.0
#   q1: pre 2/3 = 66.7 %, post 2/2 = 100.0 %, gain 33.3;  q2: pre 1/3 = 33.3 %, post 1/2 = 50.0 %, gain 16.7
HAND = {"pre": (3, 50.0), "post": (2, 75.0), "gain": 25.0,
        "q1": (66.7, 100.0, 33.3), "q2": (33.3, 50.0, 16.7)}


@pytest.fixture
def answered(app, client, make_event, make_guest, make_test):
    event = make_event()
    test = make_test(event)
    (_, a), (_, b), (_, c) = (make_guest(event, name) for name in ("Ani", "Budi", "Citra"))
    for token, pre, post in ((a, (True, False), (True, True)), (b, (False, False), (True, False)),
                             (c, (True, True), None)):
        assert answer_test(client, test, "pre", token, *pre).status_code == 200
        if post:
            assert answer_test(client, test, "post", token, *post).status_code == 200
    return event, test


def _num(text: str) -> float:
    return float(text.strip().replace(".", "").replace(",", "."))


def _cell(html: str, row_attr: str, cell_attr: str) -> str:
    row = re.search(rf"<tr {row_attr}>(.*?)</tr>", html, re.S).group(1)
    return re.search(rf"<td class=\"num\" {cell_attr}>(?:<strong>)?([^<]*)", row).group(1)


def test_pre_post_gain_on_the_results_page_equals_the_hand_computed_figures(login_as, answered):
    event, test = answered
    html = login_as("panitia").get(f"/kelola/kegiatan/{event.id}/kuesioner/{test['id']}/hasil").get_data(as_text=True)
    for name in ("pre", "post"):
        answered_n, average = HAND[name]
        assert int(_cell(html, f'data-round="{name}"', "data-answered")) == answered_n
        assert _num(_cell(html, f'data-round="{name}"', "data-average")) == average
    assert _num(_cell(html, 'data-round="gain"', "data-average")) == HAND["gain"]
    for i in (1, 2):
        pre, post, gain = HAND[f"q{i}"]
        got = [_num(_cell(html, f'data-question="{i}"', attr)) for attr in ("data-pre", "data-post", "data-gain")]
        assert got == [pre, post, gain]
    assert "Ani" in html and "Citra" in html  # per-person scores, for staff


def test_results_xlsx_carries_the_same_figures(login_as, answered, app):
    event, test = answered
    resp = login_as("admin").get(f"/kelola/kegiatan/{event.id}/kuesioner/{test['id']}/hasil.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.data))
    summary = {row[0]: row[1:] for row in wb["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary["Pre-test"] == (3, 50.0) and summary["Post-test"] == (2, 75.0)
    assert summary["Kenaikan (post - pre)"][1] == 25.0
    per_question = list(wb["Per soal"].iter_rows(min_row=2, values_only=True))
    assert [r[2:] for r in per_question] == [HAND["q1"], HAND["q2"]]
    people = {r[0]: r[1:] for r in wb["Nilai peserta"].iter_rows(min_row=2, values_only=True)}
    assert people == {"Ani": (50.0, 100.0), "Budi": (0.0, 50.0), "Citra": (100.0, None)}
    from sqlalchemy import select

    from auth.models import AuditEntry
    from extensions import db
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
        assert entry.details["what"] == "kuesioner"


def test_feedback_results_show_ratings_choices_and_free_text_with_formulas_neutralised(
        app, client, login_as, make_event, make_guest, make_feedback):
    event = make_event()
    form = make_feedback(event)
    for rating, option, text in ((5, 0, "Materi jelas"), (4, 0, "=HYPERLINK(\"x\")"), (2, 1, "")):
        _, token = make_guest(event)
        resp = client.post(f"/kuesioner/{form['id']}/umpan-balik/t/{token}", data={
            f"q{form['rating']}": rating, f"q{form['choice']}": form["options"][option], f"q{form['text']}": text})
        assert resp.status_code == 200
    staff = login_as("panitia")
    html = staff.get(f"/kelola/kegiatan/{event.id}/kuesioner/{form['id']}/hasil").get_data(as_text=True)
    assert re.search(r"data-rating>3,7<", html) and "Kader PKK: <strong>2</strong>" in html
    assert "Media sosial: <strong>1</strong>" in html and "Materi jelas" in html
    wb = load_workbook(io.BytesIO(staff.get(
        f"/kelola/kegiatan/{event.id}/kuesioner/{form['id']}/hasil.xlsx").data))
    assert list(wb["Penilaian"].iter_rows(min_row=2, values_only=True)) == [("Seberapa bermanfaat materi?", 3.7, 3)]
    texts = [r[1] for r in wb["Jawaban bebas"].iter_rows(min_row=2, values_only=True)]
    assert texts == ["Materi jelas", "'=HYPERLINK(\"x\")"]


@pytest.mark.parametrize("role, status", [("koordinator", 403), ("relawan", 403)])
def test_results_and_export_are_for_panitia_and_admin_only(login_as, answered, role, status, client):
    event, test = answered
    base = f"/kelola/kegiatan/{event.id}/kuesioner/{test['id']}"
    other = login_as(role, kecamatan_kode="36.73.02") if role == "koordinator" else login_as(role)
    for path in ("/hasil", "/hasil.xlsx", "/pre/layar"):
        assert other.get(base + path).status_code == status
        assert client.get(base + path).status_code == 302  # anonymous: to the login page
