"""The kop surat (letterhead): emblem on the left, the dinas lines centred, a double rule.

Pure module: plain data in, reportlab flowables out. The emblem's bytes were checked when
admin uploaded them (ops/letterhead.py), which also renders an SVG here once to be sure.
"""
from __future__ import annotations

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, Table, TableStyle
from svglib.svglib import svg2rlg

from .common import NAVY, DocHeader, Emblem, Fonts, para, style


class DoubleRule(Flowable):
    """Kop surat rule: a thick line over a thin one."""

    def __init__(self, width: float):
        super().__init__()
        self.width, self.height = width, 3.2

    def draw(self):
        c = self.canv
        c.setStrokeColor(colors.black)
        c.setLineWidth(1.8)
        c.line(0, 3.0, self.width, 3.0)
        c.setLineWidth(0.6)
        c.line(0, 0.4, self.width, 0.4)


EMBLEM_BOX = 22 * mm  # the emblem's square on the left of the kop


def svg_drawing(data: bytes):
    """An SVG (already checked by ops/letterhead.py) as a reportlab Drawing, or None."""
    return svg2rlg(BytesIO(data))


def emblem_flowable(emblem: Emblem, box: float = EMBLEM_BOX) -> Flowable:
    """The emblem scaled to fit a box x box square, aspect kept."""
    if emblem.content_type == "image/svg+xml":
        drawing = svg_drawing(emblem.data)
        scale = min(box / drawing.width, box / drawing.height)
        drawing.scale(scale, scale)
        drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
        return drawing
    w, h = ImageReader(BytesIO(emblem.data)).getSize()
    scale = min(box / w, box / h)
    return Image(BytesIO(emblem.data), width=w * scale, height=h * scale)


def kop_lines(header: DocHeader) -> list[str]:
    """The kop's contact line: address, then telephone and email when configured."""
    contact = " · ".join(x for x in (f"Telp. {header.org_phone}" if header.org_phone else "",
                                     f"Email: {header.org_email}" if header.org_email else "") if x)
    return [x for x in (header.org_address, contact) if x]


def kop_flowables(header: DocHeader, width: float, fonts: Fonts) -> list:
    """Letterhead block: emblem on the left; government, organisation name, unit, address,
    telephone and email centred; a double rule under it."""
    text = []
    if header.org_government:
        text.append(para(header.org_government.upper(),
                         style("kop0", fonts.sans_bold, 12.5, align=TA_CENTER, leading=15)))
    text += [para(header.org_name.upper(),
                  style("kop1", fonts.sans_bold, 11.5, align=TA_CENTER, leading=14)),
             para(header.org_unit.upper(),
                  style("kop2", fonts.sans_bold, 13.5, align=TA_CENTER, leading=17, color=NAVY))]
    text += [para(line, style("kop3", fonts.sans, 8.5, align=TA_CENTER, leading=11))
             for line in kop_lines(header)]
    if header.emblem is None:
        return text + [DoubleRule(width)]
    side = EMBLEM_BOX + 2 * mm   # same width on the right keeps the text centred on the page
    t = Table([[emblem_flowable(header.emblem), text, ""]],
              colWidths=[side, width - 2 * side, side])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("ALIGN", (0, 0), (0, 0), "LEFT"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 0),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return [t, DoubleRule(width)]
