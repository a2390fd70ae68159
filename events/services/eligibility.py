"""Who may register for what (issue 13.5): THE rule every page, API and service asks.

- A rejected (ditolak) or deactivated (nonaktif) relawan may not register for anything.
- Training (a program, or any session of a program) is for verified relawan: a calon is screened
  by panitia first; terverifikasi, dalam_pelatihan and aktif may join.
- Anything else (sosialisasi, rakor) is open to a calon too.

`may_register(relawan, event)` and `may_join_training(relawan)` answer with a Decision (ok and
the Indonesian reason); the register services raise NotEligible with that reason, and the event
page, the program page and the relawan home show the reason instead of a register button.
Event-level rules (open, full, closed) stay in registration.check_open.
"""
from __future__ import annotations

from dataclasses import dataclass

from relawan.models import RelawanStatus

BLOCKED = frozenset({RelawanStatus.DITOLAK, RelawanStatus.NONAKTIF})
TRAINING_ELIGIBLE = frozenset({RelawanStatus.TERVERIFIKASI, RelawanStatus.DALAM_PELATIHAN,
                               RelawanStatus.AKTIF})
REASONS = {
    RelawanStatus.CALON: "Pelatihan hanya untuk relawan yang sudah diverifikasi panitia. Akun Anda "
                         "masih menunggu verifikasi; setelah diverifikasi, Anda dapat mendaftar.",
    RelawanStatus.DITOLAK: "Pendaftaran relawan Anda tidak disetujui, sehingga belum dapat "
                           "mendaftar kegiatan.",
    RelawanStatus.NONAKTIF: "Status relawan Anda nonaktif. Hubungi panitia untuk mengaktifkan "
                            "kembali.",
}


@dataclass(frozen=True)
class Decision:
    """The answer: `ok`, else the Indonesian `reason` shown to the person."""

    ok: bool
    reason: str | None = None

    def __bool__(self) -> bool:
        return self.ok


ALLOWED = Decision(True)


def _refused(status: str) -> Decision:
    return Decision(False, REASONS.get(status, "Status relawan Anda belum memungkinkan pendaftaran."))


def may_join_training(relawan) -> Decision:
    """May this relawan join a training program (and its sessions)?"""
    return ALLOWED if relawan.status in TRAINING_ELIGIBLE else _refused(relawan.status)


def may_register(relawan, event) -> Decision:
    """May this relawan register for `event` (a program session follows may_join_training)?"""
    if relawan.status in BLOCKED:
        return _refused(relawan.status)
    if event.program_id:
        return may_join_training(relawan)
    return ALLOWED
