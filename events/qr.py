"""QR codes for tickets, rendered on request (never written to static/)."""
from __future__ import annotations

import io
import re

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def _qr(data: str) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(data)
    qr.make(fit=True)
    return qr


def png_bytes(data: str, box_size: int = 10) -> bytes:
    """A black-on-white PNG (quiet zone 4 modules) for download and printing."""
    qr = _qr(data)
    qr.box_size = box_size
    img = qr.make_image(fill_color="black", back_color="white")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def svg_text(data: str) -> str:
    """A standalone SVG document (one path: small and sharp when printed)."""
    img = _qr(data).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    return img.to_string(encoding="unicode")


def svg_inline(data: str, label: str = "Kode QR tiket") -> str:
    """SVG markup for embedding in a page: no XML prolog, fixed sizes removed (CSS sizes it)."""
    svg = svg_text(data)
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    svg = re.sub(r'\s(width|height)="[^"]*"', "", svg, count=2)
    return svg.replace("<svg", f'<svg role="img" aria-label="{label}"', 1)
