"""Name badges (ID cards) on A4: 2 columns x 4 rows of 90 x 65 mm cards with
thin cut borders. Each card: event title band, name (shrunk to a readable minimum, then on
two lines), instansi,
vector QR code of the ticket URL, coloured role band."""
from __future__ import annotations

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from .common import NAVY, Badge, Fonts, draw_qr, fit_font_size, get_fonts, qr_matrix

CARD_W, CARD_H = 90 * mm, 65 * mm
COLS, ROWS = 2, 4
GAP_X, GAP_Y = 6 * mm, 4 * mm
TOP_BAND = 11 * mm
ROLE_BAND = 10 * mm
QR_SYMBOL_MIN = 30.5 * mm  # the code itself, without its quiet zone
QR_SIZE_RANGE = (38 * mm, 42 * mm)   # drawn size including the 4-module quiet zone
PAD = 4 * mm

ROLE_COLOURS = {
    "PESERTA": colors.HexColor("#1F5FA8"),
    "NARASUMBER": colors.HexColor("#9B1C31"),
    "PANITIA": colors.HexColor("#1E7A46"),
    "RELAWAN": colors.HexColor("#C3641A"),
}
DEFAULT_ROLE_COLOUR = colors.HexColor("#555555")


def _ellipsize(lines: list[str], max_lines: int, font: str, size: float,
               width: float) -> list[str]:
    if len(lines) <= max_lines:
        return lines
    last = " ".join(lines[max_lines - 1:])
    while last and pdfmetrics.stringWidth(last + "…", font, size) > width:
        last = last[:-1]
    return lines[:max_lines - 1] + [last.rstrip() + "…"]


def _fit_lines(text: str, font: str, width: float, height: float, start: float,
               minimum: float, max_lines: int, leading: float = 1.15):
    """Largest font size at which text wraps into <= max_lines lines of `width`
    that fit in `height`, with no word overflowing. Returns (size, lines)."""
    size = start
    while True:
        lines = simpleSplit(text, font, size, width)
        fits = (len(lines) <= max_lines and len(lines) * size * leading <= height
                and all(pdfmetrics.stringWidth(ln, font, size) <= width for ln in lines))
        if fits or size <= minimum:
            break
        size -= 0.5
    if not fits:  # still too long at the minimum size: hard-wrap and cut
        lines = _hard_wrap(text, font, size, width)
        lines = _ellipsize(lines, max_lines, font, size, width)
    return size, lines


NAME_ONE_LINE = (17, 12)   # start and smallest size of a name on one line
NAME_TWO_LINES = (14, 9)   # then wrapped on two lines, down to the readable minimum


def _name_lines(name: str, font: str, width: float) -> tuple[float, list[str]]:
    """A badge name: one line shrunk down to 12 pt, else two lines down to 9 pt, else two
    lines at 9 pt with the end cut by an ellipsis; never a line wider than `width`."""
    size = fit_font_size(name, font, width, *NAME_ONE_LINE)
    if pdfmetrics.stringWidth(name, font, size) <= width:
        return size, [name]
    start, minimum = NAME_TWO_LINES
    return _fit_lines(name, font, width, 2 * start * 1.12, start, minimum, 2, leading=1.12)


def _hard_wrap(text: str, font: str, size: float, width: float) -> list[str]:
    out: list[str] = []
    for line in simpleSplit(text, font, size, width):
        cur = ""
        for ch in line:
            if pdfmetrics.stringWidth(cur + ch, font, size) > width and cur:
                out.append(cur)
                cur = ""
            cur += ch
        out.append(cur)
    return out


def _qr_size(text: str) -> float:
    """Drawn QR size so the symbol (quiet zone excluded) is >= QR_SYMBOL_MIN."""
    if not text:
        return QR_SIZE_RANGE[0]
    n = len(qr_matrix(text))          # modules incl. 2 x 4 quiet zone
    want = QR_SYMBOL_MIN * n / (n - 8)
    return min(max(want, QR_SIZE_RANGE[0]), QR_SIZE_RANGE[1])


def _draw_card(c: Canvas, b: Badge, x: float, y: float, fonts: Fonts) -> None:
    w, h = CARD_W, CARD_H
    c.saveState()
    # top band: event title
    c.setFillColor(NAVY)
    c.rect(x, y + h - TOP_BAND, w, TOP_BAND, stroke=0, fill=1)
    size, lines = _fit_lines(b.event_title, fonts.sans_bold, w - 2 * PAD, TOP_BAND - 2,
                             8.5, 6, 2)
    c.setFillColor(colors.white)
    c.setFont(fonts.sans_bold, size)
    lead = size * 1.15
    base = y + h - TOP_BAND / 2 + (len(lines) * lead) / 2 - size * 0.85
    for i, ln in enumerate(lines):
        c.drawCentredString(x + w / 2, base - i * lead, ln)
    # role band
    role = (b.role_label or "").strip().upper()
    c.setFillColor(ROLE_COLOURS.get(role, DEFAULT_ROLE_COLOUR))
    c.rect(x, y, w, ROLE_BAND, stroke=0, fill=1)
    c.setFillColor(colors.white)
    rsize = 14
    while rsize > 8 and pdfmetrics.stringWidth(role, fonts.sans_bold, rsize) + \
            len(role) * 1.5 > w - 2 * PAD:
        rsize -= 0.5
    c.setFont(fonts.sans_bold, rsize)
    text_w = pdfmetrics.stringWidth(role, fonts.sans_bold, rsize) + max(len(role) - 1, 0) * 1.5
    t = c.beginText(x + (w - text_w) / 2, y + ROLE_BAND / 2 - rsize * 0.35)
    t.setCharSpace(1.5)
    t.textOut(role)
    t.setCharSpace(0)   # char spacing is PDF text state: do not leak it
    c.drawText(t)
    # QR on the right of the middle area
    mid_bottom, mid_top = y + ROLE_BAND, y + h - TOP_BAND
    qr_size = _qr_size(b.qr_text)
    qr_x = x + w - qr_size - 1.5 * mm
    qr_y = mid_bottom + (mid_top - mid_bottom - qr_size) / 2
    if b.qr_text:
        draw_qr(c, b.qr_text, qr_x, qr_y, qr_size)
    # name and instansi on the left
    text_w = qr_x - x - PAD + 2 * mm   # the QR's quiet zone is white space anyway
    top = mid_top - PAD
    nsize, nlines = _name_lines(b.name, fonts.sans_bold, text_w)
    c.setFillColor(colors.black)
    c.setFont(fonts.sans_bold, nsize)
    cur = top - nsize * 0.85
    for ln in nlines:
        c.drawString(x + PAD, cur, ln)
        cur -= nsize * 1.12
    cur += nsize * 1.12 - nsize * 0.3 - 2.2 * mm
    c.setStrokeColor(ROLE_COLOURS.get(role, DEFAULT_ROLE_COLOUR))
    c.setLineWidth(1.4)
    c.line(x + PAD, cur, x + PAD + 14 * mm, cur)
    avail = cur - (mid_bottom + 2 * mm)
    isize, ilines = _fit_lines(b.instansi, fonts.sans, text_w, avail - 2 * mm, 9, 6.5, 4)
    c.setFillColor(colors.HexColor("#333333"))
    c.setFont(fonts.sans, isize)
    cur -= 2 * mm + isize * 0.85
    for ln in ilines:
        c.drawString(x + PAD, cur, ln)
        cur -= isize * 1.15
    # thin cut border
    c.setStrokeColor(colors.HexColor("#9A9A9A"))
    c.setLineWidth(0.3)
    c.rect(x, y, w, h, stroke=1, fill=0)
    c.restoreState()


def _draw_cut_marks(c: Canvas, x0: float, y0: float, n_rows: int) -> None:
    """Short crop marks in the page margin, aligned with every card edge."""
    page_w, page_h = A4
    c.saveState()
    c.setStrokeColor(colors.HexColor("#777777"))
    c.setLineWidth(0.3)
    xs = sorted({x0 + i * (CARD_W + GAP_X) + d for i in range(COLS) for d in (0, CARD_W)})
    ys = sorted({y0 - r * (CARD_H + GAP_Y) + d for r in range(n_rows) for d in (0, CARD_H)})
    for xv in xs:
        c.line(xv, page_h - 3 * mm, xv, y0 + CARD_H + 1.5 * mm)
        c.line(xv, 3 * mm, xv, y0 - (n_rows - 1) * (CARD_H + GAP_Y) - 1.5 * mm)
    for yv in ys:
        c.line(3 * mm, yv, x0 - 1.5 * mm, yv)
        c.line(page_w - 3 * mm, yv, x0 + COLS * CARD_W + GAP_X + 1.5 * mm, yv)
    c.restoreState()


def badges_pdf(badges: list[Badge], *, per_page: int = 8) -> bytes:
    """Badges as PDF bytes, `per_page` (1..8) cards per A4 page, filling the
    2 x 4 grid row by row. An empty list gives one blank page."""
    if not 1 <= per_page <= COLS * ROWS:
        raise ValueError(f"per_page must be between 1 and {COLS * ROWS}")
    fonts = get_fonts()
    buf = BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle("Kartu Identitas Peserta")
    c.setSubject(badges[0].event_title if badges else "")
    page_w, page_h = A4
    x0 = (page_w - COLS * CARD_W - (COLS - 1) * GAP_X) / 2
    y_top = (page_h + ROWS * CARD_H + (ROWS - 1) * GAP_Y) / 2
    y0 = y_top - CARD_H                  # bottom of the first row
    pages = [badges[i:i + per_page] for i in range(0, len(badges), per_page)] or [[]]
    for page in pages:
        n_rows = max(1, -(-len(page) // COLS))
        _draw_cut_marks(c, x0, y0, n_rows)
        for i, b in enumerate(page):
            col, row = i % COLS, i // COLS
            _draw_card(c, b, x0 + col * (CARD_W + GAP_X), y0 - row * (CARD_H + GAP_Y), fonts)
        c.showPage()
    c.save()
    return buf.getvalue()
