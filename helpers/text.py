"""Text that must stay on one line: email headers (Subject, To, From) and .ics property values.

A CR or LF in an event title (a raw POST, an import, the database edited by hand) would split an
email header (the email library refuses it with ValueError, which used to surface as a 500 after
the registration was committed) or a calendar line; every such value passes through one_line.
"""
from __future__ import annotations

import re

# CR, LF and every other control character (TAB included), and the Unicode line separators.
_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def one_line(value: object) -> str:
    """`value` as text with every run of line breaks and control characters made one space."""
    if value is None:
        return ""
    return " ".join(_BREAKS.sub(" ", str(value)).split())
