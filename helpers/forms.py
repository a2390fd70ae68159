"""The base form for every form in the app: rejects control characters and undecodable input.

NUL and other control characters (and U+FFFD from undecodable bytes) are never valid input, and
PostgreSQL refuses NUL in text columns; catching them here gives a field-level Indonesian message
instead of a database error.
"""
from __future__ import annotations

import re

from flask_wtf import FlaskForm

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
