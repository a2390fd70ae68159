"""Integers in paths and ?page= are bounded to the database's integer range (issue 11, item 6):
/kegiatan/2147483648 answered 500 on PostgreSQL (int4 overflow) and a 20-digit id or page 500 on
both databases. One URL converter (helpers.forms.BoundedIntConverter, the app's `int`) and one
paging helper (helpers.paging.paginate) now answer 404 and 400 with a message."""
from __future__ import annotations

import re

import pytest

from auth.models import AuditEntry
from extensions import db
from tests.conftest import login

HUGE = ("2147483648", "99999999999999999999")


def _int_get_routes(app):
    """Every GET route with an <int:...> segment, as a format string for the number."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or "int:" not in rule.rule:
            continue
        yield re.sub(r"<int:[^>]+>", "{n}", re.sub(r"<(?!int:)[^>]+>", "x", rule.rule))


@pytest.mark.parametrize("number", HUGE)
def test_event_page_with_an_id_beyond_the_integer_range_is_404(client, make_event, number):
    make_event()
    resp = client.get(f"/kegiatan/{number}")
    assert resp.status_code == 404
    assert "Halaman tidak ditemukan" in resp.get_data(as_text=True)


def test_largest_integer_id_is_still_a_plain_lookup(client, make_event):
    make_event()
    assert client.get(f"/kegiatan/{2**31 - 1}").status_code == 404


@pytest.mark.parametrize("number", HUGE)
def test_every_get_route_with_an_int_segment_answers_404_for_huge_ids(app, make_user, make_event,
                                                                       number):
    make_event()
    client = app.test_client()
    login(client, make_user("admin"))
    routes = list(_int_get_routes(app))
    assert len(routes) > 15
    for route in routes:
        resp = client.get(route.format(n=number))
        assert resp.status_code == 404, route


@pytest.mark.parametrize("path", ["/admin/audit", "/admin/pengguna", "/relawan", "/kelola/kegiatan"])
def test_a_huge_page_number_is_400_with_a_message(login_as, path):
    admin = login_as("admin")
    resp = admin.get(f"{path}?page=99999999999999999999")
    assert resp.status_code == 400, path
    assert "Nomor halaman tidak valid" in resp.get_data(as_text=True)


def test_page_numbers_in_range_still_page(app, login_as):
    admin = login_as("admin")
    with app.app_context():
        db.session.add_all([AuditEntry(action="uji") for _ in range(3)])
        db.session.commit()
    assert "uji" in admin.get("/admin/audit?action=uji&page=1").get_data(as_text=True)
    beyond = admin.get(f"/admin/audit?action=uji&page={2**31 - 1}")
    assert beyond.status_code == 200


@pytest.mark.parametrize("query", ["event=99999999999999999999", "event=2147483648"])
def test_export_with_a_huge_event_id_is_404(login_as, query):
    admin = login_as("admin")
    resp = admin.get(f"/laporan/ekspor?data=pendaftar&format=csv&{query}")
    assert resp.status_code == 404


def test_report_filter_with_a_huge_program_id_is_a_field_message(login_as):
    admin = login_as("admin")
    resp = admin.get("/laporan/?program=99999999999999999999")
    assert resp.status_code in (200, 400, 422)
    assert "Program tidak ditemukan" in resp.get_data(as_text=True)


def test_audit_user_filter_with_a_huge_number_is_not_a_500(login_as):
    admin = login_as("admin")
    assert admin.get("/admin/audit?user=99999999999999999999").status_code == 200
