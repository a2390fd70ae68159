"""The one paging helper: every paged list reads ?page= here, bounded to the database's range."""
from __future__ import annotations

from flask import request

from extensions import db
from helpers.errors import DomainError
from helpers.forms import bounded_int


class BadPageNumber(DomainError):
    """?page= that is not a whole number from 1 to 2**31-1 (a 20-digit page used to overflow
    the OFFSET and answer 500)."""

    code = "bad_page"
    kind = "invalid"
    default = "Nomor halaman tidak valid. Gunakan angka mulai dari 1."


def page_number(name: str = "page") -> int:
    """?page=N as a number from 1; an absent or empty value is page 1, anything else that is not
    a page number raises BadPageNumber (400 with its message)."""
    raw = request.args.get(name, "")
    if not raw.strip():
        return 1
    value = bounded_int(raw, minimum=1)
    if value is None:
        raise BadPageNumber()
    return value


def paginate(stmt, *, per_page: int):
    """db.paginate of `stmt` at the requested page (past the last page: an empty page, not 404)."""
    return db.paginate(stmt, page=page_number(), per_page=per_page, error_out=False)
