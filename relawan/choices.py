"""Kelurahan choices for the sign-up and profile forms (codes, and groups for the <select>)."""
from __future__ import annotations

from sqlalchemy import select

from extensions import db
from relawan.models import Kelurahan
from relawan.wilayah import grouped_choices, normalise_name, search_keys


def kelurahan_codes() -> list[str]:
    """Every known kelurahan code (the only values the kelurahan select accepts)."""
    return list(db.session.scalars(select(Kelurahan.kode).order_by(Kelurahan.kode)))


def kelurahan_groups() -> list[tuple[str, list[tuple[str, str, str]]]]:
    """[(kecamatan, [(kode, nama, search keys)])]: keys hold spelling variants for signup.js."""
    groups = []
    for kecamatan, rows in grouped_choices():
        kec_key = normalise_name(kecamatan)
        groups.append((kecamatan, [
            (kode, nama, " ".join(dict.fromkeys([normalise_name(k) for k in search_keys(nama)] + [kec_key])))
            for kode, nama in rows]))
    return groups
