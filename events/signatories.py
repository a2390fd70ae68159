"""Who signs the paper: the ketua panitia and the Kepala DP3AKB ("Mengetahui") of an event.

Each person comes whole from the event when its name is set there (edited on the event form),
else from configuration (KETUA_PANITIA_*, KEPALA_DINAS_* in config.py): a name is never paired
with another person's NIP. The certificate signatory is the configured Kepala DP3AKB
(events/training/certificates.signatory refuses while it is missing).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from helpers.nip import InvalidNip, parse_nip


@dataclass(frozen=True)
class Signatory:
    title: str   # "Ketua Panitia", "Kepala DP3AKB Kota Serang"
    name: str    # "" when nobody is set
    nip: str     # 18 digits or ""


def _configured(prefix: str, title: str) -> Signatory:
    cfg = current_app.config
    try:
        nip = parse_nip(cfg.get(f"{prefix}_NIP", ""))
    except InvalidNip:  # a mistyped setting prints no NIP; the certificate check names it
        nip = ""
    return Signatory(title, (cfg.get(f"{prefix}_NAME") or "").strip(), nip)


def dinas_head() -> Signatory:
    """The configured Kepala DP3AKB (KEPALA_DINAS_TITLE/NAME/NIP)."""
    return _configured("KEPALA_DINAS", current_app.config["KEPALA_DINAS_TITLE"])


def configured_chair() -> Signatory:
    """The configured ketua panitia (KETUA_PANITIA_NAME/NIP), for events that name none."""
    return _configured("KETUA_PANITIA", "Ketua Panitia")


def event_signatories(event) -> tuple[Signatory, Signatory]:
    """(ketua panitia, kepala dinas) of an event: the event's own when named, else configured."""
    chair = configured_chair()
    if event.ketua_panitia_name:
        chair = Signatory(chair.title, event.ketua_panitia_name, event.ketua_panitia_nip or "")
    head = dinas_head()
    if event.kepala_dinas_name:
        head = Signatory(head.title, event.kepala_dinas_name, event.kepala_dinas_nip or "")
    return chair, head
