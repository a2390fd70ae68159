"""PDF documents for P2TP2A Kota Serang (DP3AKB): plain data in, PDF bytes out.

No Flask, no database: callers pass dataclasses and get ``bytes`` back.
"""
from .badges import badges_pdf
from .certificate import certificate_pdf
from .common import (
                     AttendanceRow,
                     Badge,
                     CertificateData,
                     DocHeader,
                     Emblem,
                     SignatureBlock,
                     format_date_id,
                     qr_matrix,
                     wib_date_text,
                     wib_span_text,
)
from .daftar_hadir import daftar_hadir_pdf

__all__ = [
    "AttendanceRow", "Badge", "CertificateData", "DocHeader", "Emblem", "SignatureBlock",
    "badges_pdf", "certificate_pdf", "daftar_hadir_pdf", "format_date_id", "qr_matrix",
    "wib_date_text", "wib_span_text",
]
