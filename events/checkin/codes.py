"""Reading the scanned text: a full ticket URL `{anything}/t/<token>` or a bare token."""
from __future__ import annotations

import re

MAX_CODE_LENGTH = 500
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def parse_code(code: str | None) -> str | None:
    """The token inside a scanned code, or None when it cannot be one of ours."""
    if not isinstance(code, str):
        return None
    text = code.strip()
    if not text or len(text) > MAX_CODE_LENGTH:
        return None
    if "/t/" in text:
        text = text.rsplit("/t/", 1)[1]
    text = text.split("#", 1)[0].split("?", 1)[0].strip().rstrip("/")
    return text if _TOKEN.match(text) else None
