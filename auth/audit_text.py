"""The audit log as people read it: one Indonesian sentence per entry, e.g.
"Budi (Panitia) memverifikasi relawan Siti Aminah", with the actor's name, the object's name and a
link to the object's page where one exists, and the details with labels instead of codes.

The verb of each action is its label (helpers.labels, kind "audit_action"); the objects of a page
are loaded with one query per model.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import select

from extensions import db
from helpers.formats import format_number
from helpers.labels import label


@dataclass(frozen=True)
class Target:
    """How one kind of object is named and linked in a sentence."""
    text: Callable[[object], str]
    link: Callable[[object], str | None] = lambda obj: None


TARGETS: dict[str, Target] = {
    "Relawan": Target(lambda r: r.full_name, lambda r: url_for("relawan.detail", relawan_id=r.id)),
    "User": Target(lambda u: u.name, lambda u: url_for("auth.user_edit", user_id=u.id)),
    "Event": Target(lambda e: e.title, lambda e: url_for("events.detail", event_id=e.id)),
    "TrainingProgram": Target(lambda p: p.title, lambda p: url_for("events.program_detail", program_id=p.id)),
    "Speaker": Target(lambda s: s.name, lambda s: url_for("events.speaker_detail", speaker_id=s.id)),
    "Registration": Target(lambda r: f"{r.display_name} di {r.event.title}",
                           lambda r: url_for("events.detail", event_id=r.event_id)),
    "Certificate": Target(lambda c: f"nomor {c.number} ({c.name})"),
    "ApiToken": Target(lambda t: f"«{t.name}»"),
    "Broadcast": Target(lambda b: f"#{b.id}", lambda b: url_for("messaging.broadcast_detail", broadcast_id=b.id)),
}

# relawan_status: the verb follows the new status ("memverifikasi relawan Siti").
STATUS_VERBS = {
    "terverifikasi": ("memverifikasi relawan", ""), "ditolak": ("menolak relawan", ""),
    "aktif": ("mengaktifkan relawan", ""), "nonaktif": ("menonaktifkan relawan", ""),
    "dalam_pelatihan": ("memindahkan relawan", "ke tahap pelatihan"),
}
# The actor's own account is not repeated as the object ("Budi masuk ke aplikasi").
SELF_ACTIONS = {"login", "password_changed", "password_reset", "password_reset_requested"}

DETAIL_KEYS = {
    "title": "Judul", "name": "Nama", "reason": "Alasan", "number": "Nomor", "role": "Peran",
    "channel": "Saluran", "from": "Dari", "to": "Menjadi", "kecamatan": "Kecamatan",
    "identifier": "Identitas yang diketik", "prefix": "Awalan", "topic": "Topik", "note": "Catatan",
    "filename": "Berkas", "days": "Lebih dari (hari)", "before": "Sebelum", "event_id": "Kegiatan",
    "user_id": "Pengguna", "registration_id": "Pendaftaran", "scan_id": "Pindaian",
    "scanned_at": "Waktu pindai", "was": "Status sebelumnya", "by": "Oleh", "what": "Data",
    "format": "Format", "filters": "Filter", "fields": "Kolom diubah", "segment": "Penerima",
    "whatsapp": "WhatsApp", "email": "Email", "unreachable": "Tak terjangkau",
    "resend_of": "Kirim ulang dari pesan", "by_status": "Menurut status",
}
# Detail values that are codes: the label kind per key (per action where it differs).
VALUE_KINDS = {
    "channel": "channel", "format": "export_format", "was": "registration_status",
    "role": "role", "by_status": "relawan_status",
}
ACTION_VALUE_KINDS = {
    ("relawan_status", "from"): "relawan_status", ("relawan_status", "to"): "relawan_status",
    ("user_role_changed", "from"): "role", ("user_role_changed", "to"): "role",
    ("certificate_issued", "role"): "certificate_role",
}
BY_TEXT = {"staff": "panitia", "holder": "pemegang tiket"}


@dataclass
class AuditLine:
    """One entry ready for the page."""
    entry: object
    actor: str
    verb: str
    object_text: str = ""
    object_url: str | None = None
    suffix: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)

    @property
    def sentence(self) -> str:
        return " ".join(x for x in (self.actor, self.verb, self.object_text, self.suffix) if x)


def _models() -> dict[str, type]:
    return {m.class_.__name__: m.class_ for m in db.Model.registry.mappers}


def _load_targets(entries) -> dict[tuple[str, str], object]:
    """{(type, id): object} for the page's entries, one query per model."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for e in entries:
        if e.target_type in TARGETS and e.target_id and e.target_id.isdigit():
            wanted[e.target_type].add(int(e.target_id))
    models, found = _models(), {}
    for name, ids in wanted.items():
        model = models.get(name)
        if model is None:
            continue
        for obj in db.session.scalars(select(model).where(model.id.in_(ids))):
            found[(name, str(obj.id))] = obj
    return found


def _actor(entry) -> str:
    if entry.user is None:
        return "Seseorang" if entry.action == "login_failed" else "Sistem"
    return f"{entry.user.name} ({entry.user.role_label})"


def _value(action: str, key: str, value) -> str:
    kind = ACTION_VALUE_KINDS.get((action, key)) or VALUE_KINDS.get(key)
    if isinstance(value, dict):
        return ", ".join(f"{label(kind, k) if kind else k}: {_value(action, '', v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value(action, key, v) for v in value)
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int | float):
        return format_number(value)
    if key == "by":
        return BY_TEXT.get(value, str(value))
    return label(kind, value) if kind else str(value)


def _details(entry) -> list[tuple[str, str]]:
    out = [(DETAIL_KEYS.get(k, k.replace("_", " ").capitalize()), _value(entry.action, k, v))
           for k, v in (entry.details or {}).items() if v not in (None, "", [], {})]
    if entry.rows is not None:
        out.append(("Baris", format_number(entry.rows)))
    if entry.note:
        out.append(("Catatan", entry.note))
    return out


def describe(entries) -> list[AuditLine]:
    """The sentence, object link and readable details of each audit entry of one page."""
    targets = _load_targets(entries)
    lines = []
    for e in entries:
        line = AuditLine(entry=e, actor=_actor(e), verb=label("audit_action", e.action),
                         details=_details(e))
        if e.action == "relawan_status":
            to = (e.details or {}).get("to")
            line.verb, line.suffix = STATUS_VERBS.get(
                to, ("mengubah status relawan", f"menjadi {label('relawan_status', to)}"))
        obj = targets.get((e.target_type, e.target_id))
        own = e.action in SELF_ACTIONS and e.target_type == "User" and e.target_id == str(e.user_id)
        if obj is not None and not own:
            target = TARGETS[e.target_type]
            line.object_text, line.object_url = target.text(obj), target.link(obj)
        elif e.target_type and e.target_type in TARGETS and not own:
            line.object_text = "(sudah dihapus)"
        lines.append(line)
    return lines


def action_choices(actions) -> list[tuple[str, str]]:
    """(code, label) for the action filter, the labels capitalised, sorted by label."""
    return sorted(((a, label("audit_action", a).capitalize()) for a in actions), key=lambda p: p[1])

