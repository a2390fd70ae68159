"""The screening list: filters from the query string and the SELECT they produce (read-only)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import joinedload

from auth.models import User
from helpers.forms import parse_date_arg
from relawan.forms import BAD_CHARS, ORGANISATION_LABELS
from relawan.models import Kelurahan, Relawan, RelawanStatus
from relawan.validators import InvalidPhone, normalize_phone
from timeutil import wib_to_utc

_KEC_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
_KEL_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")


@dataclass
class Filters:
    status: str = ""
    kecamatan: str = ""
    kelurahan: str = ""
    organisation: str = ""
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    deletion: bool = False
    errors: list[str] = field(default_factory=list)

    def active(self) -> bool:
        return any([self.status, self.kecamatan, self.kelurahan, self.organisation, self.date_from,
                    self.date_to, self.q, self.deletion])


def _date(value: str, errors: list[str], label: str) -> date | None:
    if not value:
        return None
    try:
        return parse_date_arg(value)
    except ValueError as exc:
        errors.append(f"Tanggal {label} tidak valid: {exc} Filter itu diabaikan.")
        return None


def parse_filters(args) -> Filters:
    """Read filters from request.args; unknown or malformed values are dropped with a notice."""
    def get(name: str, n: int = 100) -> str:
        return BAD_CHARS.sub("", (args.get(name) or "").strip())[:n]
    f = Filters()
    status = get("status", 20)
    f.status = status if status in {s.value for s in RelawanStatus} else ""
    kec = get("kecamatan", 8)
    f.kecamatan = kec if _KEC_RE.match(kec) else ""
    kel = get("kelurahan", 13)
    f.kelurahan = kel if _KEL_RE.match(kel) else ""
    org = get("organisasi", 20)
    f.organisation = org if org in ORGANISATION_LABELS else ""
    f.date_from = _date(get("dari", 10), f.errors, "awal")
    f.date_to = _date(get("sampai", 10), f.errors, "akhir")
    f.q = get("q", 100)
    f.deletion = get("hapus", 1) == "1"
    return f


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search(stmt: Select, q: str) -> Select:
    """Name (part), phone (any format, full or part) or the last 4 digits of the NIK."""
    digits = re.sub(r"[\s\-.()+]", "", q)
    if re.fullmatch(r"\d{4}", digits):
        return stmt.where(Relawan.nik.like(f"%{digits}"))
    if digits.isdigit() and len(digits) >= 5:
        try:
            return stmt.where(User.phone == normalize_phone(q))
        except InvalidPhone:
            part = re.sub(r"^(62|0)", "", digits)
            return stmt.where(User.phone.like(f"%{part}%"))
    return stmt.where(Relawan.full_name.ilike(f"%{_escape_like(q)}%", escape="\\"))


def in_kecamatan(kecamatan_kode: str):
    """Relawan whose kelurahan lies in a kecamatan, as an index range on the kelurahan code.

    Kelurahan codes extend their kecamatan's code ("36.73.02" -> "36.73.02.1001"), so a range
    on relawan.kelurahan_kode (indexed with status) avoids a join and scan at 100,000 rows.
    """
    return and_(Relawan.kelurahan_kode > kecamatan_kode + ".", Relawan.kelurahan_kode < kecamatan_kode + "/")


def screening_stmt(f: Filters, scope: str | None) -> Select:
    """SELECT of relawan for the screening list, newest first, limited to `scope` (a kecamatan)."""
    stmt = (select(Relawan).outerjoin(User, Relawan.user_id == User.id)
            .outerjoin(Kelurahan, Relawan.kelurahan_kode == Kelurahan.kode)
            .options(joinedload(Relawan.user), joinedload(Relawan.kelurahan).joinedload(Kelurahan.kecamatan)))
    if scope:
        stmt = stmt.where(in_kecamatan(scope))
    if f.status:
        stmt = stmt.where(Relawan.status == f.status)
    if f.kecamatan:
        stmt = stmt.where(in_kecamatan(f.kecamatan))
    if f.kelurahan:
        stmt = stmt.where(Relawan.kelurahan_kode == f.kelurahan)
    if f.organisation:
        stmt = stmt.where(Relawan.organisation == f.organisation)
    if f.date_from:
        stmt = stmt.where(Relawan.created_at >= wib_to_utc(datetime.combine(f.date_from, datetime.min.time())))
    if f.date_to:
        end = datetime.combine(f.date_to + timedelta(days=1), datetime.min.time())
        stmt = stmt.where(Relawan.created_at < wib_to_utc(end))
    if f.deletion:
        stmt = stmt.where(Relawan.deletion_requested_at.is_not(None), Relawan.anonymized_at.is_(None))
    if f.q:
        stmt = _search(stmt, f.q)
    return stmt.order_by(Relawan.created_at.desc(), Relawan.id.desc())
