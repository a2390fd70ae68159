"""Bodies of check-in answers: the Indonesian sentence, attendee and first check-in."""
from __future__ import annotations

from helpers.formats import format_wib
from helpers.labels import organisation_text
from timeutil import to_wib


def attendee_of(reg) -> dict:
    """{"name", "instansi"} of a registration (relawan or guest)."""
    if reg is None:
        return None
    relawan = reg.relawan
    if relawan is not None:
        return {"name": relawan.full_name,
                "instansi": organisation_text(relawan.organisation, relawan.organisation_detail) or None}
    return {"name": reg.guest_name or "-", "instansi": reg.guest_instansi or None}


def attendee_from_row(row) -> dict:
    """{"name", "instansi"} from a registration row (the check-in read, the door list)."""
    if row.relawan_id is not None:
        return {"name": row.full_name,
                "instansi": organisation_text(row.organisation, row.organisation_detail) or None}
    return {"name": row.guest_name or "-", "instansi": row.guest_instansi or None}


def scan_attendee(row) -> dict:
    """The attendee of a scan answer: name and instansi, plus registration_id, group_size and
    lead_registration_id from the check-in read (service._look_query). group_size > 1 when the
    ticket belongs to a family or group (its lead, or a companion of lead_registration_id), so
    the scanner offers the group check-in (events/api/group.py)."""
    return {**attendee_from_row(row), "registration_id": row.id, "group_size": row.group_size,
            "lead_registration_id": row.lead_registration_id}


def first_from_row(row) -> dict:
    """When (WIB, ISO 8601) and by whom (user name and device) a registration first checked in."""
    who = row.ci_by or "sistem"
    by = f"{who} ({row.ci_device})" if row.ci_device else who
    return {"at": to_wib(row.ci_recorded_at).isoformat(timespec="seconds"),
            "scanned_at": to_wib(row.ci_scanned_at).isoformat(timespec="seconds"),
            "by": by, "device": row.ci_device, "method": row.ci_method}


def _name(extra) -> str:
    attendee = extra.get("attendee") or {}
    return attendee.get("name") or "Peserta"


def message_for(result: str, extra: dict) -> str:
    """The sentence shown to the door staff."""
    name = _name(extra)
    if result == "checked_in":
        if extra.get("forced"):
            return f"{name} dicatat hadir di luar jendela check-in (dengan alasan dari panitia)."
        if extra.get("walk_in"):
            return f"{name} didaftarkan sebagai peserta walk-in dan kehadirannya tercatat."
        return f"Selamat datang, {name}. Kehadiran tercatat."
    if result == "already_checked_in":
        first = extra.get("first_check_in")
        if first:
            from timeutil import parse_iso_utc
            when = format_wib(parse_iso_utc(first["at"]), "short")
            return f"{name} sudah check-in pada {when} oleh {first['by']}."
        return f"{name} sudah check-in sebelumnya."
    if result in MOVEMENT_RESULTS:
        return _movement_message(result, name, extra)
    if result == "wrong_event":  # only the other event: its ticket holder is not named here
        other = extra.get("other_event")
        if other is not None:
            return f"Tiket untuk kegiatan lain: {other.title}"
        return "Tiket untuk kegiatan lain."
    if result == "outside_window":
        return f"{name}: {extra['window_refusal']}"
    if result == "cancelled":
        return f"Pendaftaran {name} untuk acara ini sudah dibatalkan."
    if result == "not_registered":
        if extra.get("waitlisted"):
            return f"{name} masih di daftar tunggu dan belum mendapat kursi di acara ini."
        if extra.get("reason"):
            return f"{name} tidak terdaftar di acara ini. {extra['reason']}"
        return f"{name} tidak terdaftar di acara ini."
    if extra.get("by_id"):
        return "Pendaftaran tidak ditemukan di acara ini."
    return "Kode QR tidak dikenal. Pastikan yang dipindai adalah tiket atau kartu relawan P2TP2A."


MOVEMENT_RESULTS = ("checked_out", "re_entered", "already_checked_out", "not_checked_in",
                    "checkout_disabled")


def _movement_message(result: str, name: str, extra: dict) -> str:
    """The sentences of check-out events (events/checkin/movements.py)."""
    if result == "checked_out":
        return f"{name} tercatat keluar pukul {format_wib(extra['moved_at'], 'time')}."
    if result == "re_entered":
        return f"Selamat datang kembali, {name}. Masuk kembali tercatat."
    if result == "already_checked_out":
        who = extra["movement"]["by"]
        return (f"{name} sudah tercatat keluar pada {format_wib(extra['moved_at'], 'short')} "
                f"oleh {who}. Bila ia masuk lagi, pindai dengan mode Masuk.")
    if result == "not_checked_in":
        return f"{name} belum check-in, jadi tidak dapat dicatat keluar."
    return ("Catat keluar tidak diaktifkan untuk acara ini. Ganti pemindai ke mode Masuk, atau "
            "aktifkan \"Catat keluar-masuk\" di pengaturan kegiatan.")
