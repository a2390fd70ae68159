"""The kop emblem admin uploads (ops/letterhead.py, /admin/kop): a non-image, an oversized file,
a PNG with too many pixels and an SVG that can run script or reach outside itself are refused
with a message and save nothing; an accepted PNG is printed on the daftar hadir as an image."""
from __future__ import annotations

import html
import io
import os

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from auth.models import AuditEntry
from extensions import db
from ops.models import LetterheadEmblem

SVG_OK = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="120" '
          b'viewBox="0 0 100 120"><defs><linearGradient id="g"><stop offset="0" stop-color="#c00"/>'
          b'</linearGradient></defs><path d="M50 0 L100 30 L90 110 L50 120 L10 110 L0 30 Z" '
          b'fill="url(#g)" stroke="#1F3A5F" stroke-width="4"/><circle cx="50" cy="60" r="20" fill="#B08D3C"/></svg>')


def _png(size=(200, 240), noise=False, mode="RGB") -> bytes:
    img = Image.frombytes(mode, size, os.urandom(size[0] * size[1] * 3)) if noise else \
        Image.new(mode, size, (31, 58, 95) if mode == "RGB" else 0)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _upload(client, data: bytes, name: str):
    return client.post("/admin/kop/", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LetterheadEmblem))


@pytest.mark.parametrize("data, name, message", [
    (b"Bukan gambar, hanya teks.\n", "lambang.png", "bukan gambar PNG atau SVG"),
    (b"%PDF-1.4\n%fake", "lambang.pdf", "bukan gambar PNG atau SVG"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "rusak.png", "PNG rusak"),
    (None, "besar.png", "terlalu besar"),                      # > 512 KB of noise
    (b"", "kosong.png", "Pilih berkas gambar"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg", "<script>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>',
     "x.svg", "onload"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     b'<image xlink:href="http://evil.example/a.png" width="9" height="9"/></svg>', "x.svg", "di luar dirinya"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://evil.example/p)" '
     b'width="9" height="9"/></svg>', "x.svg", "di luar dirinya"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>hi</p></foreignObject></svg>',
     "x.svg", "<foreignobject>"),
    (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>', "x.svg", "DTD"),
])
def test_refused_emblem_shows_why_and_saves_nothing(app, login_as, data, name, message):
    if data is None:
        data = _png((600, 600), noise=True)
        assert len(data) > 512 * 1024
    resp = _upload(login_as("admin"), data, name)
    assert resp.status_code == 400
    assert message in html.unescape(resp.get_data(as_text=True))
    assert _stored(app) == 0


def test_png_with_too_many_pixels_is_refused_before_decoding(app, login_as):
    huge = _png((5000, 5000), mode="1")       # a few KB on disk, 25 million pixels
    assert len(huge) < 512 * 1024
    resp = _upload(login_as("admin"), huge, "poster.png")
    assert resp.status_code == 400 and "5000 x 5000 piksel" in resp.get_data(as_text=True)
    assert _stored(app) == 0


def _image_xobjects(pdf: bytes) -> int:
    count = 0
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        count += sum(1 for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image")
    return count


def test_accepted_png_is_stored_shown_and_printed_on_the_daftar_hadir(app, login_as, make_event):
    event = make_event()
    c = login_as("admin")
    before = c.get(f"/laporan/kegiatan/{event.id}/daftar-hadir.pdf?versi=kosong").data
    assert _image_xobjects(before) == 0
    resp = _upload(c, _png(), "lambang-kota-serang.png")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/kop/")
    with app.app_context():
        row = db.session.get(LetterheadEmblem, 1)
        assert row.content_type == "image/png" and row.filename == "lambang-kota-serang.png"
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "letterhead_emblem_saved")) == 1
    page = c.get("/admin/kop/").get_data(as_text=True)
    assert "lambang-kota-serang.png" in page and "/admin/kop/lambang" in page
    image = c.get("/admin/kop/lambang")
    assert image.mimetype == "image/png" and "sandbox" in image.headers["Content-Security-Policy"]
    after = c.get(f"/laporan/kegiatan/{event.id}/daftar-hadir.pdf?versi=kosong").data
    assert _image_xobjects(after) == 1
    assert "DAFTAR HADIR" in PdfReader(io.BytesIO(after)).pages[0].extract_text()


def test_svg_emblem_replaces_the_png_and_removal_leaves_text_only(app, login_as, make_event):
    event = make_event()
    c = login_as("admin")
    assert _upload(c, _png(), "lama.png").status_code == 302
    assert _upload(c, SVG_OK, "lambang.svg").status_code == 302
    with app.app_context():
        assert _stored(app) == 1
        assert db.session.get(LetterheadEmblem, 1).content_type == "image/svg+xml"
    pdf = c.get(f"/laporan/kegiatan/{event.id}/daftar-hadir.pdf?versi=kosong").data
    assert _image_xobjects(pdf) == 0 and b"%PDF" in pdf[:8]      # drawn as vectors
    assert c.post("/admin/kop/hapus").status_code == 302
    assert _stored(app) == 0
    assert c.get("/admin/kop/lambang").status_code == 404


def test_only_admin_reaches_the_kop_page(login_as):
    assert login_as("panitia").get("/admin/kop/").status_code == 403
    page = login_as("admin").get("/admin/kop/").get_data(as_text=True)
    assert "Kop surat dan penandatangan" in page and "ORG_PHONE" in page
