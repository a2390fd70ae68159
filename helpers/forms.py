"""The base form for every form in the app: rejects control characters and undecodable input.

NUL and other control characters (and U+FFFD from undecodable bytes) are never valid input, and
PostgreSQL refuses NUL in text columns; catching them here gives a field-level Indonesian message
instead of a database error.
"""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from werkzeug.routing import BaseConverter

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
