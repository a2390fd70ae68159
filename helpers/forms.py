"""Bounds on everything a request carries: the base form (control characters, undecodable
input), dates (one range for forms and query strings), integers in paths and query strings (the
database's integer range) and the URL converters that apply them.

NUL and other control characters (and U+FFFD from undecodable bytes) are never valid input, and
PostgreSQL refuses NUL in text columns; catching them here gives a field-level Indonesian message
instead of a database error. A year outside 1900-2100 overflows the WIB/UTC arithmetic and the
PDF date formatting (OverflowError at year 1 and 9999), and an id above 2**31-1 overflows an
INTEGER column on PostgreSQL (and a 20-digit one SQLite's 64-bit integers): both are refused here
with a message or a 404, before they reach a query.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from werkzeug.routing import BaseConverter, IntegerConverter
from wtforms.validators import ValidationError

# The largest value of an INTEGER column (PostgreSQL int4; every id and count in the schema).
DB_INT_MAX = 2**31 - 1
# Dates people may type (events, filters, birth dates): anything else is a typo or a probe.
MIN_YEAR, MAX_YEAR = 1900, 2100
DATE_RANGE_MSG = f"Tanggal harus antara tahun {MIN_YEAR} dan {MAX_YEAR}."
DATE_FORMAT_MSG = "Tanggal tidak valid (format TTTT-BB-HH)."

BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
# Werkzeug keeps undecodable bytes of a urlencoded body as "%FF"-style escapes.
_UNDECODED = re.compile(r"%[89A-F][0-9A-F]")


class CleanForm(FlaskForm):
    """Rejects control characters, NUL bytes and undecodable input in every text field."""

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for f in self:
            values = f.raw_data or []
            if any(isinstance(v, str) and (BAD_CHARS.search(v) or _UNDECODED.search(v)) for v in values):
                f.errors = list(f.errors) + ["Isian mengandung karakter yang tidak valid."]
                ok = False
        return ok


class BadQueryString(BadRequest):
    """A query string with control characters (a search box never sends them; PostgreSQL
    would refuse a NUL in a text parameter). Shown with its own message."""

    description = "Alamat halaman mengandung karakter yang tidak valid. Periksa kembali kata kunci pencarian Anda."


def reject_bad_query_string(args) -> None:
    """Raise BadQueryString when a key or value of the query string holds a control character
    or a NUL byte; views can then use request.args as plain text. (Werkzeug keeps undecodable
    bytes of a query string as literal "%FF" text, which is harmless and also what a search
    for "%FF" looks like, so it is not refused here.)"""
    for key, value in args.items(multi=True):
        if BAD_CHARS.search(key) or BAD_CHARS.search(value):
            raise BadQueryString()


class PlainTextConverter(BaseConverter):
    """The default URL converter, minus control characters: a ticket token or certificate code
    with a NUL byte in it matches no route (404) instead of reaching PostgreSQL."""

    regex = r"[^/\x00-\x1f\x7f]+"


class BoundedIntConverter(IntegerConverter):
    """The `int` URL converter, bounded to the database's integer range: /kegiatan/2147483648
    and a 20-digit id match no route (404) instead of overflowing the query."""

    def __init__(self, map, fixed_digits=0, min=None, max=DB_INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def bounded_int(raw: str | None, *, minimum: int = 0) -> int | None:
    """A whole number typed in a query string or a form value, or None when it is not one or lies
    outside minimum..DB_INT_MAX (the one parser of ids and page numbers from the query string)."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(DB_INT_MAX)):
        return None
    value = int(raw)
    return value if minimum <= value <= DB_INT_MAX else None


def year_in_range(value: date | datetime | None) -> bool:
    """True for None or a date/datetime whose year lies in MIN_YEAR..MAX_YEAR."""
    return value is None or MIN_YEAR <= value.year <= MAX_YEAR


def parse_date_arg(raw: str | None) -> date | None:
    """A YYYY-MM-DD date from a query string (report and audit filters); None when empty.
    Raises ValueError with an Indonesian message when malformed or outside the date range."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise ValueError(DATE_FORMAT_MSG) from None
    if not year_in_range(value):
        raise ValueError(DATE_RANGE_MSG)
    return value


def date_arg(args, key: str, errors: dict) -> date | None:
    """parse_date_arg of args[key]; a bad value becomes errors[key] (a field message) and None."""
    try:
        return parse_date_arg(args.get(key))
    except ValueError as exc:
        errors[key] = str(exc)
        return None


class DateInRange:
    """WTForms validator for every date and datetime field: the year lies in 1900-2100."""

    def __init__(self, message: str = DATE_RANGE_MSG):
        self.message = message

    def __call__(self, form, field):
        if not year_in_range(field.data):
            raise ValidationError(self.message)
