"""Jinja filters and globals: labels of codes and Indonesian formats (helpers/labels.py,
helpers/formats.py), masks, navigation by role."""
from __future__ import annotations

from flask import Flask, current_app, url_for
from flask_login import current_user

from auth.models import READER_ROLES, STAFF_ROLES, Role, is_staff_role
from events.checkin.access import has_any_grant
from helpers import formats, labels
from relawan.models import mask_nik, mask_phone


def may_open_scanner(user) -> bool:
    """Staff scan every event; anyone else only while they hold a door-staff grant."""
    return is_staff_role(user.role) or has_any_grant(user)


# (endpoint, label, who: a set of roles, a predicate of the user, or None for everyone logged
# in). Missing endpoints are skipped, so a blueprint can add its pages without touching the
# base template.
NAV = [
    ("relawan.home", "Beranda saya", {Role.RELAWAN}),
    ("events.index", "Kegiatan", None),
    ("events.my_registrations", "Kegiatan saya", {Role.RELAWAN}),
    ("events.manage", "Kelola kegiatan", STAFF_ROLES),
    ("events.programs", "Program pelatihan", READER_ROLES),
    ("events.speakers", "Narasumber", READER_ROLES),
    ("events.refresher_list", "Perlu penyegaran", STAFF_ROLES),
    ("events.scanner_home", "Pindai QR", may_open_scanner),
    ("relawan.screening", "Relawan", READER_ROLES),
    ("reports.dashboard", "Dasbor", READER_ROLES),
    ("auth.users", "Pengguna", {Role.ADMIN}),
    ("auth.audit_log", "Log audit", {Role.ADMIN}),
    ("ops.index", "Privasi & retensi", {Role.ADMIN}),
    ("letterhead.settings", "Kop surat", {Role.ADMIN}),
    ("messaging.outbox", "Pesan", {Role.ADMIN}),
    ("cases.manage", "Data kasus", {Role.ADMIN}),
    ("messaging.broadcasts_index", "Siaran", READER_ROLES),
]


def nav_items():
    """Menu entries the current user may see, in order."""
    if not current_user.is_authenticated:
        return []
    endpoints = current_app.view_functions
    items = []
    for endpoint, label, who in NAV:
        if endpoint not in endpoints:
            continue
        if who is None or (who(current_user) if callable(who) else current_user.role in who):
            items.append((url_for(endpoint), label, endpoint))
    return items


def phone_display(phone: str | None) -> str:
    """'+6281234567890' -> '0812-3456-7890'."""
    if not phone:
        return "-"
    digits = phone.lstrip("+")
    national = "0" + digits[2:] if digits.startswith("62") else digits
    return f"{national[:4]}-{national[4:8]}-{national[8:]}".rstrip("-")


def upcoming_registrations(relawan_id: int):
    """A relawan's registrations for events that have not ended (for the home page partial)."""
    from events.services.registration import registrations_of_relawan

    return sorted(registrations_of_relawan(relawan_id, include_past=False), key=lambda r: r.event.starts_at)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(formats.FILTERS)
    app.jinja_env.filters["label"] = lambda code, kind: labels.label(kind, code)
    app.jinja_env.filters["mask_nik"] = mask_nik
    app.jinja_env.filters["mask_phone"] = mask_phone
    app.jinja_env.filters["phone"] = phone_display

    @app.context_processor
    def inject():
        return {
            "nav_items": nav_items,
            "has_endpoint": lambda name: name in app.view_functions,
            "upcoming_registrations": upcoming_registrations,
            "org_unit": app.config["ORG_UNIT"],
            "org_name": app.config["ORG_NAME"],
            "city_name": app.config["CITY_NAME"],
        }
