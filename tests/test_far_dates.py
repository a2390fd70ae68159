"""Dates far outside any plausible range get a field message, never a 500 (issue 11, item 12):
/laporan/?dari=0001-01-01, ?sampai=9999-12-31, the same on /admin/audit, and an event dated
0001-01-01T00:00 (OverflowError converting WIB to UTC). One parser for query strings
(helpers.forms.parse_date_arg) and one validator for form fields (helpers.forms.DateInRange)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from events.models import AgendaItem, Event
from extensions import db
from helpers.forms import DATE_RANGE_MSG, parse_date_arg

FAR = ["dari=0001-01-01", "sampai=9999-12-31", "dari=1899-12-31", "sampai=2101-01-01",
       "dari=0001-01-01&sampai=9999-12-31"]


@pytest.mark.parametrize("query", FAR)
@pytest.mark.parametrize("path", ["/laporan/", "/admin/audit", "/relawan"])
def test_far_dates_in_a_filter_get_a_message_not_a_500(login_as, path, query):
    admin = login_as("admin")
    resp = admin.get(f"{path}?{query}")
    assert resp.status_code == 200, (path, query)
    assert DATE_RANGE_MSG in resp.get_data(as_text=True), (path, query)


@pytest.mark.parametrize("path", ["/laporan/", "/admin/audit"])
def test_dates_inside_the_range_still_filter(login_as, path):
    admin = login_as("admin")
    resp = admin.get(f"{path}?dari=1900-01-01&sampai=2100-12-31")
    assert resp.status_code == 200
    assert DATE_RANGE_MSG not in resp.get_data(as_text=True)


def test_parse_date_arg_bounds():
    assert parse_date_arg("") is None
    assert parse_date_arg("2026-11-28") == date(2026, 11, 28)
    for raw in ("0001-01-01", "9999-12-31"):
        with pytest.raises(ValueError, match="antara tahun 1900 dan 2100"):
            parse_date_arg(raw)
    with pytest.raises(ValueError, match="format"):
        parse_date_arg("2026-13-45")


def _event_form(**overrides):
    data = {"kind": "sosialisasi", "title": "Sosialisasi Tanggal Jauh", "venue_name": "Aula PKPRI",
            "starts_at": "2026-12-01T09:00", "ends_at": "2026-12-01T12:00", "program_id": "0"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("field,value", [("starts_at", "0001-01-01T00:00"),
                                         ("ends_at", "9999-12-31T23:59"),
                                         ("registration_opens_at", "0001-01-01T00:00"),
                                         ("registration_closes_at", "9999-12-31T23:59")])
def test_event_form_with_a_far_date_is_a_field_error_and_saves_nothing(app, login_as, field, value):
    panitia = login_as("panitia")
    resp = panitia.post("/kelola/kegiatan/baru", data=_event_form(**{field: value}))
    assert resp.status_code == 422
    assert DATE_RANGE_MSG in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Event.id))) == 0


def test_agenda_item_with_a_far_date_is_a_field_error(app, login_as, make_event):
    event = make_event()
    panitia = login_as("panitia")
    resp = panitia.post(f"/kelola/kegiatan/{event.id}/agenda",
                        data={"topic": "Pembukaan", "starts_at": "0001-01-01T00:00", "speaker_id": "0"})
    assert resp.status_code in (200, 422)
    assert DATE_RANGE_MSG in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(AgendaItem.id))) == 0
