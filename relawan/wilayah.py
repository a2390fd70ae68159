"""Kecamatan/kelurahan reference data: idempotent CSV load and spelling-variant search."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from extensions import db
from helpers.errors import DomainError
from relawan.models import Kecamatan, Kelurahan

DEFAULT_CSV = Path(__file__).resolve().parent.parent / "data" / "wilayah_kota_serang.csv"
DEFAULT_VERSION = "Kepmendagri 300.2.2-2138/2025"
_KODE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")

# Spelling variants seen in other lists and in user input (shared/reference/indonesia.md).
ALIASES = {
    "Kemanisan": ["Kamanisan"], "Curug Manis": ["Curugmanis"], "Pengampelan": ["Pangampelan"],
    "Pangampelan": ["Pengampelan"], "Pager Agung": ["Pageragung"], "Pageragung": ["Pager Agung"],
    "Kapuren": ["Kepuren"], "Kepuren": ["Kapuren"], "Kalanganyar": ["Kalang Anyar"],
    "Kalang Anyar": ["Kalanganyar"], "Taman Baru": ["Tamanbaru"], "Tamanbaru": ["Taman Baru"],
    "Banjar Agung": ["Banjaragung"], "Banjaragung": ["Banjar Agung"], "Kota Baru": ["Kotabaru"],
    "Kotabaru": ["Kota Baru"], "Lontarbaru": ["Lontar Baru"], "Lontar Baru": ["Lontarbaru"],
    "Mesjid Priyayi": ["Masjid Priyayi"], "Masjid Priyayi": ["Mesjid Priyayi"],
    "Kamanisan": ["Kemanisan"], "Curugmanis": ["Curug Manis"],
}


class WilayahError(DomainError):
    """The CSV is not in the expected format; the message is Indonesian."""

    code = "wilayah_file_invalid"
    kind = "invalid"


@dataclass
class LoadResult:
    kecamatan_added: int = 0
    kelurahan_added: int = 0
    kelurahan_updated: int = 0
    rows: int = 0


def normalise_name(name: str) -> str:
    """Lower-case, no spaces: 'Curug Manis' and 'Curugmanis' compare equal."""
    return re.sub(r"[^a-z]", "", (name or "").lower())


def search_keys(nama: str) -> list[str]:
    """All spellings under which a kelurahan can be found."""
    return [nama] + ALIASES.get(nama, [])


def parse_csv(data: str) -> list[dict]:
    """Parse and check a `kode,kecamatan,kelurahan` CSV; raise WilayahError on bad rows."""
    reader = csv.DictReader(io.StringIO(data.lstrip("\ufeff")))
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames] != ["kode", "kecamatan", "kelurahan"]:
        raise WilayahError("Kolom CSV harus: kode,kecamatan,kelurahan")
    rows = []
    for lineno, row in enumerate(reader, start=2):
        kode = (row.get("kode") or "").strip()
        kec = (row.get("kecamatan") or "").strip()
        kel = (row.get("kelurahan") or "").strip()
        if not _KODE_RE.match(kode) or not kec or not kel:
            raise WilayahError(f"Baris {lineno} tidak valid: kode harus berbentuk 36.73.01.1001 "
                               "dan nama kecamatan/kelurahan wajib diisi.")
        rows.append({"kode": kode, "kecamatan": kec, "kelurahan": kel})
    if not rows:
        raise WilayahError("CSV tidak berisi data.")
    return rows


def load_wilayah(data: str, source_version: str = DEFAULT_VERSION) -> LoadResult:
    """Insert or update kecamatan and kelurahan from CSV text; running it twice changes nothing."""
    rows = parse_csv(data)
    result = LoadResult(rows=len(rows))
    kecamatan = {k.kode: k for k in db.session.scalars(select(Kecamatan))}
    kelurahan = {k.kode: k for k in db.session.scalars(select(Kelurahan))}
    for row in rows:
        kec_kode = row["kode"][:8]
        kec = kecamatan.get(kec_kode)
        if kec is None:
            kec = Kecamatan(kode=kec_kode, nama=row["kecamatan"], kabkota_kode=row["kode"][:5],
                            source_version=source_version)
            db.session.add(kec)
            kecamatan[kec_kode] = kec
            result.kecamatan_added += 1
        else:
            kec.nama = row["kecamatan"]
        kel = kelurahan.get(row["kode"])
        if kel is None:
            db.session.add(Kelurahan(kode=row["kode"], nama=row["kelurahan"], kecamatan_kode=kec_kode,
                                     source_version=source_version))
            result.kelurahan_added += 1
        elif kel.nama != row["kelurahan"] or kel.kecamatan_kode != kec_kode:
            kel.nama, kel.kecamatan_kode, kel.source_version = row["kelurahan"], kec_kode, source_version
            result.kelurahan_updated += 1
    db.session.flush()
    return result


def load_default() -> LoadResult:
    """Load the bundled Kota Serang list."""
    return load_wilayah(DEFAULT_CSV.read_text(encoding="utf-8"))


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(kecamatan name, [(kelurahan kode, name), ...]), ...] for grouped <select>s."""
    groups = []
    for kec in db.session.scalars(select(Kecamatan).order_by(Kecamatan.nama)):
        groups.append((kec.nama, [(k.kode, k.nama) for k in kec.kelurahan]))
    return groups


def find_kelurahan(query: str) -> list[Kelurahan]:
    """Kelurahan whose name or a spelling variant matches `query` (space/case-insensitive)."""
    needle = normalise_name(query)
    if not needle:
        return []
    out = []
    for kel in db.session.scalars(select(Kelurahan).order_by(Kelurahan.nama)):
        if any(needle in normalise_name(k) for k in search_keys(kel.nama)):
            out.append(kel)
    return out
