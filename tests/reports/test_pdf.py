"""Tests for reports.pdf: generate each document, read it back with pypdf.

No Flask needed. QR codes are decoded with zxingcpp; the page-render test
needs pdftoppm (poppler-utils) and is skipped without it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # allow running this file without a root conftest
    sys.path.insert(0, str(ROOT))

from pypdf import PdfReader

from reports.pdf import (
    AttendanceRow,
    Badge,
    CertificateData,
    DocHeader,
    SignatureBlock,
    badges_pdf,
    certificate_pdf,
    common,
    daftar_hadir_pdf,
    format_date_id,
    qr_matrix,
    wib_date_text,
)

HEADER = DocHeader(
    org_name="Dinas Pengendalian Penduduk, KB, Pemberdayaan Perempuan dan Perlindungan "
             "Anak (DP3AKB) Kota Serang",
    org_unit="P2TP2A Kota Serang",
    org_address="Jl. Jenderal Sudirman No. 5, Kota Serang, Banten")
EVENT = {"event_title": "Sosialisasi Pencegahan Kekerasan terhadap Anak",
             "event_date": "Sabtu, 28 November 2026", "event_time": "08.00 s.d. 12.00 WIB",
             "venue": "Aula DP3AKB Kota Serang", "organiser": "P2TP2A Kota Serang"}
CERT = CertificateData(
    number="001/SERT-P2TP2A/XI/2026", name="Dewi Lestari, S.Pd.", role_label="Peserta",
    program_title="Pelatihan Konselor Sebaya", date_text="3 s.d. 24 Oktober 2026",
    hours_text="16 JP", place="Aula DP3AKB Kota Serang",
    verify_url="https://p2tp2a.example.go.id/verifikasi/8f3a9c2e71",
    signatory_title="Kepala DP3AKB Kota Serang", signatory_name="Drs. H. Ahmad Syarif, M.Si.",
    signatory_nip="19700512 199803 1 004", issued_place_date="Serang, 28 November 2026")
SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


def rows(n: int) -> list[AttendanceRow]:
    return [AttendanceRow(name=f"Peserta Nomor {i + 1}", instansi="Kader PKK",
                          kelurahan="Cipare", phone_masked=f"0812-****-{7800 + i}",
                          time_in=f"08:{i % 60:02d}") for i in range(n)]


def text_of(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return reader, " ".join(text.split())


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


# ------------------------------------------------------------------ daftar hadir


def test_daftar_hadir_contents_and_pagination():
    pdf = daftar_hadir_pdf(HEADER, rows=rows(40), signatures=[
        SignatureBlock("", "Ketua Panitia", "Rina Kartika, S.Sos.", "198001012005012001")],
        signed_place_date="Serang, 28 November 2026", **EVENT)
    assert pdf.startswith(b"%PDF")
    reader, text = text_of(pdf)
    assert len(reader.pages) == 2
    for expected in ("DINAS PENGENDALIAN PENDUDUK", "P2TP2A KOTA SERANG", "DAFTAR HADIR",
                     "Kegiatan", EVENT["event_title"], "Hari/Tanggal", EVENT["event_date"],
                     "Waktu", "Tempat", EVENT["venue"], "Penyelenggara",
                     "No", "Nama", "Instansi/Jabatan", "Kelurahan", "No. HP", "Jam Hadir",
                     "Tanda Tangan", "Peserta Nomor 1 ", "Peserta Nomor 40", "0812-****-7839",
                     "Serang, 28 November 2026", "Ketua Panitia", "Rina Kartika, S.Sos.",
                     "NIP. 19800101 200501 2 001", "Halaman 1 dari 2", "Halaman 2 dari 2"):
        assert expected in text, expected
    p1, p2 = page_texts(pdf)
    assert "Halaman 1 dari 2" in p1 and "Halaman 2 dari 2" in p2
    assert "Tanda Tangan" in p2 and "Instansi/Jabatan" in p2      # header row repeats
    assert "Ketua Panitia" in p2


def _signature_numbers(pdf: bytes) -> dict[int, float]:
    """x position of each "n." drawn in the signature column, by n."""
    found: dict[int, float] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        def visit(text, cm, tm, font, size):
            m = re.fullmatch(r"\s*(\d+)\.\s*", text or "")
            if m:
                found[int(m.group(1))] = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        page.extract_text(visitor_text=visit)
    return found


def test_signature_cells_are_staggered():
    pdf = daftar_hadir_pdf(HEADER, rows=rows(6), **EVENT)
    xs = _signature_numbers(pdf)
    assert sorted(xs) == [1, 2, 3, 4, 5, 6]
    odd = {round(xs[n], 1) for n in (1, 3, 5)}
    even = {round(xs[n], 1) for n in (2, 4, 6)}
    assert len(odd) == 1 and len(even) == 1
    gap_mm = (even.pop() - odd.pop()) / 72 * 25.4
    assert 10 < gap_mm < 16   # even numbers start in the right half of the 30 mm cell


def test_blank_sheet_has_numbered_empty_rows():
    pdf = daftar_hadir_pdf(HEADER, rows=[], blank_rows=25, **EVENT)
    reader, text = text_of(pdf)
    assert sorted(_signature_numbers(pdf)) == list(range(1, 26))
    assert "Peserta Nomor" not in text
    assert "Serang, ...." in text and "Ketua Panitia" in text   # fill-in place/date
    assert f"Halaman 1 dari {len(reader.pages)}" in text
    # the signature block is never left alone on the last page: rows come with it
    last = page_texts(pdf)[-1]
    assert "Ketua Panitia" in last and "25." in last


def test_empty_list_and_markup_characters():
    _, text = text_of(daftar_hadir_pdf(HEADER, rows=[], **EVENT))
    assert "Belum ada data kehadiran." in text
    tricky = [AttendanceRow("Budi & <Ani>", "LSM \"Harapan\"", "Lopang", "", "")]
    _, text = text_of(daftar_hadir_pdf(HEADER, rows=tricky, **EVENT))
    assert "Budi & <Ani>" in text


def test_no_nik_anywhere():
    assert not any("nik" in f.name.lower() for f in dataclasses.fields(AttendanceRow))
    assert not any("nik" in f.name.lower() for f in dataclasses.fields(Badge))
    assert not any("nik" in f.name.lower() for f in dataclasses.fields(CertificateData))
    pdfs = [daftar_hadir_pdf(HEADER, rows=rows(40), signatures=[
                SignatureBlock("", "Ketua Panitia", "Rina", "198001012005012001")], **EVENT),
            daftar_hadir_pdf(HEADER, rows=[], blank_rows=30, **EVENT),
            certificate_pdf(HEADER, CERT)]
    for pdf in pdfs:
        _, text = text_of(pdf)
        assert not SIXTEEN_DIGITS.search(text.replace(" ", ""))


def test_falls_back_to_helvetica_without_dejavu(monkeypatch, tmp_path):
    monkeypatch.setattr(common, "FONT_DIR", str(tmp_path))
    assert common.get_fonts().sans == "Helvetica"
    pdf = daftar_hadir_pdf(HEADER, rows=rows(3), **EVENT)
    reader, text = text_of(pdf)
    fonts = {str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert fonts <= {"/Helvetica", "/Helvetica-Bold", "/Helvetica-Oblique"}
    assert "Peserta Nomor 3" in text
    assert b"%PDF" in certificate_pdf(HEADER, CERT)[:8]
    assert len(PdfReader(io.BytesIO(badges_pdf([_badge(1)]))).pages) == 1


# ----------------------------------------------------------------------- dates


def test_indonesian_dates():
    assert wib_date_text(dt.date(2026, 11, 28)) == "Sabtu, 28 November 2026"
    assert wib_date_text(dt.date(2026, 8, 17)) == "Senin, 17 Agustus 2026"
    assert format_date_id(dt.date(2026, 1, 3)) == "3 Januari 2026"
    # a naive datetime is UTC (storage convention): 20:00 UTC is already the next day in WIB
    assert wib_date_text(dt.datetime(2026, 11, 27, 20, 0)) == "Sabtu, 28 November 2026"


# ---------------------------------------------------------------------- badges


def _badge(i: int) -> Badge:
    roles = ["PESERTA", "NARASUMBER", "PANITIA", "RELAWAN"]
    return Badge(name=f"Nama Peserta {i}", instansi=f"Instansi {i}", role_label=roles[i % 4],
                 qr_text=f"https://p2tp2a.example.go.id/tiket/T{i:05d}",
                 event_title="Pelatihan Konselor Sebaya 2026")


def test_badges_pagination_and_text():
    pdf = badges_pdf([_badge(i) for i in range(9)])
    reader, text = text_of(pdf)
    assert len(reader.pages) == 2
    for expected in ("Nama Peserta 0", "Nama Peserta 8", "Instansi 3", "PESERTA",
                     "NARASUMBER", "PANITIA", "RELAWAN", "Pelatihan Konselor Sebaya 2026"):
        assert expected in text, expected
    assert len(PdfReader(io.BytesIO(badges_pdf([_badge(1)]))).pages) == 1
    assert len(PdfReader(io.BytesIO(badges_pdf([_badge(i) for i in range(9)],
                                               per_page=4))).pages) == 3
    with pytest.raises(ValueError):
        badges_pdf([_badge(1)], per_page=9)


def test_badge_long_name_is_shrunk_then_wrapped_not_dropped():
    long = Badge("Dr. Hj. Siti Nurhaliza Anggraeni Putri, S.H.", "Untirta",
                 "NARASUMBER", "https://x.example/t/1", "Acara")
    _, text = text_of(badges_pdf([long]))
    assert "Siti Nurhaliza" in text and "Putri, S.H." in text


# ------------------------------------------------------------------------- QR


def _matrix_image(matrix, scale: int = 6):
    from PIL import Image
    n = len(matrix)
    img = Image.new("L", (n, n), 255)
    img.putdata([0 if v else 255 for row in matrix for v in row])
    return img.resize((n * scale, n * scale), Image.NEAREST)


def test_qr_matrix_decodes_to_same_text():
    zxingcpp = pytest.importorskip("zxingcpp")
    text = "https://p2tp2a.example.go.id/tiket/AbC123?x=1&y=2"
    m = qr_matrix(text)
    assert len(m) == len(m[0])
    assert not any(m[0]) and not any(m[3]) and not any(r[0] for r in m)   # quiet zone
    results = zxingcpp.read_barcodes(_matrix_image(m))
    assert [r.text for r in results] == [text]
    assert results[0].ec_level == "M"


def _render(pdf: bytes, tmp_path: Path, dpi: int):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed: cannot render PDF pages")
    from PIL import Image
    src = tmp_path / "doc.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", str(src),
                    str(tmp_path / "page")], check=True, timeout=60)
    return Image.open(next(tmp_path.glob("page*.png")))


def test_badge_qr_scans_from_rendered_page(tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    badges = [_badge(i) for i in range(3)]
    img = _render(badges_pdf(badges), tmp_path, dpi=150)
    results = zxingcpp.read_barcodes(img)
    assert {r.text for r in results} == {b.qr_text for b in badges}
    for r in results:   # symbol (without quiet zone) at least 30 mm wide
        p = r.position
        width_px = ((p.top_right.x - p.top_left.x) ** 2 + (p.top_right.y - p.top_left.y) ** 2) ** .5
        assert width_px / 150 * 25.4 >= 29.5


# ----------------------------------------------------------------- certificate


def test_certificate_contents():
    pdf = certificate_pdf(HEADER, CERT)
    reader, text = text_of(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)          # landscape
    for expected in ("SERTIFIKAT", "Nomor: 001/SERT-P2TP2A/XI/2026", "diberikan kepada",
                     "Dewi Lestari, S.Pd.", "sebagai Peserta dalam kegiatan",
                     "Pelatihan Konselor Sebaya", "diselenggarakan oleh P2TP2A Kota Serang",
                     "pada tanggal 3 s.d. 24 Oktober 2026", "16 JP", "Aula DP3AKB Kota Serang",
                     "Serang, 28 November 2026", "Kepala DP3AKB Kota Serang",
                     "Drs. H. Ahmad Syarif, M.Si.", "NIP. 19700512 199803 1 004",
                     "Verifikasi keaslian:", CERT.verify_url):
        assert expected in text.replace("S E R T I F I K A T", "SERTIFIKAT"), expected
    no_hours = dataclasses.replace(CERT, hours_text="", signatory_nip="")
    _, text = text_of(certificate_pdf(HEADER, no_hours))
    assert "selama" not in text and "NIP" not in text


def test_certificate_qr_scans(tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    img = _render(certificate_pdf(HEADER, CERT), tmp_path, dpi=150)
    assert [r.text for r in zxingcpp.read_barcodes(img)] == [CERT.verify_url]
