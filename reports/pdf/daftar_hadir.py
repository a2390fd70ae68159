"""Daftar hadir (attendance sheet) for SPJ: A4 portrait (landscape with two or more extra
columns such as registration questions or scores, see _widths), kop, event info,
attendance table with zig-zag signature cells, the "Mengetahui" Kepala DP3AKB and the
Ketua Panitia signature blocks (name and NIP, or lines to fill in by hand).

Deliberately has no NIK column: a printed sheet circulates among attendees.
"""
from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from helpers.nip import format_nip

from .common import (
    LIGHT,
    NAVY,
    AttendanceRow,
    DocHeader,
    Fonts,
    SignatureBlock,
    get_fonts,
    numbered_canvas,
    para,
    style,
)
from .kop import kop_flowables

MARGIN = 15 * mm
# No | Nama | Instansi/Jabatan | Kelurahan | No. HP | Jam Hadir | Tanda Tangan (= 180 mm)
COL_WIDTHS = [9 * mm, 39 * mm, 37 * mm, 24 * mm, 25 * mm, 16 * mm, 30 * mm]  # Jam Hadir fits "08.10 WIB"
HEADINGS = ["No", "Nama", "Instansi/Jabatan", "Kelurahan", "No. HP", "Jam Hadir",
            "Tanda Tangan"]
ROW_HEIGHT = 7.5 * mm        # minimum room for a signature
BLANK_ROW_HEIGHT = 9.5 * mm  # blank rows are written by hand
TAIL_ROWS = 3                # rows kept on the page of the signature block
DOTS = "." * 32
EXTRA_COL_WIDTH = 18 * mm    # one optional column (e.g. "Nilai Pre/Post"), taken from Nama and Instansi
MAX_EXTRA_COLUMNS = 4        # e.g. 3 registration questions and the pre/post scores
LANDSCAPE_FROM = 2           # extra columns from which the sheet turns to A4 landscape
LANDSCAPE_WIDTH = 267 * mm   # 297 mm minus the margins: 87 mm more than portrait
EXTRA_COL_MAX = 30 * mm
EXTRA_HEADING_CHARS = 40     # a long question label is cut in the heading ("…")
EXTRA_CELL_CHARS = 60        # and a long answer in its cell: the sheet is for signing


def _widths(n_extra: int) -> list[float]:
    """Column widths with `n_extra` optional columns before Tanda Tangan. One fits on portrait
    (180 mm, taken from Nama and Instansi); from LANDSCAPE_FROM on the sheet is A4 landscape
    and the extra columns share the 87 mm it adds (at most 30 mm each, the rest widens Nama and
    Instansi), so Nama never shrinks below the one-column width and names stay on one or two
    lines."""
    widths = list(COL_WIDTHS)
    if n_extra < LANDSCAPE_FROM:
        widths[1] -= EXTRA_COL_WIDTH * n_extra / 2
        widths[2] -= EXTRA_COL_WIDTH * n_extra / 2
        return widths[:-1] + [EXTRA_COL_WIDTH] * n_extra + widths[-1:]
    spare = LANDSCAPE_WIDTH - sum(COL_WIDTHS)
    each = min(EXTRA_COL_MAX, spare / n_extra)
    widths[1] += (spare - each * n_extra) / 2
    widths[2] += (spare - each * n_extra) / 2
    return widths[:-1] + [each] * n_extra + widths[-1:]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


class SignatureCell(Flowable):
    """Tanda tangan cell content: "n." on the left half for odd rows and on the
    right half for even rows (the usual Indonesian staggered layout)."""

    def __init__(self, number: int, width: float, font: str, height: float = ROW_HEIGHT):
        super().__init__()
        self.number, self.width, self.height, self.font = number, width, height, font

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        x = 1.5 if self.number % 2 else self.width / 2 + 1.5
        self.canv.setFont(self.font, 8)
        self.canv.drawString(x, self.height / 2 - 1, f"{self.number}.")


def _info_table(fonts: Fonts, width: float, items: list[tuple[str, str]]) -> Table:
    label = style("lbl", fonts.sans, 10)
    value = style("val", fonts.sans_bold, 10)
    data = [[para(k, label), para(":", label), para(v, value)] for k, v in items]
    t = Table(data, colWidths=[32 * mm, 4 * mm, width - 36 * mm], hAlign="LEFT")
    t.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return t


def _body_rows(fonts: Fonts, rows: list[AttendanceRow], blank_rows: int,
               extra: Sequence[tuple[str, Sequence[str]]] = ()) -> list[list]:
    cell = style("td", fonts.cond, 8.5, leading=10)
    centre = style("tdc", fonts.cond, 8.5, align=TA_CENTER, leading=10)
    sig_w = COL_WIDTHS[-1] - 6  # minus cell padding
    data: list[list] = []
    for i, r in enumerate(rows, start=1):
        data.append([para(str(i), centre), para(r.name, cell), para(r.instansi, cell),
                     para(r.kelurahan, cell), para(r.phone_masked, cell),
                     para(r.time_in, centre),
                     *[para(_cut(values[i - 1] or "", EXTRA_CELL_CHARS), centre) for _, values in extra],
                     SignatureCell(i, sig_w, fonts.cond)])
    for i in range(len(rows) + 1, len(rows) + blank_rows + 1):  # room to write by hand
        data.append([para(str(i), centre), "", "", "", "", "", *[""] * len(extra),
                     SignatureCell(i, sig_w, fonts.cond, BLANK_ROW_HEIGHT)])
    return data


def _table(fonts: Fonts, body: list[list], extra_headings: Sequence[str] = ()) -> Table:
    head = style("th", fonts.cond_bold, 8.5, align=TA_CENTER, leading=10)
    headings = HEADINGS[:-1] + [_cut(h, EXTRA_HEADING_CHARS) for h in extra_headings] + HEADINGS[-1:]
    data: list[list] = [[Paragraph(h, head) for h in headings]] + body
    extra = []
    if not body:
        data.append([para("Belum ada data kehadiran.",
                          style("empty", fonts.sans_italic, 9, align=TA_CENTER))]
                    + [""] * (len(headings) - 1))
        extra = [("SPAN", (0, 1), (-1, 1)), ("TOPPADDING", (0, 1), (-1, 1), 8),
                 ("BOTTOMPADDING", (0, 1), (-1, 1), 8)]
    t = Table(data, colWidths=_widths(len(extra_headings)), repeatRows=1)
    t.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BOX", (0, 0), (-1, -1), 0.9, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, 0), 4),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
        ("TOPPADDING", (0, 1), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 1.5),
        ("LINEBELOW", (0, 0), (-1, 0), 0.9, colors.black),
        *extra,
    ]))
    return t


class _PageMark(Flowable):
    """Zero-size flowable that records the page it lands on."""

    def __init__(self):
        super().__init__()
        self.width = self.height = 0
        self.page = 0

    def draw(self):
        self.page = self.canv.getPageNumber()


def _signature_blocks(fonts: Fonts, width: float, header: DocHeader,
                      blocks: Sequence[SignatureBlock], place_date: str) -> Table:
    """Signature blocks side by side, the place and date above the last one (the ketua
    panitia's): heading, title, room to sign, name (or a line to fill in), NIP."""
    normal = style("sig", fonts.sans, 10, align=TA_CENTER)
    bold = style("sigb", fonts.sans_bold, 10, align=TA_CENTER)
    blocks = list(blocks) or [SignatureBlock("", "Ketua Panitia", "", "")]
    first_line = [b.heading for b in blocks]
    first_line[-1] = place_date or f"{header.city}, {DOTS[:24]}"
    rows = [[para(x, normal) for x in first_line],
            [para(f"{b.title},", normal) for b in blocks],
            [Spacer(1, 18 * mm) for _ in blocks],
            [Paragraph(f"<u>{escape(b.name)}</u>", bold) if b.name
             else para(f"( {DOTS}{DOTS[:8]} )", normal) for b in blocks],
            [para(f"NIP. {format_nip(b.nip)}" if b.nip else f"NIP. {DOTS[:28]}", normal)
             for b in blocks]]
    col = min(80 * mm, width / len(blocks))   # one block sits on the right, two share the width
    t = Table(rows, colWidths=[col] * len(blocks), hAlign="RIGHT")
    t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 0),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                           ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    return t


def daftar_hadir_pdf(header: DocHeader, event_title: str, event_date: str, event_time: str,
                     venue: str, organiser: str, rows: list[AttendanceRow], *,
                     blank_rows: int = 0, signatures: Sequence[SignatureBlock] = (),
                     signed_place_date: str = "",
                     extra_columns: Sequence[tuple[str, Sequence[str]]] = (),
                     age_summary: str = "") -> bytes:
    """Attendance sheet as PDF bytes. For a paper sign-in sheet pass rows=[] and
    blank_rows=N; blank rows are numbered after any given rows. `signatures` go left to
    right ("Mengetahui" Kepala DP3AKB, then the ketua panitia under the place and date).
    `extra_columns`: (heading, one value per row) printed before Tanda Tangan (at most
    MAX_EXTRA_COLUMNS; from LANDSCAPE_FROM on the page is A4 landscape, see _widths)."""
    if blank_rows < 0:
        raise ValueError("blank_rows must be >= 0")
    if len(extra_columns) > MAX_EXTRA_COLUMNS:
        raise ValueError(f"at most {MAX_EXTRA_COLUMNS} extra columns")
    fonts = get_fonts()
    body = _body_rows(fonts, list(rows), blank_rows, extra_columns)
    info = [("Kegiatan", event_title), ("Hari/Tanggal", event_date), ("Waktu", event_time),
            ("Tempat", venue), ("Penyelenggara", organiser)]
    if age_summary:  # "Dewasa: 1, Remaja 13-17: 0, Anak 6-12: 2, Balita: 0" (reports.age_groups.age_group_line)
        info.append(("Peserta", age_summary))
    sign = (tuple(signatures), signed_place_date)
    headings = [h for h, _ in extra_columns]
    pdf, orphaned = _build(fonts, header, event_title, info, body, sign, tail=0, headings=headings)
    if orphaned and len(body) > TAIL_ROWS:
        # The signature block would stand alone on the last page: carry the last
        # rows over with it (under a repeated header) so the page is not orphaned.
        pdf, _ = _build(fonts, header, event_title, info, body, sign, tail=TAIL_ROWS, headings=headings)
    return pdf


def _build(fonts: Fonts, header: DocHeader, event_title: str, info: list, body: list,
           sign: tuple, tail: int, headings: Sequence[str] = ()) -> tuple[bytes, bool]:
    buf = BytesIO()
    page = landscape(A4) if len(headings) >= LANDSCAPE_FROM else A4
    doc = SimpleDocTemplate(
        buf, pagesize=page, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=12 * mm,
        bottomMargin=18 * mm, title=f"Daftar Hadir - {event_title}",
        author=header.org_unit, subject="Daftar Hadir", creator=header.org_unit,
        invariant=1)
    end_mark, sign_mark = _PageMark(), _PageMark()
    signature = [Spacer(1, 8 * mm), sign_mark, _signature_blocks(fonts, doc.width, header, *sign)]
    story = kop_flowables(header, doc.width, fonts) + [
        Spacer(1, 5 * mm),
        Paragraph("DAFTAR HADIR", style("title", fonts.sans_bold, 14, align=TA_CENTER,
                                         color=NAVY, spaceAfter=4 * mm)),
        _info_table(fonts, doc.width, info),
        Spacer(1, 4 * mm),
    ]
    if tail:
        story += [_table(fonts, body[:-tail], headings),
                  KeepTogether([_table(fonts, body[-tail:], headings), *signature])]
    else:
        story += [_table(fonts, body, headings), end_mark, KeepTogether(signature)]
    footer = f"Daftar Hadir \u2014 {event_title}"
    doc.build(story, canvasmaker=numbered_canvas(footer, fonts, MARGIN))
    return buf.getvalue(), bool(end_mark.page and sign_mark.page > end_mark.page)
