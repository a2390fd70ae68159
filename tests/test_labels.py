"""helpers/labels.py is the one map from codes to labels: every stored code has a label, the model
modules hand out the same maps, and no code reaches a person on pages, PDFs, scan answers or the
audit log."""
from __future__ import annotations

import io
import re
import secrets
from datetime import timedelta

from markupsafe import Markup
from pypdf import PdfReader

from auth.models import ROLE_LABELS, AuditEntry, Role
from events.checkin_models import CheckIn
from events.models import (
    EVENT_STATUS_LABELS,
    KIND_LABELS,
    REGISTRATION_STATUS_LABELS,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from events.training import LABELS as ATTENDANCE_LABELS
from events.training import Attendance
from extensions import db
from helpers import labels
from messaging.models import CHANNEL_LABELS, Channel, MessageStatus
from messaging.models import STATUS_LABELS as MESSAGE_LABELS
from relawan import services as relawan_services
from relawan.models import STATUS_LABELS, Relawan, RelawanStatus

# Codes that are not Indonesian words (words such as "relawan" or "hadir" are also their label).
ENGLISH = {"confirmed", "waitlisted", "cancelled", "published", "draft", "finished", "queued",
           "sending", "sent", "failed", "unsendable", "whatsapp", "self", "guest"}
SCANNED = sorted({c for codes in labels.LABELS.values() for c in codes
                  if "_" in c or "." in c or c in ENGLISH} | {"pkk", "umum"}
                 - {"whatsapp"})  # "WhatsApp" is the label; the code is lowercase


def _visible(html: str) -> str:
    body = html.split("<body", 1)[-1].split(">", 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(Markup(re.sub(r"<[^>]+>", " ", body)).unescape().split())


def _pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def _codes_in(text: str) -> list[str]:
    return [c for c in SCANNED if re.search(rf"(?<![\w.-]){re.escape(c)}(?![\w-])", text)]


def test_every_stored_code_has_a_label_and_models_share_the_one_map():
    for enum, kind in [(RelawanStatus, "relawan_status"), (Role, "role"), (EventKind, "event_kind"),
                       (EventStatus, "event_status"), (RegistrationStatus, "registration_status"),
                       (Attendance, "attendance"), (MessageStatus, "message_status"),
                       (Channel, "channel")]:
        assert set(labels.LABELS[kind]) == {m.value for m in enum}, kind
    for shared, kind in [(STATUS_LABELS, "relawan_status"), (ROLE_LABELS, "role"),
                         (KIND_LABELS, "event_kind"), (EVENT_STATUS_LABELS, "event_status"),
                         (REGISTRATION_STATUS_LABELS, "registration_status"),
                         (ATTENDANCE_LABELS, "attendance"), (MESSAGE_LABELS, "message_status"),
                         (CHANNEL_LABELS, "channel")]:
        assert shared is labels.LABELS[kind]
    assert STATUS_LABELS[RelawanStatus.DALAM_PELATIHAN] == "Dalam pelatihan"


def test_unknown_codes_print_as_words_and_missing_ones_as_a_dash():
    assert labels.label("organisation", "karang_taruna") == "Karang Taruna"
    assert labels.label("organisation", "umum") == "Umum"
    assert labels.label("organisation", None) == "-"
    assert labels.organisation_text("pkk", "PKK Kasemen") == "PKK Kasemen"
    assert labels.organisation_text("pkk") == "PKK"


def _world(app, make_event, make_relawan, make_user):
    """Relawan of each organisation, status and education, registered (one checked in, one on
    the waitlist) to an event; a panitia named Budi verifies Siti Aminah."""
    event = make_event(title="Sosialisasi Label")
    budi = make_user(Role.PANITIA, name="Budi Santoso")
    people = [make_relawan(full_name="Siti Aminah", organisation="karang_taruna", education="sma"),
              make_relawan(full_name="Umar Umum", organisation="umum",
                           status=RelawanStatus.DALAM_PELATIHAN),
              make_relawan(full_name="Pipit Kader", organisation="pkk", gender="L")]
    with app.app_context():
        for i, rel in enumerate(people):
            reg = Registration(event_id=event.id, relawan_id=rel.id, token=secrets.token_urlsafe(16),
                               status="waitlisted" if i == 2 else "confirmed")
            db.session.add(reg)
            db.session.flush()
            if i == 0:
                at = event.starts_at + timedelta(minutes=5)
                db.session.add(CheckIn(registration_id=reg.id, event_id=event.id, scanned_at=at,
                                       recorded_at=at, method="qr"))
        relawan_services.approve(db.session.get(Relawan, people[0].id), db.session.get(type(budi), budi.id))
        db.session.commit()
    return event, people


def test_pages_pdfs_and_audit_log_show_labels_not_codes(app, login_as, make_event, make_relawan,
                                                        make_user):
    event, people = _world(app, make_event, make_relawan, make_user)
    admin = login_as(Role.ADMIN)
    admin.get("/laporan/ekspor?data=relawan&format=csv")
    pages = {url: admin.get(url) for url in [
        "/relawan", f"/relawan/{people[0].id}", f"/relawan/{people[1].id}",
        f"/kelola/kegiatan/{event.id}/peserta", f"/laporan/kegiatan/{event.id}", "/laporan/",
        f"/kegiatan/{event.id}", "/admin/audit"]}
    for url, resp in pages.items():
        assert resp.status_code == 200, url
        assert _codes_in(_visible(resp.get_data(as_text=True))) == [], url
    for url in [f"/laporan/kegiatan/{event.id}/daftar-hadir.pdf",
                f"/laporan/kegiatan/{event.id}/daftar-hadir.pdf?versi=kosong",
                f"/kelola/kegiatan/{event.id}/badge.pdf"]:
        resp = admin.get(url)
        assert resp.status_code == 200, url
        assert _codes_in(_pdf_text(resp.data)) == [], url
    assert "Karang Taruna" in _visible(pages["/relawan"].get_data(as_text=True))


def test_audit_log_reads_as_a_sentence_with_names_and_a_link(app, login_as, make_event, make_relawan,
                                                             make_user):
    _, people = _world(app, make_event, make_relawan, make_user)
    admin = login_as(Role.ADMIN, name="Ani Admin")
    html = admin.get("/admin/audit").get_data(as_text=True)
    text = _visible(html)
    assert "Budi Santoso (Panitia) memverifikasi relawan Siti Aminah" in text
    assert f'<a href="/relawan/{people[0].id}">Siti Aminah</a>' in html
    assert "Ani Admin (Admin DP3AKB) masuk ke aplikasi" in text
    assert re.search(r"Dari ?: Calon", text) and re.search(r"Menjadi ?: Terverifikasi", text)
    assert "User #" not in text and _codes_in(text) == []
    filtered = _visible(admin.get("/admin/audit?action=relawan_status").get_data(as_text=True))
    assert "Mengubah status relawan" in filtered and "masuk ke aplikasi" not in filtered
    with app.app_context():
        entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "relawan_status")).one()
        assert entry.details == {"from": "calon", "to": "terverifikasi"}
