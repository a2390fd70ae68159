"""QR codes for tickets and the kartu relawan, rendered on request (never written to static/).

The SVG is built by hand from the QR matrix as one compact path (one run per row segment):
small enough to inline in the page, sharp when printed, and free of style attributes (CSP).
"""
from __future__ import annotations

import io

import qrcode
from flask import current_app
from markupsafe import escape
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules of white border required by the QR spec


def card_url(token: str) -> str:
    """The URL held by a ticket or kartu relawan QR: {BASE_URL}/t/<token> (never a NIK or an id)."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/t/{token}"


def matrix(data: str, border: int = QUIET_ZONE) -> list[list[bool]]:
    """QR modules (True = dark), error correction M, with a quiet zone of `border` modules on
    every side; row 0 is the top row. The one source for the web (SVG/PNG) and the PDFs."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border)
    qr.add_data(data)
    qr.make(fit=True)
    return [[bool(v) for v in row] for row in qr.get_matrix()]


def dark_runs(modules: list[list[bool]]):
    """(row, first column, length) of every horizontal run of dark modules: one rectangle each
    keeps the SVG path and the PDF drawing small."""
    size = len(modules)
    for y, row in enumerate(modules):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                yield y, start, x - start
            else:
                x += 1


def svg(data: str, title: str = "Kode QR") -> str:
    """An SVG document for `data` (black modules on white, with the quiet zone)."""
    modules = matrix(data)
    size = len(modules)
    parts = [f"M{x} {y}h{n}v1h-{n}z" for y, x, n in dark_runs(modules)]
    safe_title = str(escape(title))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
            f'shape-rendering="crispEdges" role="img" aria-label="{safe_title}">'
            f"<title>{safe_title}</title>"
            f'<rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path fill="#000" d="{"".join(parts)}"/></svg>')


def png(data: str, box_size: int = 10) -> bytes:
    """A PNG image for `data` (for download and for phones that share images)."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE, box_size=box_size)
    qr.add_data(data)
    qr.make(fit=True)
    img = qr.make_image(fill_color="black", back_color="white")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
