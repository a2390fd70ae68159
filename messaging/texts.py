"""The Indonesian texts of every message kind: one registry, rendered at enqueue time.

Each MessageTemplate has an email subject, a body (used by email and by WhatsApp free text) and,
for WhatsApp template messages (needed by the Cloud API for a first, business-initiated message),
the name of the approved template and the expressions of its body parameters, in order. The admin
page /admin/pesan/templat lists them read-only.

A `secret` template carries a one-time secret (a password-reset code or link): the outbox page
never shows its text, the worker erases the text as soon as the message is final (sent, failed,
expired or unsendable) and it is never resent (messaging/services.py, messaging/worker.py).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from jinja2 import Environment, StrictUndefined

from helpers.errors import DomainError
from helpers.formats import format_wib

# Plain text, not HTML: no autoescaping; a missing context value is an error, not an empty hole.
_env = Environment(autoescape=False, undefined=StrictUndefined, trim_blocks=True,
                   lstrip_blocks=True)
_env.filters["wib"] = format_wib


class UnknownTemplate(DomainError):
    code = "unknown_template"
    kind = "invalid"
    default = "Templat pesan tidak dikenal."


@dataclass(frozen=True)
class MessageTemplate:
    """One message kind: what admin reads on the templates page and what enqueue renders."""

    name: str
    label: str
    subject: str
    body: str
    wa_name: str | None = None
    wa_params: tuple[str, ...] = ()
    wa_language: str = "id"
    secret: bool = False


TEMPLATES: dict[str, MessageTemplate] = {t.name: t for t in (
    MessageTemplate(
        name="ticket", label="Tiket pendaftaran kegiatan",
        subject="Tiket: {{ event_title }}",
        body=("Yth. {{ name }},\n\n"
              "{% if confirmed %}Pendaftaran Anda terkonfirmasi.{% else %}Anda masuk daftar tunggu; "
              "kami kabari bila kursi tersedia.{% endif %}\n\n"
              "Kegiatan : {{ event_title }}\nWaktu    : {{ starts_at|wib }}\nTempat   : {{ venue }}\n\n"
              "Tiket dan kode QR Anda: {{ ticket_url }}\n"
              "{% if confirmed and channel == 'email' %}Kode QR tiket terlampir (tiket-qr.png).\n{% endif %}"
              "{% if confirmed %}Tunjukkan kode QR di pintu masuk, juga bisa tanpa internet.\n{% endif %}"
              "\n{{ org_unit }}"),
        wa_name="tiket_kegiatan",
        wa_params=("{{ name }}", "{{ event_title }}", "{{ starts_at|wib }}", "{{ venue }}",
                   "{{ ticket_url }}")),
    MessageTemplate(
        name="waitlist_promoted", label="Kursi tersedia untuk peserta daftar tunggu",
        subject="Kursi tersedia: {{ event_title }}",
        body=("Yth. {{ name }},\n\nKabar baik: kursi tersedia dan pendaftaran Anda dari daftar tunggu "
              "kini TERKONFIRMASI.\n\n"
              "Kegiatan : {{ event_title }}\nWaktu    : {{ starts_at|wib }}\nTempat   : {{ venue }}\n\n"
              "Tiket dan kode QR Anda: {{ ticket_url }}\n"
              "{% if channel == 'email' %}Kode QR tiket terlampir (tiket-qr.png).\n{% endif %}"
              "Tunjukkan kode QR di pintu masuk, juga bisa tanpa internet.\n\n{{ org_unit }}"),
        wa_name="kursi_tersedia",
        wa_params=("{{ name }}", "{{ event_title }}", "{{ starts_at|wib }}", "{{ venue }}",
                   "{{ ticket_url }}")),
    MessageTemplate(
        name="registration_cancelled", label="Pendaftaran dibatalkan",
        subject="Pendaftaran dibatalkan: {{ event_title }}",
        body=("Yth. {{ name }},\n\nPendaftaran Anda pada kegiatan \"{{ event_title }}\" "
              "({{ starts_at|wib }}) telah DIBATALKAN{% if by_staff %} oleh panitia{% endif %}. "
              "Tiket Anda tidak berlaku lagi.\n\n"
              "Bila ini keliru, hubungi panitia atau daftar lagi selama pendaftaran dibuka: "
              "{{ event_url }}\n\n{{ org_unit }}"),
        wa_name="pendaftaran_dibatalkan",
        wa_params=("{{ name }}", "{{ event_title }}", "{{ starts_at|wib }}", "{{ event_url }}")),
    MessageTemplate(
        name="certificate_issued", label="Sertifikat terbit",
        subject="Sertifikat: {{ title }}",
        body=("Yth. {{ name }},\n\nSertifikat {{ role }} Anda untuk \"{{ title }}\" ({{ date_text }}) "
              "telah terbit dengan nomor {{ number }}.\n\n"
              "{% if download_url %}Unduh (masuk ke akun Anda): {{ download_url }}\n{% endif %}"
              "Cek keaslian sertifikat: {{ verify_url }}\n\n{{ org_unit }}"),
        wa_name="sertifikat_terbit",
        wa_params=("{{ name }}", "{{ title }}", "{{ number }}", "{{ verify_url }}")),
    MessageTemplate(
        name="reminder", label="Pengingat sehari sebelum kegiatan",
        subject="Pengingat: {{ event_title }}",
        body=("Yth. {{ name }},\n\nPengingat: Anda terdaftar pada kegiatan berikut.\n\n"
              "Kegiatan : {{ event_title }}\nWaktu    : {{ starts_at|wib }}\nTempat   : {{ venue }}\n\n"
              "Tiket dan kode QR Anda: {{ ticket_url }}\n"
              "Tunjukkan kode QR di pintu masuk, juga bisa tanpa internet.\n"
              "Bila berhalangan hadir, batalkan lewat tautan tiket agar kursi Anda dapat dipakai "
              "peserta lain.\n\n{{ org_unit }}"),
        wa_name="pengingat_kegiatan",
        wa_params=("{{ name }}", "{{ event_title }}", "{{ starts_at|wib }}", "{{ venue }}",
                   "{{ ticket_url }}")),
    MessageTemplate(
        name="event_cancelled", label="Kegiatan dibatalkan",
        subject="Dibatalkan: {{ event_title }}",
        body=("Yth. {{ name }},\n\nDengan menyesal kami sampaikan bahwa kegiatan "
              "\"{{ event_title }}\" ({{ starts_at|wib }}) DIBATALKAN.\nAlasan: {{ reason }}\n\n"
              "Informasi: {{ ticket_url }}\n\n{{ org_unit }}"),
        wa_name="kegiatan_dibatalkan",
        wa_params=("{{ name }}", "{{ event_title }}", "{{ starts_at|wib }}", "{{ reason }}")),
    MessageTemplate(
        name="password_reset_code", label="Kode lupa kata sandi (WhatsApp)",
        subject="Kode pemulihan kata sandi",
        body=("Kode pemulihan kata sandi Anda: {{ code }}\n\n"
              "Berlaku {{ minutes }} menit dan hanya sekali pakai. Jangan berikan kode ini kepada "
              "siapa pun, termasuk petugas.\nBila Anda tidak meminta kode ini, abaikan pesan ini.\n\n"
              "{{ org_unit }}"),
        wa_name="kode_pemulihan_sandi", wa_params=("{{ code }}",), secret=True),
    MessageTemplate(
        name="password_reset_link", label="Tautan lupa kata sandi (email)",
        subject="Atur ulang kata sandi {{ org_unit }}",
        body=("Yth. {{ name }},\n\nKami menerima permintaan mengatur ulang kata sandi akun Anda.\n"
              "Buka tautan berikut untuk memilih kata sandi baru:\n{{ link }}\n\n"
              "Tautan berlaku {{ minutes }} menit dan hanya sekali pakai.\n"
              "Bila Anda tidak memintanya, abaikan email ini; kata sandi Anda tidak berubah.\n\n"
              "{{ org_unit }}"),
        secret=True),
    MessageTemplate(
        name="refresher_due", label="Pengingat pelatihan penyegaran",
        subject="Pelatihan penyegaran: {{ program_title }}",
        body=("Yth. {{ name }},\n\nSertifikat {{ program_title }} Anda "
              "{% if expired %}sudah kedaluwarsa{% else %}berlaku sampai{% endif %} "
              "{{ valid_until }}.\n"
              "Ikuti pelatihan penyegaran agar kualifikasi relawan Anda tetap berlaku; panitia akan "
              "mendaftarkan Anda pada angkatan berikutnya. Status Anda tetap relawan aktif.\n\n"
              "Beranda Anda: {{ home_url }}\nSertifikat: {{ verify_url }}\n\n{{ org_unit }}")),
    # A broadcast (messaging/broadcasts.py): free text only, as its words are not pre-approved by
    # WhatsApp; every one carries the opt-out link (messaging/optouts.py).
    MessageTemplate(
        name="broadcast", label="Siaran panitia",
        subject="{{ subject }}",
        body=("Yth. {{ name }},\n\n{{ text }}\n\n{{ org_unit }}\n\n"
              "Tidak ingin menerima siaran lagi? Berhenti di sini: {{ opt_out_url }}\n"
              "(Tiket dan kode Anda sendiri tetap dikirim.)")),
    MessageTemplate(
        name="test", label="Pesan uji pengaturan pengiriman",
        subject="Pesan uji {{ org_unit }}",
        body=("Pesan uji dari {{ org_unit }}. Bila pesan ini sampai, pengaturan pengiriman "
              "sudah benar.")),
)}


@functools.lru_cache(maxsize=256)
def _compiled(source: str):
    """A template source compiled once per process: compiling costs far more than rendering, and
    a broadcast renders the same text for thousands of recipients."""
    return _env.from_string(source)


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    wa_template: dict | None


def template(name: str) -> MessageTemplate:
    """The template called `name`; UnknownTemplate otherwise."""
    try:
        return TEMPLATES[name]
    except KeyError:
        raise UnknownTemplate(f"Templat pesan '{name}' tidak dikenal.") from None


def is_secret(name: str) -> bool:
    """Whether messages of template `name` carry a one-time secret (False for unknown names)."""
    tpl = TEMPLATES.get(name)
    return tpl is not None and tpl.secret


def render(name: str, context: dict, *, wa_templates: bool = False) -> Rendered:
    """Render a template's subject (one line), body and, when `wa_templates` is on and the
    template has an approved WhatsApp counterpart, its template-message parameters."""
    tpl = template(name)
    subject = " ".join(_compiled(tpl.subject).render(context).split())  # one header line
    body = _compiled(tpl.body).render(context).strip()
    wa = None
    if wa_templates and tpl.wa_name:
        wa = {"name": tpl.wa_name, "language": tpl.wa_language,
              "params": [_compiled(p).render(context) for p in tpl.wa_params]}
    return Rendered(subject=subject[:200], body=body, wa_template=wa)
