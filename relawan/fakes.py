"""Structurally valid but fake NIKs and phone numbers for tests and demo data (never real people)."""
from __future__ import annotations

import random
from datetime import date

KOTA_SERANG_KECAMATAN = ["01", "02", "03", "04", "05", "06"]


def fake_nik(rng: random.Random | None = None, *, gender: str | None = None,
             birth: date | None = None, serial: int | None = None) -> str:
    """A 16-digit NIK that passes the structure check. Serials start at 9000 to stay clearly fake."""
    rng = rng or random.Random()
    gender = gender or rng.choice("LP")
    birth = birth or date(rng.randint(1965, 2004), rng.randint(1, 12), rng.randint(1, 28))
    day = birth.day + (40 if gender == "P" else 0)
    serial = serial if serial is not None else rng.randint(9000, 9999)
    return f"3673{rng.choice(KOTA_SERANG_KECAMATAN)}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def fake_phone(rng: random.Random | None = None, n: int | None = None) -> str:
    """An E.164 Indonesian mobile number in the 0812/0813/0857 ranges."""
    rng = rng or random.Random()
    prefix = rng.choice(["812", "813", "857", "878", "896"])
    tail = n if n is not None else rng.randint(0, 99_999_999)
    return f"+62{prefix}{tail:08d}"
