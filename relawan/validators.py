"""NIK, phone and email validation (see shared/reference/indonesia.md)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from helpers.errors import DomainError

# Kemendagri province codes (NIK digits 1-2). Papua's 2022 split added 92-96.
PROVINCE_CODES = {
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
    "31", "32", "33", "34", "35", "36",
    "51", "52", "53",
    "61", "62", "63", "64", "65",
    "71", "72", "73", "74", "75", "76",
    "81", "82", "91", "92", "93", "94", "95", "96",
}
_NIK_RE = re.compile(r"^[0-9]{16}$")  # ASCII only: full-width digits would dodge the unique check
_NIK_STRIP = re.compile(r"[\s.\-]")


class InvalidNik(DomainError):
    """The NIK's structure is not valid; the message is Indonesian."""

    code = "invalid_nik"
    kind = "invalid"


@dataclass
class NikInfo:
    nik: str
    province: str
    birth_date: date
    gender: str  # "L" or "P"
    warnings: list[str] = field(default_factory=list)


def clean_nik(raw: str) -> str:
    """Remove spaces, dots and dashes users type ("3673.01.550790.0001")."""
    return _NIK_STRIP.sub("", raw or "")


def _century_date(day: int, month: int, yy: int, today: date) -> date | None:
    """Pick the century that gives a real date and a plausible age (not in the future)."""
    for century in (2000, 1900):
        year = century + yy
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if d <= today:
            return d
    return None


def parse_nik(raw: str, *, today: date | None = None) -> NikInfo:
    """Validate a NIK's structure and decode its birth date and gender. Raises InvalidNik."""
    today = today or date.today()
    nik = clean_nik(raw)
    if not _NIK_RE.match(nik):
        raise InvalidNik("NIK harus 16 digit angka.")
    province = nik[:2]
    if province not in PROVINCE_CODES:
        raise InvalidNik("Dua digit pertama NIK bukan kode provinsi yang dikenal.")
    if nik[4:6] == "00":
        raise InvalidNik("Kode kecamatan pada NIK (digit 5-6) tidak boleh 00.")
    dd, mm, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    gender = "L"
    if dd > 40:
        dd -= 40
        gender = "P"
    if not 1 <= dd <= 31 or not 1 <= mm <= 12:
        raise InvalidNik("Tanggal lahir pada NIK (digit 7-12) tidak valid.")
    birth = _century_date(dd, mm, yy, today)
    if birth is None:
        raise InvalidNik("Tanggal lahir pada NIK (digit 7-12) bukan tanggal yang ada.")
    if nik[12:] == "0000":
        raise InvalidNik("Nomor urut pada NIK (4 digit terakhir) tidak boleh 0000.")
    return NikInfo(nik=nik, province=province, birth_date=birth, gender=gender)


def nik_mismatch_warnings(info: NikInfo, birth_date: date | None, gender: str | None) -> list[str]:
    """Warnings (not errors) when the NIK disagrees with the entered birth date or gender.

    Dukcapil does not change a NIK to match a corrected birth date, so a mismatch is legal.
    """
    warnings = []
    if birth_date and (birth_date.day, birth_date.month, birth_date.year % 100) != (
            info.birth_date.day, info.birth_date.month, info.birth_date.year % 100):
        warnings.append("Tanggal lahir berbeda dengan yang tertera pada NIK. Pastikan sudah benar.")
    if gender and gender != info.gender:
        warnings.append("Jenis kelamin berbeda dengan yang tertera pada NIK. Pastikan sudah benar.")
    return warnings


class InvalidPhone(DomainError):
    """Not a valid Indonesian mobile number; the message is Indonesian."""

    code = "invalid_phone"
    kind = "invalid"


def normalize_phone(raw: str) -> str:
    """Parse what people type ('0812-3456-7890', '+62 0812..', '812..') into E.164 '+62812...'."""
    text = (raw or "").strip()
    digits = re.sub(r"[\s\-.()]", "", text)
    if not digits:
        raise InvalidPhone("Nomor HP wajib diisi.")
    if digits.startswith("+"):
        digits = digits[1:]
    if not re.fullmatch(r"[0-9]+", digits):
        raise InvalidPhone("Nomor HP hanya boleh berisi angka.")
    if digits.startswith("620"):
        digits = "62" + digits[3:]
    elif digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if not digits.startswith("62"):
        raise InvalidPhone("Gunakan nomor HP Indonesia (diawali 08 atau +62).")
    try:
        number = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone("Nomor HP tidak valid.") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("Nomor HP tidak valid. Contoh: 0812-3456-7890.")
    if phonenumbers.number_type(number) not in (phonenumbers.PhoneNumberType.MOBILE,
                                                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise InvalidPhone("Gunakan nomor HP (seluler), bukan telepon rumah atau kantor.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class InvalidEmail(DomainError):
    """Not a valid email address; the message is Indonesian."""

    code = "invalid_email"
    kind = "invalid"


def normalize_email(raw: str) -> str:
    """Validate syntax (no DNS lookup: venues are often offline) and normalise."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidEmail("Alamat email tidak valid.") from exc
