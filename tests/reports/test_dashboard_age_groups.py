"""Adults and children by age group on the dashboard (issue 15.1), against hand-counted values.

On top of the `world` fixture (conftest: every registration there is a relawan or a guest, so
dewasa: 14 confirmed in the counted events E1, E2, S1, S2, of whom 9 checked in) come families:
  E1: a guest mother from Taktakan (in) with Aisyah, anak (in), and a cancelled child (not counted)
  E2: relawan A (Kasemen) brings a remaja (in) and a balita (not in)
  FUT (not started) and CAN (cancelled): a child each, never counted
A companion has no kelurahan of its own: with a kecamatan it counts where its lead lives.
"""
from __future__ import annotations

import re
import secrets

import pytest
from sqlalchemy import select

from events.models import Event, Registration
from events.services.companions import Companion, companion_row
from extensions import db
from reports.age_groups import age_group_counts, dashboard_age_groups
from reports.queries import Filters
from tests.reports.conftest import KASEMEN, TAKTAKAN, _checkin, _reg

ROW = re.compile(r'<strong>([^<]+)</strong></td><td class="num" data-label="Terdaftar">(\d+)</td>'
                 r'<td class="num c-key" data-label="Hadir">(\d+)</td>')


def _child(lead: Registration, name: str, age: str, status: str = "confirmed") -> Registration:
    child = companion_row(lead, Companion(name, "anak", age), secrets.token_urlsafe(16))
    child.status = status
    db.session.add(child)
    db.session.flush()
    return child


@pytest.fixture
def families(app, world):
    with app.app_context():
        ids = world.ids
        e1 = db.session.get(Event, ids.e1)
        mother = _reg(e1, None, guest_name="Ibu Rohmah", guest_phone="+6285700000009",
                      guest_kelurahan_kode="36.73.06.1001", source="guest")
        _checkin(mother, 5)
        _checkin(_child(mother, "Aisyah", "anak"), 5)
        _child(mother, "Citra", "anak", status="cancelled")
        lead_a = db.session.scalar(select(Registration).where(Registration.event_id == ids.e2,
                                                              Registration.relawan_id == world.p["A"].id))
        _checkin(_child(lead_a, "Rafi", "remaja"), 0)
        _child(lead_a, "Bima", "balita")
        for event_id in (ids.fut, ids.can):
            lead = db.session.scalar(select(Registration).where(Registration.event_id == event_id))
            _checkin(_child(lead, "Anak Lain", "anak"), 0)
        db.session.commit()
    return world


def _counts(registered, attended):
    keys = ("dewasa", "remaja", "anak", "balita")
    return {"registered": dict(zip(keys, registered)), "attended": dict(zip(keys, attended))}


def test_counts_by_age_group_for_the_dashboard_filters(families, ctx):
    assert dashboard_age_groups(Filters()) == _counts((15, 1, 1, 1), (10, 1, 1, 0))
    assert dashboard_age_groups(Filters(kind="sosialisasi")) == _counts((7, 1, 1, 1), (6, 1, 1, 0))
    assert dashboard_age_groups(Filters(kind="rakor")) == _counts((0, 0, 0, 0), (0, 0, 0, 0))


def test_children_count_in_their_leads_kecamatan(families, ctx):
    assert dashboard_age_groups(Filters(kecamatan=KASEMEN)) == _counts((9, 1, 0, 1), (5, 1, 0, 0))
    assert dashboard_age_groups(Filters(kecamatan=TAKTAKAN)) == _counts((6, 0, 1, 0), (5, 0, 1, 0))


def test_the_event_report_counts_one_event_with_the_same_function(families, ctx):
    assert age_group_counts(families.ids.e2) == _counts((2, 1, 0, 1), (2, 1, 0, 0))


def _rows(html: str) -> dict[str, tuple[int, int]]:
    section = html[html.index('id="kelompok-usia"'):html.index('id="per-bulan"')]
    return {label: (int(reg), int(att)) for label, reg, att in ROW.findall(section)}


def test_dashboard_page_shows_the_table_per_role_and_filter(families, login_as):
    html = login_as("admin").get("/laporan/").get_data(as_text=True)
    assert _rows(html) == {"Dewasa": (15, 10), "Remaja 13-17": (1, 1), "Anak 6-12": (1, 1),
                           "Balita": (1, 0)}
    assert "relawan dan tamu tanpa kelompok usia dihitung dewasa" in html
    html = login_as("panitia").get("/laporan/?jenis=sosialisasi").get_data(as_text=True)
    assert _rows(html)["Dewasa"] == (7, 6)
    koordinator = login_as("koordinator", kecamatan_kode=KASEMEN)
    html = koordinator.get("/laporan/").get_data(as_text=True)
    assert _rows(html) == {"Dewasa": (9, 5), "Remaja 13-17": (1, 1), "Anak 6-12": (0, 0),
                           "Balita": (1, 0)}
    assert "Pendamping dihitung di kecamatan pendaftar utamanya." in html
