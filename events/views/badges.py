"""Name badges with the ticket QR: A4, 8 per page, for an event's registrants or one person."""
from __future__ import annotations

from flask import Response, current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from events import bp
from events.checkin.messages import attendee_of
from events.models import Event, Registration, RegistrationStatus
from extensions import db
from helpers.access import staff_required
from reports.pdf import Badge, badges_pdf


def badge_for(reg: Registration, event: Event) -> Badge:
    """The badge of one registration; the QR holds the ticket URL (never a NIK or an id)."""
    attendee = attendee_of(reg)
    return Badge(name=attendee["name"], instansi=attendee["instansi"] or "",
                 role_label=(reg.role_label or "peserta").upper(),
                 qr_text=f"{current_app.config['BASE_URL']}/t/{reg.token}",
                 event_title=event.title)


def _pdf(data: bytes, filename: str) -> Response:
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{filename}"',
        "Cache-Control": "private, no-store"})


@bp.get("/kelola/kegiatan/<int:event_id>/badge.pdf", endpoint="badges_pdf")
@staff_required
def event_badges_pdf(event_id: int):
    """Badges of every confirmed registrant, sorted by name."""
    event = db.get_or_404(Event, event_id)
    regs = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.status == RegistrationStatus.CONFIRMED)
        .options(joinedload(Registration.relawan))).all()
    badges = sorted((badge_for(r, event) for r in regs), key=lambda b: b.name.lower())
    return _pdf(badges_pdf(badges), f"badge-kegiatan-{event.id}.pdf")


@bp.get("/kelola/pendaftaran/<int:registration_id>/badge.pdf")
@staff_required
def badge_pdf(registration_id: int):
    """The badge of one registration."""
    reg = db.get_or_404(Registration, registration_id)
    return _pdf(badges_pdf([badge_for(reg, reg.event)]), f"badge-{reg.id}.pdf")

