"""Case figures: validate and save a year's counts and stated total, add a type, build the table.

Rules owned here: a year is 2000-2100, a count 0-100000 (`check_count`), every figure names its
source, and one (year, type) has one count: the unique constraint guards it and its
IntegrityError becomes FiguresExist (never check-then-insert alone). The sum of the parts and the
stated total are both shown; `Table.mismatch` says when they differ. Services flush, views commit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import audit
from cases.models import CaseCount, CaseType, CaseYearTotal
from extensions import db
from helpers.errors import DomainError
from timeutil import utcnow

YEAR_MIN, YEAR_MAX = 2000, 2100
COUNT_MAX = 100_000
# A note is for the figure (e.g. "data triwulan I-III"), never for a person: digits that look
# like a NIK or a phone number are refused.
_PERSONAL_DIGITS = re.compile(r"\d[\d .-]{8,}\d")


class FiguresInvalid(DomainError):
    code = "case_figures_invalid"
    kind = "invalid"
    default = "Data kasus tidak valid."


class FiguresExist(DomainError):
    code = "case_figures_exist"
    kind = "conflict"
    default = "Data kasus untuk tahun dan jenis ini sudah ada."


@dataclass
class YearFigures:
    """What the year form sends: counts by type id (None = no figure), the parts' source and
    note, and the stated total with its own source."""

    year: int | None
    counts: dict[int, int | None]
    source: str = ""
    note: str | None = None
    total: int | None = None
    total_source: str = ""


def check_count(value: int | None) -> str | None:
    """The non-negative integer rule for a count or total: an Indonesian message, or None if fine."""
    if value is None:
        return None
    if not isinstance(value, int) or value < 0 or value > COUNT_MAX:
        return "Jumlah kasus harus bilangan bulat 0 sampai 100.000."
    return None


def _validate(data: YearFigures) -> None:
    errors: dict[str, str] = {}
    if data.year is None or not YEAR_MIN <= data.year <= YEAR_MAX:
        errors["year"] = f"Tahun harus antara {YEAR_MIN} dan {YEAR_MAX}."
    for type_id, value in data.counts.items():
        message = check_count(value)
        if message:
            errors[f"count_{type_id}"] = message
    if check_count(data.total):
        errors["total"] = check_count(data.total)
    has_parts = any(v is not None for v in data.counts.values())
    if has_parts and not data.source.strip():
        errors["source"] = "Sumber data rincian wajib diisi."
    if data.total is not None and not data.total_source.strip():
        errors["total_source"] = "Sumber jumlah total wajib diisi."
    if not has_parts and data.total is None:
        errors.setdefault("total", "Isi paling sedikit satu angka: jumlah per jenis atau jumlah total.")
    if data.note and _PERSONAL_DIGITS.search(data.note):
        errors["note"] = "Keterangan tidak boleh memuat NIK, nomor HP, atau data pribadi lain."
    if errors:
        raise FiguresInvalid(fields=errors)


def _flush_or_exist(year: int) -> None:
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise FiguresExist(f"Data kasus tahun {year} sudah ada. Ubah lewat halaman tahun tersebut.",
                           fields={"year": f"Data tahun {year} sudah ada."}) from None


def save_year(data: YearFigures, *, new: bool, by_user=None) -> dict:
    """Insert (new=True) or update a year's figures; blank counts remove a figure. Audited.

    Returns {"changes": {...}} as recorded in the audit entry. Raises FiguresInvalid/FiguresExist.
    """
    _validate(data)
    year, now, uid = data.year, utcnow(), getattr(by_user, "id", None)
    source, note = data.source.strip()[:300], (data.note or "").strip() or None
    existing = {c.case_type_id: c for c in db.session.scalars(
        select(CaseCount).where(CaseCount.year == year))} if not new else {}
    changes: dict[str, list] = {}
    for type_id, value in data.counts.items():
        row = existing.get(type_id)
        old = row.count if row else None
        if value is None:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(CaseCount(year=year, case_type_id=type_id, count=value, source=source,
                                     note=note, updated_at=now, updated_by_id=uid))
        else:
            row.count, row.source, row.note, row.updated_at, row.updated_by_id = (
                value, source, note, now, uid)
        if old != value:
            changes[str(type_id)] = [old, value]
    total_row = None if new else db.session.scalar(
        select(CaseYearTotal).where(CaseYearTotal.year == year))
    old_total = total_row.total if total_row else None
    if data.total is None:
        if total_row is not None:
            db.session.delete(total_row)
    elif total_row is None:
        db.session.add(CaseYearTotal(year=year, total=data.total, source=data.total_source.strip()[:300],
                                     updated_at=now, updated_by_id=uid))
    else:
        total_row.total, total_row.source = data.total, data.total_source.strip()[:300]
        total_row.updated_at, total_row.updated_by_id = now, uid
    if old_total != data.total:
        changes["total"] = [old_total, data.total]
    _flush_or_exist(year)
    audit.record("case_figures_created" if new else "case_figures_updated", None, user=by_user,
                 details={"year": year, "changes": changes, "source": source or None})
    db.session.flush()
    return {"changes": changes}


def add_type(name: str, by_user=None) -> CaseType:
    """Add a case type at the end of the list; a duplicate name is refused. Audited."""
    name = " ".join((name or "").split())
    if not name:
        raise FiguresInvalid(fields={"name": "Nama jenis kasus wajib diisi."})
    if len(name) > 120:
        raise FiguresInvalid(fields={"name": "Nama jenis kasus maksimal 120 karakter."})
    position = (db.session.scalar(select(func.max(CaseType.position))) or 0) + 1
    case_type = CaseType(name=name, position=position, created_at=utcnow())
    db.session.add(case_type)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise FiguresExist(f"Jenis kasus \"{name}\" sudah ada.", fields={"name": "Jenis ini sudah ada."}) from None
    audit.record("case_type_added", case_type, user=by_user, details={"name": name})
    db.session.flush()
    return case_type


def case_types() -> list[CaseType]:
    """Every case type in display order."""
    return list(db.session.scalars(select(CaseType).order_by(CaseType.position, CaseType.id)))


def year_figures(year: int) -> YearFigures | None:
    """A stored year's figures as the form shows them; None when the year has none."""
    counts = list(db.session.scalars(select(CaseCount).where(CaseCount.year == year)))
    total = db.session.scalar(select(CaseYearTotal).where(CaseYearTotal.year == year))
    if not counts and total is None:
        return None
    first = counts[0] if counts else None
    return YearFigures(year=year, counts={c.case_type_id: c.count for c in counts},
                       source=first.source if first else "", note=first.note if first else None,
                       total=total.total if total else None,
                       total_source=total.source if total else "")


@dataclass
class Table:
    """Years x types with the sum of the parts and the stated total of each year."""

    types: list[CaseType]
    years: list[int]
    cells: dict[tuple[int, int], int] = field(default_factory=dict)
    sums: dict[int, int] = field(default_factory=dict)
    totals: dict[int, CaseYearTotal] = field(default_factory=dict)
    sources: dict[int, list[str]] = field(default_factory=dict)

    def mismatch(self, year: int) -> str | None:
        """The plain sentence shown when a source's total differs from its parts, else None."""
        stated = self.totals.get(year)
        if stated is None or year not in self.sums or stated.total == self.sums[year]:
            return None
        return (f"Jumlah menurut sumber: {stated.total}; jumlah rincian: {self.sums[year]} "
                f"— tidak sama")

    def type_total(self, type_id: int) -> int:
        return sum(v for (_, t), v in self.cells.items() if t == type_id)


def table() -> Table:
    """Everything the public page and the admin list show (sums are a GROUP BY in SQL)."""
    types = case_types()
    cells = {(y, t): n for y, t, n in db.session.execute(
        select(CaseCount.year, CaseCount.case_type_id, CaseCount.count))}
    sums = dict(db.session.execute(select(CaseCount.year, func.sum(CaseCount.count))
                                   .group_by(CaseCount.year)).all())
    totals = {t.year: t for t in db.session.scalars(select(CaseYearTotal))}
    sources: dict[int, list[str]] = {}
    for year, source in db.session.execute(select(CaseCount.year, CaseCount.source).distinct()):
        sources.setdefault(year, []).append(source)
    for t in totals.values():
        if t.source not in sources.setdefault(t.year, []):
            sources[t.year].append(t.source)
    years = sorted(set(sums) | set(totals))
    return Table(types=types, years=years, cells=cells, sums={y: int(s) for y, s in sums.items()},
                 totals=totals, sources={y: sorted(s) for y, s in sources.items()})
