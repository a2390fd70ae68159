"""Daftar hadir fit for SPJ (issue 14.2), read back from the PDFs the app serves: kop lines,
the two signature blocks with names and NIPs, labels instead of organisation codes, both dates
of an event past midnight; certificates refused while no signatory is configured; badge names
readable and inside the card."""
from __future__ import annotations

import io
import secrets
from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from events.checkin_models import CheckIn
from events.models import AgendaItem, Event, Registration, Speaker
from events.training import Certificate, certificates
from extensions import db
from helpers.errors import DomainError
from reports.pdf import Badge, badges_pdf
from reports.pdf.badges import CARD_W

CODES = ("karang_taruna", "pkk", "umum", "kampus")


def _text(pdf: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def kop(app, monkeypatch):
    for key, value in {"ORG_ADDRESS": "Jl. Uji Coba No. 7, Kota Serang, Banten 42111",
                       "ORG_PHONE": "(0254) 123456", "ORG_EMAIL": "dp3akb@uji.example"}.items():
        monkeypatch.setitem(app.config, key, value)


@pytest.fixture
def night_event(app, make_event, make_relawan):
    """Sat 28 Nov 2026 20.00 WIB - Sun 29 Nov 02.00 WIB; three relawan by organisation code,
    two of them checked in; the event names its own signatories."""
    event = make_event(title="Malam Renungan Anti Kekerasan", starts_at=datetime(2026, 11, 28, 13, 0),
                       ends_at=datetime(2026, 11, 28, 19, 0), ketua_panitia_name="Rina Kartika, S.Sos.",
                       ketua_panitia_nip="198001012005012001", kepala_dinas_name="Drs. H. Ahmad Syarif, M.Si.",
                       kepala_dinas_nip="197005121998031004")
    people = [make_relawan(full_name="Karina Taruna", organisation="karang_taruna"),
              make_relawan(full_name="Umar Umum", organisation="umum"),
              make_relawan(full_name="Pipit Kader", organisation="pkk")]
    with app.app_context():
        for i, rel in enumerate(people):
            reg = Registration(event_id=event.id, relawan_id=rel.id, status="confirmed",
                               token=secrets.token_urlsafe(16))
            db.session.add(reg)
            db.session.flush()
            if i < 2:
                at = event.starts_at + timedelta(minutes=10 + i)
                db.session.add(CheckIn(registration_id=reg.id, event_id=event.id, scanned_at=at,
                                       recorded_at=at, method="qr"))
        db.session.commit()
    return event


def test_daftar_hadir_prints_kop_signatures_labels_and_both_dates(night_event, kop, login_as):
    c = login_as("panitia")
    for versi in ("kosong", "terisi"):
        resp = c.get(f"/laporan/kegiatan/{night_event.id}/daftar-hadir.pdf?versi={versi}")
        assert resp.status_code == 200 and resp.mimetype == "application/pdf"
        text = _text(resp.data)
        for line in ("PEMERINTAH KOTA SERANG", "DINAS PENGENDALIAN PENDUDUK", "P2TP2A KOTA SERANG",
                     "Jl. Uji Coba No. 7, Kota Serang, Banten 42111", "Telp. (0254) 123456",
                     "Email: dp3akb@uji.example"):
            assert line in text, line
        for line in ("Mengetahui,", "Kepala DP3AKB Kota Serang,", "Drs. H. Ahmad Syarif, M.Si.",
                     "NIP. 19700512 199803 1 004", "Ketua Panitia,", "Rina Kartika, S.Sos.",
                     "NIP. 19800101 200501 2 001", "Serang, 29 November 2026"):
            assert line in text, line
        assert "Sabtu, 28 November 2026 s.d. Minggu, 29 November 2026" in text
        assert "20.00 WIB (28 November 2026) s.d. 02.00 WIB (29 November 2026)" in text
        assert "Karang Taruna" in text and "Umum" in text
        assert not any(code in text for code in CODES), text
    assert "PKK" in _text(c.get(f"/laporan/kegiatan/{night_event.id}/daftar-hadir.pdf?versi=kosong").data)


def test_daftar_hadir_falls_back_to_configured_signatories_or_lines_to_fill(app, make_event, login_as,
                                                                          monkeypatch):
    monkeypatch.setitem(app.config, "KETUA_PANITIA_NAME", "")
    event = make_event(title="Rakor Tanpa Penandatangan")
    text = _text(login_as("admin").get(f"/laporan/kegiatan/{event.id}/daftar-hadir.pdf?versi=kosong").data)
    assert "Dra. Hj. Uji Kepala Dinas, M.Si." in text and "NIP. 19680512 199403 2 004" in text
    assert "Ketua Panitia," in text and "NIP. ......" in text and "( ......" in text
    monkeypatch.setitem(app.config, "KETUA_PANITIA_NAME", "Budi Panitia Tetap")
    monkeypatch.setitem(app.config, "KETUA_PANITIA_NIP", "19850202 201001 1 002")
    text = _text(login_as("admin").get(f"/laporan/kegiatan/{event.id}/daftar-hadir.pdf").data)
    assert "Budi Panitia Tetap" in text and "NIP. 19850202 201001 1 002" in text


def _event_form(**over) -> dict:
    data = {"kind": "sosialisasi", "title": "Sosialisasi Bertanda Tangan", "venue_name": "Aula",
            "starts_at": "2030-03-01T08:00", "ends_at": "2030-03-01T12:00", "program_id": "0",
            "ketua_panitia_name": "Rina Kartika, S.Sos.", "ketua_panitia_nip": "19800101 200501 2 001",
            "kepala_dinas_name": "", "kepala_dinas_nip": ""}
    return {**data, **over}


def test_event_form_stores_nip_without_spaces_and_refuses_a_wrong_one(app, login_as):
    c = login_as("panitia")
    bad = c.post("/kelola/kegiatan/baru", data=_event_form(ketua_panitia_nip="1980 0101 2005"))
    assert bad.status_code == 422 and "NIP harus 18 angka" in bad.get_data(as_text=True)
    orphan = c.post("/kelola/kegiatan/baru", data=_event_form(kepala_dinas_nip="197005121998031004"))
    assert orphan.status_code == 422 and "Isi nama pemilik NIP ini" in orphan.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 0
    assert c.post("/kelola/kegiatan/baru", data=_event_form()).status_code == 302
    with app.app_context():
        event = db.session.scalars(select(Event)).one()
        assert (event.ketua_panitia_name, event.ketua_panitia_nip) == ("Rina Kartika, S.Sos.",
                                                                       "198001012005012001")
        assert event.kepala_dinas_name is None and event.kepala_dinas_nip is None
    form = c.get(f"/kelola/kegiatan/{event.id}/ubah").get_data(as_text=True)
    assert "198001012005012001" in form and "Penandatangan daftar hadir" in form


def _staff_event(app, make_event) -> Event:
    event = make_event(title="Sosialisasi Bernarasumber")
    with app.app_context():
        sp = Speaker(name="dr. Rina Narasumber", instansi="RSUD dr. Drajat Prawiranegara")
        db.session.add(sp)
        db.session.flush()
        db.session.add(AgendaItem(event_id=event.id, speaker_id=sp.id, topic="Kekerasan pada anak",
                                  starts_at=event.starts_at))
        db.session.commit()
    return event


def test_certificates_refused_with_what_to_configure_while_signatory_missing(app, make_event, login_as,
                                                                           monkeypatch):
    event = _staff_event(app, make_event)
    c = login_as("panitia")
    monkeypatch.setitem(app.config, "KEPALA_DINAS_NAME", "")
    with app.test_request_context(), pytest.raises(certificates.SignatoryMissing) as err:
        certificates.signatory()
    assert isinstance(err.value, DomainError) and "KEPALA_DINAS_NAME" in err.value.message
    resp = c.post(f"/laporan/kegiatan/{event.id}/sertifikat", follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "penandatangan belum diatur" in page and "KEPALA_DINAS_NAME" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    monkeypatch.setitem(app.config, "KEPALA_DINAS_NAME", "Dra. Hj. Uji Kepala Dinas, M.Si.")
    c.post(f"/laporan/kegiatan/{event.id}/sertifikat")
    with app.app_context():
        cert_id = db.session.scalars(select(Certificate.id)).one()
    monkeypatch.setitem(app.config, "KEPALA_DINAS_NIP", "1968 0512")   # not 18 digits: still missing
    refused = c.get(f"/laporan/sertifikat/{cert_id}.pdf")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "KEPALA_DINAS_NIP" in body and "(nama penandatangan)" not in body
    monkeypatch.setitem(app.config, "KEPALA_DINAS_NIP", "196805121994032004")
    ok = c.get(f"/laporan/sertifikat/{cert_id}.pdf")
    assert ok.status_code == 200
    text = _text(ok.data)
    assert "Dra. Hj. Uji Kepala Dinas, M.Si." in text and "NIP. 19680512 199403 2 004" in text
    assert "dr. Rina Narasumber" in text and "(nama penandatangan)" not in text


def test_badges_print_labels_not_codes(night_event, login_as):
    text = _text(login_as("panitia").get(f"/kelola/kegiatan/{night_event.id}/badge.pdf").data)
    assert "Karang Taruna" in text and "Umum" in text and "PKK" in text
    assert not any(code in text for code in CODES)


def _name_runs(pdf: bytes, needle_words: set[str]) -> list[tuple[str, float, float, float]]:
    """(text, size, x, width) of every text run holding one of `needle_words`."""
    from reportlab.pdfbase import pdfmetrics

    from reports.pdf.common import get_fonts
    bold = get_fonts().sans_bold
    runs = []

    def visit(text, cm, tm, font, size):
        text = (text or "").strip()
        if text and any(w in text for w in needle_words):
            x = tm[4] + cm[4]
            runs.append((text, size, x, pdfmetrics.stringWidth(text, bold, size)))
    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return runs


@pytest.mark.parametrize("name, lines", [
    ("Siti Aminah", 1),
    ("Hj. Nurhayati Kusumawardhani, S.Pd., M.Pd.", 2),
    ("Dr. Hj. Siti Nurhaliza Anggraeni Putri Wulandari Kusumaningrum, S.H., M.H.", 2),
])
def test_badge_name_shrinks_then_wraps_to_two_readable_lines_inside_the_card(name, lines):
    pdf = badges_pdf([Badge(name, "Untirta", "PESERTA", "https://x.example/t/abc", "Acara")])
    words = set(name.split()[:2]) | set(name.split()[-2:]) | {"…"}
    runs = [r for r in _name_runs(pdf, words) if r[0] != "Untirta"]
    assert len(runs) == lines
    card_left = (595.2756 - 2 * CARD_W - 6 * 72 / 25.4) / 2
    for text, size, x, width in runs:
        assert size >= 9, (text, size)
        assert x >= card_left and x + width <= card_left + CARD_W - 38 * 72 / 25.4 + 2 * 72 / 25.4
    assert runs[0][0].startswith(name.split()[0])
    if lines == 1:
        assert runs[0][0] == name and runs[0][1] >= 12
