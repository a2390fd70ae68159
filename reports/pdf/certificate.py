"""Sertifikat: A4 landscape, vector decorative border, number, recipient,
statement, signatory block and a verification QR code (bottom-left)."""
from __future__ import annotations

import math
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from .common import GOLD, GREY, NAVY, CertificateData, DocHeader, Fonts, draw_qr, fit_font_size, get_fonts, style

PAGE_W, PAGE_H = landscape(A4)
QR_SIZE = 30 * mm


def _wave_band(c: Canvas, x0: float, y0: float, x1: float, y1: float, amp: float,
               period: float, phase: float) -> None:
    """A sine line running around the rectangle (x0,y0)-(x1,y1)."""
    p = c.beginPath()
    first = True
    edges = [((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x1, y1), (x0, y1)),
             ((x0, y1), (x0, y0))]
    for (ax, ay), (bx, by) in edges:
        length = math.hypot(bx - ax, by - ay)
        steps = max(2, int(length / 1.5))
        nx, ny = -(by - ay) / length, (bx - ax) / length   # normal (pointing inwards)
        cycles = max(1, round(length / period))
        for i in range(steps + 1):
            t = i / steps
            off = amp * math.sin(2 * math.pi * cycles * t + phase)
            px, py = ax + (bx - ax) * t + nx * off, ay + (by - ay) * t + ny * off
            if first:
                p.moveTo(px, py)
                first = False
            else:
                p.lineTo(px, py)
    p.close()
    c.drawPath(p, stroke=1, fill=0)


def _corner(c: Canvas, x: float, y: float, sx: int, sy: int) -> None:
    """Ornament in a corner; sx/sy (+1/-1) point towards the page centre."""
    c.saveState()
    c.translate(x, y)
    c.scale(sx, sy)
    c.setStrokeColor(GOLD)
    c.setFillColor(GOLD)
    c.setLineWidth(1.2)
    c.line(0, 0, 22 * mm, 0)
    c.line(0, 0, 0, 22 * mm)
    c.setLineWidth(0.6)
    c.line(3 * mm, 3 * mm, 16 * mm, 3 * mm)
    c.line(3 * mm, 3 * mm, 3 * mm, 16 * mm)
    p = c.beginPath()                       # a small diamond
    d = 2.6 * mm
    p.moveTo(7 * mm, 7 * mm - d)
    p.lineTo(7 * mm + d, 7 * mm)
    p.lineTo(7 * mm, 7 * mm + d)
    p.lineTo(7 * mm - d, 7 * mm)
    p.close()
    c.drawPath(p, stroke=0, fill=1)
    c.circle(7 * mm, 7 * mm, 4.2 * mm, stroke=1, fill=0)
    c.restoreState()


def _border(c: Canvas) -> None:
    m = 8 * mm
    c.saveState()
    c.setFillColor(colors.HexColor("#FBF8F1"))
    c.rect(0, 0, PAGE_W, PAGE_H, stroke=0, fill=1)
    c.setStrokeColor(NAVY)
    c.setLineWidth(3)
    c.rect(m, m, PAGE_W - 2 * m, PAGE_H - 2 * m)
    c.setLineWidth(0.4)
    for phase in (0, math.pi):
        c.setStrokeColor(GOLD if phase == 0 else NAVY)
        _wave_band(c, m + 3.2 * mm, m + 3.2 * mm, PAGE_W - m - 3.2 * mm,
                   PAGE_H - m - 3.2 * mm, 1.3 * mm, 5 * mm, phase)
    inner = m + 6.5 * mm
    c.setStrokeColor(GOLD)
    c.setLineWidth(1)
    c.rect(inner, inner, PAGE_W - 2 * inner, PAGE_H - 2 * inner)
    c.restoreState()
    k = inner + 2 * mm
    _corner(c, k, k, 1, 1)
    _corner(c, PAGE_W - k, k, -1, 1)
    _corner(c, k, PAGE_H - k, 1, -1)
    _corner(c, PAGE_W - k, PAGE_H - k, -1, -1)


def _centre(c: Canvas, text: str, font: str, size: float, y: float,
            color=colors.black, max_width: float = 220 * mm, minimum: float = 8) -> float:
    size = fit_font_size(text, font, max_width, size, minimum)
    c.setFont(font, size)
    c.setFillColor(color)
    c.drawCentredString(PAGE_W / 2, y, text)
    return size


def _statement(header: DocHeader, cert: CertificateData) -> str:
    e = escape
    s = (f"sebagai <b>{e(cert.role_label)}</b> dalam kegiatan "
         f"<b>{e(cert.program_title)}</b> yang diselenggarakan oleh "
         f"{e(header.org_unit)} pada tanggal {e(cert.date_text)}")
    if cert.hours_text:
        s += f" selama {e(cert.hours_text)}"
    if cert.place:
        s += f" bertempat di {e(cert.place)}"
    return s + "."


def _signatory(c: Canvas, cert: CertificateData, fonts: Fonts) -> None:
    """Laid out bottom-up so a long jabatan grows upwards, away from the border."""
    cx, w = PAGE_W - 75 * mm, 100 * mm
    nip_y, name_y = 27 * mm, 32 * mm
    c.setFillColor(colors.black)
    if cert.signatory_nip:
        c.setFont(fonts.serif, 10.5)
        c.drawCentredString(cx, nip_y, f"NIP. {cert.signatory_nip}")
    else:
        name_y = nip_y
    size = fit_font_size(cert.signatory_name, fonts.serif_bold, w, 11.5, 8)
    c.setFont(fonts.serif_bold, size)
    c.drawCentredString(cx, name_y, cert.signatory_name)
    half = pdfmetrics.stringWidth(cert.signatory_name, fonts.serif_bold, size) / 2
    c.setLineWidth(0.7)
    c.setStrokeColor(colors.black)
    c.line(cx - half, name_y - 1.6, cx + half, name_y - 1.6)
    lines = [cert.issued_place_date] + simpleSplit(cert.signatory_title, fonts.serif, 11, w)
    y = name_y + 20 * mm + 5 * mm * (len(lines) - 1)
    c.setFont(fonts.serif, 11)
    for text in lines:
        c.drawCentredString(cx, y, text)
        y -= 5 * mm


def _verification(c: Canvas, cert: CertificateData, fonts: Fonts) -> None:
    if not cert.verify_url:
        return
    x, y = 27 * mm, 31 * mm
    draw_qr(c, cert.verify_url, x, y, QR_SIZE)
    c.setFillColor(GREY)
    c.setFont(fonts.sans, 7)
    c.drawString(x + 1.5 * mm, y - 1 * mm, "Verifikasi keaslian:")
    lines = simpleSplit(cert.verify_url, fonts.sans, 7, 85 * mm)
    yy = y - 4 * mm
    for ln in lines[:3]:
        c.drawString(x + 1.5 * mm, yy, ln)
        yy -= 3 * mm


def certificate_pdf(header: DocHeader, cert: CertificateData) -> bytes:
    """One certificate as PDF bytes (A4 landscape)."""
    fonts = get_fonts()
    buf = BytesIO()
    c = Canvas(buf, pagesize=(PAGE_W, PAGE_H), invariant=1)
    c.setTitle(f"Sertifikat {cert.number}")
    c.setAuthor(header.org_unit)
    c.setSubject(cert.program_title)
    _border(c)
    top = PAGE_H - 33 * mm
    if header.org_government:
        _centre(c, header.org_government.upper(), fonts.sans_bold, 9.5, top + 5 * mm, GREY)
    _centre(c, header.org_name.upper(), fonts.sans_bold, 9.5, top, GREY, 205 * mm, 6.5)
    _centre(c, header.org_unit.upper(), fonts.sans_bold, 11, top - 5.5 * mm, NAVY)
    # title with spaced letters
    title, tsize = "SERTIFIKAT", 38
    c.setFont(fonts.serif_bold, tsize)
    c.setFillColor(NAVY)
    spacing = 6
    tw = pdfmetrics.stringWidth(title, fonts.serif_bold, tsize) + spacing * (len(title) - 1)
    t = c.beginText((PAGE_W - tw) / 2, top - 23 * mm)
    t.setCharSpace(spacing)
    t.textOut(title)
    t.setCharSpace(0)   # char spacing is PDF text state: do not leak it
    c.drawText(t)
    c.setStrokeColor(GOLD)
    c.setLineWidth(1.2)
    c.line(PAGE_W / 2 - 40 * mm, top - 27 * mm, PAGE_W / 2 + 40 * mm, top - 27 * mm)
    _centre(c, f"Nomor: {cert.number}", fonts.serif, 11, top - 33 * mm)
    _centre(c, "diberikan kepada", fonts.serif_italic, 13, top - 44 * mm, GREY)
    nsize = _centre(c, cert.name, fonts.serif_bold, 30, top - 57 * mm, NAVY, 230 * mm, 14)
    half = min(pdfmetrics.stringWidth(cert.name, fonts.serif_bold, nsize) / 2 + 8 * mm,
               120 * mm)
    c.setStrokeColor(GOLD)
    c.setLineWidth(0.8)
    c.line(PAGE_W / 2 - half, top - 60.5 * mm, PAGE_W / 2 + half, top - 60.5 * mm)
    body = Paragraph(_statement(header, cert),
                     style("cert_body", fonts.serif, 12.5, align=TA_CENTER, leading=17))
    bw = 215 * mm
    _, bh = body.wrap(bw, 40 * mm)
    body.drawOn(c, (PAGE_W - bw) / 2, top - 66 * mm - bh)
    _signatory(c, cert, fonts)
    _verification(c, cert, fonts)
    c.showPage()
    c.save()
    return buf.getvalue()
