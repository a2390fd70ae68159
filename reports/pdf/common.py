"""Shared pieces for the PDF documents: data types, fonts, styles, dates, QR.

Pure module: plain data in, reportlab drawing out. No Flask, no database.
"""
from __future__ import annotations

import datetime as _dt
import functools
import os
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from helpers import formats, qr

# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Emblem:
    content_type: str        # "image/png" | "image/svg+xml", checked by ops/letterhead.py
    data: bytes


@dataclass
class DocHeader:
    org_name: str            # "Dinas ... (DP3AKB) Kota Serang"
    org_unit: str            # "P2TP2A Kota Serang"
    org_address: str = ""
    city: str = "Serang"
    org_government: str = ""  # "Pemerintah Kota Serang": the first line of a kop surat
    org_phone: str = ""
    org_email: str = ""
    emblem: Emblem | None = None


@dataclass(frozen=True)
class SignatureBlock:
    heading: str             # "Mengetahui," / "" (a line above the title)
    title: str               # "Ketua Panitia", "Kepala DP3AKB Kota Serang"
    name: str                # "" prints a dotted line to fill in by hand
    nip: str                 # 18 digits or ""


@dataclass
class AttendanceRow:
    name: str
    instansi: str            # "Instansi/Jabatan" text
    kelurahan: str
    phone_masked: str        # already masked by the caller, e.g. "0812-****-7890"
    time_in: str             # "08:45" (WIB) or "" for blank sheets


@dataclass
class Badge:
    name: str
    instansi: str
    role_label: str          # "PESERTA", "NARASUMBER", "PANITIA", "RELAWAN"
    qr_text: str             # ticket URL to encode
    event_title: str


@dataclass
class CertificateData:
    number: str              # "001/SERT-P2TP2A/XI/2026"
    name: str
    role_label: str          # "Peserta" | "Narasumber" | "Panitia"
    program_title: str
    date_text: str           # "3 s.d. 24 Oktober 2026"
    hours_text: str          # "16 JP" or ""
    place: str
    verify_url: str
    signatory_title: str     # "Kepala DP3AKB Kota Serang"
    signatory_name: str
    signatory_nip: str
    issued_place_date: str   # "Serang, 28 November 2026"


# -------------------------------------------------------------------------- dates

def format_date_id(d: _dt.date) -> str:
    """28 November 2026 (a datetime is taken as stored UTC and shown as its WIB date)."""
    return formats.format_date(d)


def wib_date_text(d: _dt.date) -> str:
    """Sabtu, 28 November 2026."""
    return formats.format_date(d, "full")


def wib_span_text(starts: _dt.datetime, ends: _dt.datetime) -> tuple[str, str]:
    """(hari/tanggal, waktu) of an event in WIB; one that runs past midnight shows both dates:
    ("Sabtu, 28 November 2026 s.d. Minggu, 29 November 2026", "20.00 WIB (28 November 2026) s.d. ...")."""
    if format_date_id(starts) == format_date_id(ends):
        return wib_date_text(starts), formats.format_time_range(starts, ends, " s.d. ")
    return (f"{wib_date_text(starts)} s.d. {wib_date_text(ends)}",
            f"{formats.format_time(starts)} ({format_date_id(starts)}) s.d. "
            f"{formats.format_time(ends)} ({format_date_id(ends)})")


# -------------------------------------------------------------------------- fonts

FONT_DIR = "/usr/share/fonts/truetype/dejavu"

NAVY = colors.HexColor("#1F3A5F")
GOLD = colors.HexColor("#B08D3C")
GREY = colors.HexColor("#5A5A5A")
LIGHT = colors.HexColor("#E3EAF4")


@dataclass(frozen=True)
class Fonts:
    sans: str
    sans_bold: str
    sans_italic: str
    serif: str
    serif_bold: str
    serif_italic: str
    cond: str            # condensed sans for dense tables
    cond_bold: str


_HELVETICA = Fonts("Helvetica", "Helvetica-Bold", "Helvetica-Oblique",
                   "Times-Roman", "Times-Bold", "Times-Italic", "Helvetica", "Helvetica-Bold")


@functools.cache
def _load_fonts(font_dir: str) -> Fonts:
    files = {
        "IDSans": "DejaVuSans.ttf", "IDSans-Bold": "DejaVuSans-Bold.ttf",
        "IDSans-Italic": "DejaVuSans-Oblique.ttf",
        "IDSans-BoldItalic": "DejaVuSans-BoldOblique.ttf",
        "IDSerif": "DejaVuSerif.ttf", "IDSerif-Bold": "DejaVuSerif-Bold.ttf",
        "IDSerif-Italic": "DejaVuSerif-Italic.ttf",
        "IDSerif-BoldItalic": "DejaVuSerif-BoldItalic.ttf",
        "IDCond": "DejaVuSansCondensed.ttf", "IDCond-Bold": "DejaVuSansCondensed-Bold.ttf",
        "IDCond-Italic": "DejaVuSansCondensed-Oblique.ttf",
        "IDCond-BoldItalic": "DejaVuSansCondensed-BoldOblique.ttf",
    }
    paths = {name: os.path.join(font_dir, f) for name, f in files.items()}
    if not all(os.path.isfile(p) for p in paths.values()):
        return _HELVETICA
    try:
        for name, path in paths.items():
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, path))
    except Exception:  # noqa: BLE001 - unreadable/corrupt font file: built-in fonts still work
        return _HELVETICA
    for fam in ("IDSans", "IDSerif", "IDCond"):
        pdfmetrics.registerFontFamily(fam, normal=fam, bold=f"{fam}-Bold",
                                      italic=f"{fam}-Italic",
                                      boldItalic=f"{fam}-BoldItalic")
    return Fonts("IDSans", "IDSans-Bold", "IDSans-Italic",
                 "IDSerif", "IDSerif-Bold", "IDSerif-Italic", "IDCond", "IDCond-Bold")


def get_fonts() -> Fonts:
    """DejaVu when installed (full Unicode), else reportlab's built-in Helvetica/Times."""
    return _load_fonts(FONT_DIR)


def style(name: str, font: str, size: float, *, align=TA_LEFT, leading=None,
          color=colors.black, **kw) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, alignment=align,
                          leading=leading or size * 1.22, textColor=color, **kw)


def para(text: str, st: ParagraphStyle) -> Paragraph:
    """Paragraph from plain (untrusted) text: markup characters are escaped."""
    return Paragraph(escape(text or ""), st)


def fit_font_size(text: str, font: str, max_width: float, start: float,
                  minimum: float) -> float:
    """Largest size (step 0.5pt) in [minimum, start] at which text fits on one line."""
    size = start
    while size > minimum and pdfmetrics.stringWidth(text, font, size) > max_width:
        size -= 0.5
    return size


# ---------------------------------------------------------------------------- QR


def qr_matrix(text: str, border: int = 4) -> list[list[bool]]:
    """QR modules (True = dark) with a quiet zone; see helpers.qr.matrix."""
    return qr.matrix(text, border)


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw a vector QR code (with quiet zone) as a size x size square whose
    bottom-left corner is (x, y). Background is painted white."""
    m = qr_matrix(text)
    n = len(m)
    cell = size / n
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    path = canvas.beginPath()
    for r, start, length in qr.dark_runs(m):
        path.rect(x + start * cell, y + size - (r + 1) * cell, length * cell, cell)
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


# ------------------------------------------------------------ "Halaman X dari Y"


def numbered_canvas(footer_left: str, fonts: Fonts, margin: float = 15 * mm):
    """Canvas class for doc.build(canvasmaker=...) that writes
    "Halaman X dari Y" (and a left footer text) once the page count is known."""

    class _NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._page_states: list[dict] = []

        def showPage(self):
            self._page_states.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._page_states)
            for state in self._page_states:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int):
            w, _h = self._pagesize
            right = f"Halaman {self._pageNumber} dari {total}"
            self.saveState()
            self.setFont(fonts.sans, 8)
            self.setFillColor(GREY)
            self.drawRightString(w - margin, 10 * mm, right)
            room = w - 2 * margin - pdfmetrics.stringWidth(right, fonts.sans, 8) - 8 * mm
            text = footer_left
            while text and pdfmetrics.stringWidth(text, fonts.sans, 8) > room:
                text = text[:-2].rstrip() + "…"
            self.drawString(margin, 10 * mm, text)
            self.setStrokeColor(colors.HexColor("#BBBBBB"))
            self.setLineWidth(0.4)
            self.line(margin, 13 * mm, w - margin, 13 * mm)
            self.restoreState()

    return _NumberedCanvas
