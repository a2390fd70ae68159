"""Certificates: numbering, rollback, PDF download, public verification, revoke, narasumber/panitia."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from auth.models import AuditEntry
from events.models import AgendaItem, ProgramEnrollment, Registration, Speaker
from events.training import Certificate, certificates
from extensions import db
from helpers.errors import DomainError
from relawan.models import Relawan

NUMBER_RE = re.compile(r"^\d{3}/SERT-P2TP2A/(I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)/\d{4}$")


def _issue(app, world, key="A") -> dict:
    with app.app_context():
        cert = certificates.issue_for_enrollment(db.session.get(ProgramEnrollment, world.ids.enrol[key]))
        db.session.commit()
        return {"id": cert.id, "code": cert.code, "number": cert.number, "name": cert.name}


def test_issue_numbers_sequentially_and_is_idempotent(world, app):
    a = _issue(app, world, "A")
    b = _issue(app, world, "B")
    again = _issue(app, world, "A")
    assert NUMBER_RE.match(a["number"]) and a["number"].startswith("001/")
    assert b["number"].startswith("002/") and again["id"] == a["id"]
    assert len(a["code"]) >= 16 and a["code"] != b["code"]
    with app.app_context():
        cert = db.session.get(Certificate, a["id"])
        assert cert.name == "Ani Kasemen" and cert.title == "Pelatihan Relawan Uji"
        assert cert.hours == 6.0  # two attended 3-hour sessions
        assert " s.d. " in cert.date_text
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 2


def test_rollback_after_issuing_leaves_neither_certificate_nor_audit_entry(world, app):
    """The certificate and its audit entry are one unit of work: no SAVEPOINT that commits early."""
    with app.app_context():
        cert = certificates.issue_for_enrollment(db.session.get(ProgramEnrollment, world.ids.enrol["A"]))
        assert cert.id is not None and cert.number.startswith("001/")
        db.session.rollback()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "certificate_issued")) == 0
    assert _issue(app, world, "A")["number"].startswith("001/")  # the number was never used


def test_number_taken_by_another_issuer_rolls_back_and_asks_to_retry(world, app, monkeypatch):
    """Two issuers counting at once pick the same number: the unique constraint answers."""
    first = _issue(app, world, "A")
    with app.app_context():
        monkeypatch.setattr(certificates, "_number_for", lambda seq, when: first["number"])
        with pytest.raises(certificates.CertificateNumberTaken) as exc:
            certificates.issue_for_enrollment(db.session.get(ProgramEnrollment, world.ids.enrol["B"]))
        assert "coba lagi" in exc.value.message
        assert isinstance(exc.value, DomainError) and exc.value.http_status == 409
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "certificate_issued")) == 1


def test_verification_page_valid_revoked_unknown(world, app, client, login_as):
    cert = _issue(app, world)
    resp = client.get(f"/sertifikat/{cert['code']}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "SAH" in html and cert["number"] in html and "Ani Kasemen" in html
    assert "Pelatihan Relawan Uji" in html
    with app.app_context():
        rel = db.session.get(Relawan, world.p["A"].id)
        for private in (rel.nik, rel.nik[-4:] + "<", "Jl. Contoh", "36.73.02"):
            assert private not in html
    admin = login_as("admin")
    assert admin.post(f"/laporan/sertifikat/{cert['id']}/cabut", data={"reason": ""}).status_code == 302
    with app.app_context():
        assert db.session.get(Certificate, cert["id"]).revoked_at is None  # reason required
    resp = admin.post(f"/laporan/sertifikat/{cert['id']}/cabut", data={"reason": "Data\x00keliru"},
                      follow_redirects=True)
    assert "Alasan pencabutan mengandung karakter yang tidak valid." in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Certificate, cert["id"]).revoked_at is None  # NUL: refused, not a 500
    admin.post(f"/laporan/sertifikat/{cert['id']}/cabut", data={"reason": "Data keliru"})
    with app.app_context():
        c = db.session.get(Certificate, cert["id"])
        assert c.revoked_at is not None and c.revoked_reason == "Data keliru"
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "certificate_revoked")).one()
        assert entry.target_id == str(cert["id"])
    html = client.get(f"/sertifikat/{cert['code']}").get_data(as_text=True)
    assert "DICABUT" in html and "SAH / BERLAKU" not in html
    missing = client.get("/sertifikat/tidak-ada-kode-ini")
    assert missing.status_code == 404 and "tidak ditemukan" in missing.get_data(as_text=True)
    assert client.get("/sertifikat/%3Cscript%3E").status_code == 404


def test_only_admin_revokes(world, app, login_as):
    cert = _issue(app, world)
    for role in ("panitia", "koordinator", "relawan"):
        assert login_as(role).post(f"/laporan/sertifikat/{cert['id']}/cabut",
                                   data={"reason": "x"}).status_code == 403
    with app.app_context():
        assert db.session.get(Certificate, cert["id"]).revoked_at is None


def test_owner_downloads_pdf_with_qr_url_others_cannot(world, app, client):
    from auth.models import User
    from tests.conftest import login
    cert = _issue(app, world)
    with app.app_context():
        owner = db.session.get(User, db.session.get(Relawan, world.p["A"].id).user_id)
        other = db.session.get(User, db.session.get(Relawan, world.p["B"].id).user_id)
        db.session.expunge_all()
    login(client, owner)
    resp = client.get(f"/laporan/sertifikat/{cert['id']}.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)
    assert "Ani Kasemen" in text and cert["number"] in text
    history = client.get(f"/laporan/relawan/{world.p['A'].id}").get_data(as_text=True)
    assert f"/laporan/sertifikat/{cert['id']}.pdf" in history
    client.post("/keluar")
    login(client, other)
    assert client.get(f"/laporan/sertifikat/{cert['id']}.pdf").status_code == 404


def test_narasumber_and_panitia_certificates_from_event_page(world, app, login_as):
    with app.app_context():
        sp = Speaker(name="dr. Rina Narasumber", instansi="RSUD dr. Drajat Prawiranegara")
        db.session.add(sp)
        db.session.flush()
        from datetime import timedelta

        from events.models import Event
        ev = db.session.get(Event, world.ids.e2)
        db.session.add(AgendaItem(event_id=ev.id, speaker_id=sp.id, topic="Kekerasan pada anak",
                                  starts_at=ev.starts_at + timedelta(hours=1)))
        reg = db.session.scalars(select(Registration).where(
            Registration.event_id == ev.id, Registration.relawan_id == world.p["E"].id)).one()
        reg.role_label = "panitia"
        db.session.commit()
    c = login_as("panitia")
    assert c.post(f"/laporan/kegiatan/{world.ids.e2}/sertifikat").status_code == 302
    c.post(f"/laporan/kegiatan/{world.ids.e2}/sertifikat")  # twice: no duplicates
    with app.app_context():
        certs = db.session.scalars(select(Certificate).where(Certificate.event_id == world.ids.e2)).all()
        assert sorted((x.role_label, x.name) for x in certs) == [
            ("narasumber", "dr. Rina Narasumber"), ("panitia", "Euis Taktakan")]
        assert all(NUMBER_RE.match(x.number) for x in certs)
    page = c.get(f"/laporan/kegiatan/{world.ids.e2}").get_data(as_text=True)
    assert "dr. Rina Narasumber" in page
