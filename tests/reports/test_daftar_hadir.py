"""Daftar hadir PDF: names and masked phones, never a NIK; blank and filled versions."""
from __future__ import annotations

import io
import re
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from auth.models import User
from extensions import db
from helpers.formats import format_wib
from relawan.models import Relawan, mask_phone
from tests.reports.conftest import GUEST_NAME


def _text(resp) -> str:
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)


def test_filled_version_lists_checkins_with_time_and_masked_phone(world, login_as, app):
    c = login_as("panitia")
    text = _text(c.get(f"/laporan/kegiatan/{world.ids.e1}/daftar-hadir.pdf?versi=terisi"))
    for name in ("Ani Kasemen", "Dedi Taktakan", GUEST_NAME):
        assert name in text
    assert "Budi Kasemen" not in text  # no-show
    with app.app_context():
        a = db.session.get(Relawan, world.p["A"].id)
        phone = db.session.get(User, a.user_id).phone
        niks = [r.nik for r in db.session.scalars(select(Relawan))]
    assert mask_phone(phone) in text
    assert phone not in text and phone[3:] not in text
    assert not any(n in text for n in niks)
    assert not re.search(r"\d{16}", text)
    assert format_wib(world.ids.starts["e1"] + timedelta(minutes=10), "time") in text  # Dedi's Jam Hadir
    assert "Sosialisasi Satu" in text and "Ketua Panitia" in text
    kop = text.index("PEMERINTAH KOTA SERANG")  # kop surat: government, then the dinas
    assert kop < text.index("DINAS PENGENDALIAN PENDUDUK") < text.index("Sosialisasi Satu")


def test_blank_version_lists_registrants_without_times(world, login_as):
    c = login_as("admin")
    text = _text(c.get(f"/laporan/kegiatan/{world.ids.e1}/daftar-hadir.pdf?versi=kosong"))
    for name in ("Ani Kasemen", "Budi Kasemen", "Dedi Taktakan", GUEST_NAME):
        assert name in text
    assert "Cici Kasemen" not in text  # cancelled
    assert format_wib(world.ids.starts["e1"] + timedelta(minutes=30), "time") not in text


def test_bad_version_and_access(world, login_as):
    assert login_as("panitia").get(f"/laporan/kegiatan/{world.ids.e1}/daftar-hadir.pdf?versi=x").status_code == 400
    assert login_as("koordinator").get(f"/laporan/kegiatan/{world.ids.e1}/daftar-hadir.pdf").status_code == 403
