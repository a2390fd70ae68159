"""Table-driven access test for the pages of issue 5: every page x every role -> expected status.

Roles: anonymous, relawan_own (Ani, the target relawan, Kasemen), relawan_other, koordinator
scoped to Kasemen (same) or Taktakan (other), panitia, admin. Uses the `world` fixture of
tests/reports/conftest.py. Refused writes must leave the database untouched.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from auth.models import User
from events.models import ProgramEnrollment, Registration
from events.training import Certificate, certificates
from extensions import db
from relawan.models import Relawan
from tests.conftest import login
from tests.reports.conftest import KASEMEN, TAKTAKAN, world  # noqa: F401 (fixture)

ROLES = ["anonymous", "relawan_own", "relawan_other", "koordinator_same", "koordinator_other",
         "panitia", "admin"]


def _row(*codes):
    return dict(zip(ROLES, codes))


GET = {
    "dashboard": (lambda w: "/laporan/", _row(302, 403, 403, 200, 200, 200, 200)),
    "dashboard_tampered": (lambda w: f"/laporan/?kecamatan={TAKTAKAN}",
                           _row(302, 403, 403, 404, 200, 200, 200)),
    "event_report": (lambda w: f"/laporan/kegiatan/{w.ids.e1}", _row(302, 403, 403, 200, 200, 200, 200)),
    "relawan_history": (lambda w: f"/laporan/relawan/{w.p['A'].id}",
                        _row(302, 200, 403, 200, 404, 200, 200)),
    "attendance": (lambda w: f"/laporan/program/{w.ids.program}/kehadiran",
                   _row(302, 403, 403, 200, 200, 200, 200)),
    "daftar_hadir": (lambda w: f"/laporan/kegiatan/{w.ids.e1}/daftar-hadir.pdf?versi=kosong",
                     _row(302, 403, 403, 403, 403, 200, 200)),
    "certificate_pdf": (lambda w: f"/laporan/sertifikat/{w.cert_id}.pdf",
                        _row(302, 200, 404, 404, 404, 200, 200)),
    "verify_certificate": (lambda w: f"/sertifikat/{w.cert_code}", _row(200, 200, 200, 200, 200, 200, 200)),
    "export_relawan": (lambda w: "/laporan/ekspor?data=relawan&format=csv",
                       _row(302, 403, 403, 200, 200, 200, 200)),
    "export_registrations": (lambda w: f"/laporan/ekspor?data=pendaftar&format=xlsx&event={w.ids.e1}",
                             _row(302, 403, 403, 200, 200, 200, 200)),
    "export_attendance": (lambda w: f"/laporan/ekspor?data=kehadiran&format=csv&program={w.ids.program}",
                          _row(302, 403, 403, 200, 200, 200, 200)),
    "audit_log": (lambda w: "/admin/audit", _row(302, 403, 403, 403, 403, 403, 200)),
}

POST = {
    # (url, form, expected, check(app, world) -> True when the write happened)
    "revoke_certificate": (lambda w: f"/laporan/sertifikat/{w.cert_id}/cabut", {"reason": "uji"},
                           _row(302, 403, 403, 403, 403, 403, 302),
                           lambda w: db.session.get(Certificate, w.cert_id).revoked_at is not None),
    "set_excuse": (lambda w: f"/laporan/kehadiran/{w.ids.regs[('S1', 'C')]}/izin",
                   {"excused": "1", "note": "uji"}, _row(302, 403, 403, 403, 403, 302, 302),
                   lambda w: db.session.get(Registration, w.ids.regs[("S1", "C")]).excused),
    "issue_event_certificates": (lambda w: f"/laporan/kegiatan/{w.ids.e2}/sertifikat", {},
                                 _row(302, 403, 403, 403, 403, 302, 302),
                                 lambda w: False),
    "issue_program_certificates": (lambda w: f"/laporan/program/{w.ids.program}/sertifikat", {},
                                   _row(302, 403, 403, 403, 403, 302, 302),
                                   lambda w: False),
}


@pytest.fixture
def setup(app, world, make_user):
    with app.app_context():
        cert = certificates.issue_for_enrollment(db.session.get(ProgramEnrollment, world.ids.enrol["A"]))
        db.session.commit()
        world.cert_id, world.cert_code = cert.id, cert.code
        owners = {k: db.session.get(User, db.session.get(Relawan, world.p[k].id).user_id) for k in "AB"}
        db.session.expunge_all()
    users = {"relawan_own": owners["A"], "relawan_other": owners["B"],
             "koordinator_same": make_user("koordinator", kecamatan_kode=KASEMEN),
             "koordinator_other": make_user("koordinator", kecamatan_kode=TAKTAKAN),
             "panitia": make_user("panitia"), "admin": make_user("admin")}

    def client_for(role):
        c = app.test_client()
        if role != "anonymous":
            login(c, users[role])
        return c
    return world, client_for


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(GET))
def test_get_access(setup, page, role):
    w, client_for = setup
    url, expected = GET[page]
    resp = client_for(role).get(url(w))
    assert resp.status_code == expected[role], (page, role, resp.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(POST))
def test_post_access(setup, app, action, role):
    w, client_for = setup
    url, form, expected, happened = POST[action]
    resp = client_for(role).post(url(w), data=form)
    assert resp.status_code == expected[role], (action, role, resp.status_code)
    if expected[role] != 302 or role == "anonymous":
        with app.app_context():
            assert not happened(w)
            assert db.session.scalar(select(Certificate).where(Certificate.event_id == w.ids.e2)) is None
