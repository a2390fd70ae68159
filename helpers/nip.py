"""NIP (Nomor Induk Pegawai, the 18-digit civil-servant number) as typed, stored and printed.

The one place where a typed NIP becomes the stored one: digits only, exactly 18 of them
(spaces, dots and dashes people type between the groups are dropped). Printed in the usual
grouping of its parts: birth date (8), appointment year and month (6), sex (1), sequence (3).
"""
from __future__ import annotations

import re

from helpers.errors import DomainError

NIP_LENGTH = 18
_SEPARATORS = re.compile(r"[\s.\-]+")


class InvalidNip(DomainError):
    """A typed NIP is not 18 digits."""

    code = "invalid_nip"
    kind = "invalid"
    default = "NIP harus 18 angka (spasi boleh diketik di antara kelompok angka)."


def parse_nip(text: str | None) -> str:
    """'19780512 200501 2 003' -> '197805122005012003'; blank -> ''. Raises InvalidNip."""
    digits = _SEPARATORS.sub("", text or "")
    if not digits:
        return ""
    if not digits.isascii() or not digits.isdigit() or len(digits) != NIP_LENGTH:
        raise InvalidNip()
    return digits


def format_nip(nip: str | None) -> str:
    """'197805122005012003' -> '19780512 200501 2 003' (anything else is printed as stored)."""
    nip = nip or ""
    if len(nip) != NIP_LENGTH or not nip.isdigit():
        return nip
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
