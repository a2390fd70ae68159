"""The kop emblem: checked once when admin uploads it, kept in the database (ops.models).

A PNG is decoded by Pillow (its pixel count bounded before decoding); an SVG is parsed by
defusedxml (no DTD or entities) and refused when it can run script or reach outside itself
(script and foreignObject elements, on* handlers, href or url() to anything but "#id",
@import), then drawn once by svglib exactly as the PDFs will draw it.
"""
from __future__ import annotations

import re
from io import BytesIO

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from flask import current_app
from PIL import Image, UnidentifiedImageError

import audit
from extensions import db
from helpers.errors import DomainError
from helpers.formats import format_filesize
from ops.models import LetterheadEmblem
from reports.pdf import Emblem
from reports.pdf.kop import svg_drawing
from timeutil import utcnow

PNG, SVG = "image/png", "image/svg+xml"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "object", "embed", "audio", "video",
                   "handler", "listener"}
_HREF = re.compile(r"(^|})href$")
_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_MAX_SVG_ELEMENTS = 20000


class EmblemRefused(DomainError):
    """An uploaded emblem is not a PNG or SVG this app will print."""

    code = "emblem_refused"
    kind = "invalid"
    default = "Berkas lambang tidak dapat dipakai."

    def __init__(self, message: str):
        super().__init__(fields={"file": message})


def _check_png(data: bytes) -> None:
    max_pixels = current_app.config["EMBLEM_MAX_PIXELS"]
    try:
        with Image.open(BytesIO(data)) as im:
            if im.format != "PNG":
                raise EmblemRefused("Berkas bukan gambar PNG yang utuh.")
            w, h = im.size
            if w * h > max_pixels:   # checked from the header, before any pixel is decoded
                raise EmblemRefused(f"Gambar terlalu besar ({w} x {h} piksel). "
                                    "Perkecil dulu, misalnya menjadi 600 x 600 piksel.")
            im.load()
    except EmblemRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise EmblemRefused("Berkas PNG rusak atau tidak dapat dibaca.") from None


def _check_svg(data: bytes) -> None:
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, SafeET.ParseError, ValueError):
        raise EmblemRefused("Berkas SVG tidak dapat dibaca (XML rusak, atau memuat DTD/entitas).") from None
    if root.tag.rsplit("}", 1)[-1] != "svg":
        raise EmblemRefused("Berkas bukan gambar SVG.")
    for count, el in enumerate(root.iter()):
        if count > _MAX_SVG_ELEMENTS:
            raise EmblemRefused("Berkas SVG terlalu rumit untuk dicetak.")
        tag = el.tag.rsplit("}", 1)[-1].lower() if isinstance(el.tag, str) else ""
        if tag in _FORBIDDEN_TAGS:
            raise EmblemRefused(f"SVG memuat elemen <{tag}> (skrip atau isi luar) yang tidak diizinkan.")
        for name, value in el.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                raise EmblemRefused(f"SVG memuat atribut skrip \"{local}\" yang tidak diizinkan.")
            if (_HREF.search(name) and not value.strip().startswith("#")) or _URL.search(value):
                raise EmblemRefused("SVG merujuk berkas atau alamat di luar dirinya; "
                                    "simpan ulang SVG dengan semua gambar di dalamnya sebagai vektor.")
        if tag == "style" and (_URL.search(el.text or "") or "@import" in (el.text or "").lower()):
            raise EmblemRefused("SVG memuat gaya (CSS) yang merujuk berkas luar.")
    try:
        drawing = svg_drawing(data)
    except Exception:  # noqa: BLE001 - any failure of the renderer means "cannot be printed"
        drawing = None
    if drawing is None or drawing.width <= 0 or drawing.height <= 0:
        raise EmblemRefused("SVG tidak dapat digambar ke PDF (ukuran atau isi tidak dikenali).")


def check_emblem(data: bytes) -> str:
    """The content type of an acceptable emblem (PNG or SVG within the limits); raises EmblemRefused."""
    max_bytes = current_app.config["EMBLEM_MAX_BYTES"]
    if not data:
        raise EmblemRefused("Pilih berkas gambar PNG atau SVG.")
    if len(data) > max_bytes:
        raise EmblemRefused(f"Berkas terlalu besar ({format_filesize(len(data))}); "
                            f"maksimal {format_filesize(max_bytes)}.")
    if data.startswith(_PNG_MAGIC):
        _check_png(data)
        return PNG
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"<svg" in data[:4096]:
        _check_svg(data)
        return SVG
    raise EmblemRefused("Berkas bukan gambar PNG atau SVG.")


def save_emblem(data: bytes, filename: str, by_user=None) -> LetterheadEmblem:
    """Check and keep the emblem (replacing the previous one); audited. Adds and flushes."""
    content_type = check_emblem(data)
    row = db.session.get(LetterheadEmblem, 1) or LetterheadEmblem(id=1)
    row.content_type, row.data = content_type, data
    row.filename = (filename or "lambang")[-120:]
    row.uploaded_at, row.uploaded_by_id = utcnow(), getattr(by_user, "id", None)
    db.session.add(row)
    db.session.flush()
    audit.record("letterhead_emblem_saved", row, user=by_user,
                 details={"filename": row.filename, "type": content_type, "bytes": len(data)})
    return row


def remove_emblem(by_user=None) -> None:
    """Remove the emblem: the kop prints text only. Audited."""
    row = db.session.get(LetterheadEmblem, 1)
    if row is not None:
        audit.record("letterhead_emblem_removed", row, user=by_user, details={"filename": row.filename})
        db.session.delete(row)
        db.session.flush()


def current_emblem() -> Emblem | None:
    """The emblem the PDFs print, or None."""
    row = db.session.get(LetterheadEmblem, 1)
    return Emblem(row.content_type, row.data) if row is not None else None
