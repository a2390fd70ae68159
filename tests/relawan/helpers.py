"""Shared data for relawan tests: a valid sign-up form and counters on the database."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from auth.models import AuditEntry, User
from extensions import db
from relawan.models import Relawan, StatusChange

CONSENT_VERSION = "2026-11-v1"
BIRTH = date(1990, 7, 15)
# Fake NIK (serial 9xxx = clearly fake): Kota Serang/Kasemen, woman born 15-07-1990.
NIK_P = "3673025507909001"


def signup_form(**overrides) -> dict:
    """A complete, valid sign-up POST body; override any field."""
    data = {
        "full_name": "Siti Aminah",
        "nik": NIK_P,
        "gender": "P",
        "birth_date": BIRTH.isoformat(),
        "phone": "0812-3456-7890",
        "email": "Siti.Aminah@Contoh.ID",
        "address": "Jl. Raya Kasemen No. 5, RT 01/RW 02",
        "kelurahan_kode": "36.73.02.1001",
        "occupation": "Guru",
        "education": "s1",
        "organisation": "pkk",
        "organisation_detail": "PKK Kelurahan Kasemen",
        "motivation": "Ingin membantu perempuan dan anak di lingkungan saya.",
        "availability": "Sabtu-Minggu",
        "password": "rahasia-123",
        "confirm": "rahasia-123",
        "consent": "y",
        "consent_version": CONSENT_VERSION,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def counts() -> dict:
    """Row counts that a rejected form must leave unchanged."""
    return {
        "user": db.session.scalar(select(func.count()).select_from(User)),
        "relawan": db.session.scalar(select(func.count()).select_from(Relawan)),
        "status_change": db.session.scalar(select(func.count()).select_from(StatusChange)),
    }


def audit_count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))
