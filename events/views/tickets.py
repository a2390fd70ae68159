"""Ticket pages: /t/<token> (event ticket or relawan card), QR as PNG and SVG."""
from flask import Response, abort, current_app, redirect, render_template, url_for
from flask_login import current_user

from events import bp
from events.forms import ActionForm
from events.questions.saving import answer_lines, may_change_answers
from events.services import registration as reg_service
from events.services.tickets import (
    find_card,
    find_registration,
    ticket_url,
    whatsapp_link,
)
from events.viewutil import is_staff
from helpers.qr import png, svg
from timeutil import utcnow

NO_STORE = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}


@bp.get("/t/<token>")
def ticket(token: str):
    """The holder's ticket (the token is the credential); a relawan card token shows the card."""
    reg = find_registration(token)
    if reg is None:
        relawan = find_card(token)
        if relawan is None:
            abort(404)
        if ("relawan.card" in current_app.view_functions and current_user.is_authenticated
                and current_user.id == relawan.user_id):
            return redirect(url_for("relawan.card"))
        return render_template("events/card.html", relawan=relawan, token=token), 200, NO_STORE
    url = ticket_url(reg.token)
    return render_template(
        "events/ticket.html", reg=reg, event=reg.event, qr_svg=svg(url, "Kode QR tiket"), ticket_url=url,
        wa_link=whatsapp_link(reg), position=reg_service.waitlist_position(reg),
        action_form=ActionForm(), staff=is_staff(), now=utcnow(),
        can_cancel=reg_service.may_cancel(reg, current_user if current_user.is_authenticated else None),
        answer_lines=answer_lines(reg) if reg.lead_registration_id is None else [],
        can_change_answers=may_change_answers(reg, current_user if current_user.is_authenticated else None),
    ), 200, NO_STORE


def _ticket_or_404(token: str):
    reg = find_registration(token)
    if reg is None:
        abort(404)
    return reg


@bp.get("/t/<token>.png")
def ticket_png(token: str):
    """QR code PNG (download / print)."""
    reg = _ticket_or_404(token)
    return Response(png(ticket_url(reg.token)), mimetype="image/png", headers={
        **NO_STORE, "Content-Disposition": f'inline; filename="tiket-{reg.event_id}.png"'})


@bp.get("/t/<token>.svg")
def ticket_svg(token: str):
    """QR code SVG (sharp at any print size)."""
    reg = _ticket_or_404(token)
    return Response(svg(ticket_url(reg.token), "Kode QR tiket"), mimetype="image/svg+xml", headers=NO_STORE)


