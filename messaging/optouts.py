"""Opting out of broadcasts: the link in every broadcast, the addresses that asked, and what a
person's own data export and anonymisation see of them.

The link holds a random token stored on the broadcast's Message row (`opt_out_token`), never the
phone number or email address itself (URLs end up in logs and browser histories). Opting out
records the message's address and, when it belongs to an account, the account's other address
too: one person, one decision. Only broadcasts skip these addresses; tickets, codes and other
messages about a person's own registrations are still sent.
"""
from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from auth.models import User
from extensions import db
from helpers.errors import DomainError
from messaging.models import BroadcastOptOut, Message


class UnknownOptOutLink(DomainError):
    code = "unknown_opt_out_link"
    kind = "not_found"
    default = "Tautan berhenti langganan ini tidak dikenal atau sudah tidak berlaku."


def new_token() -> str:
    """A fresh opt-out token (128 bits) for one broadcast message."""
    return secrets.token_urlsafe(16)


def opt_out_url(token: str) -> str:
    """{BASE_URL}/berhenti/<token>: the link at the end of every broadcast."""
    return f"{current_app.config['BASE_URL']}/berhenti/{token}"


def normalise(address: str) -> str:
    """The stored form of an address: emails in lower case, phones as kept (E.164)."""
    address = address.strip()
    return address.lower() if "@" in address else address


def message_of(token: str) -> Message:
    """The broadcast message whose opt-out link carries `token`; UnknownOptOutLink otherwise."""
    message = None
    if token and len(token) <= 43:
        message = db.session.scalar(select(Message).where(Message.opt_out_token == token))
    if message is None:
        raise UnknownOptOutLink()
    return message


def _addresses_of_person(address: str) -> set[str]:
    """`address` and, when it is an account's phone or email, that account's other address."""
    found = {normalise(address)}
    user = db.session.scalar(select(User).where(or_(User.phone == address,
                                                    User.email == normalise(address))))
    if user is not None:
        found |= {normalise(a) for a in (user.phone, user.email) if a}
    return found


def opted_out(addresses) -> set[str]:
    """Which of `addresses` asked for no more broadcasts (normalised)."""
    wanted = {normalise(a) for a in addresses if a}
    if not wanted:
        return set()
    return set(db.session.scalars(
        select(BroadcastOptOut.address).where(BroadcastOptOut.address.in_(wanted))))


def opt_out(token: str) -> set[str]:
    """Record the opt-out asked for by the link with `token` (idempotent: a second click, or two
    at once, leaves one row per address). Returns the addresses now opted out. Adds/flushes."""
    message = message_of(token)
    addresses = _addresses_of_person(message.recipient)
    new = addresses - opted_out(addresses)
    db.session.add_all(BroadcastOptOut(address=a, message_id=message.id) for a in sorted(new))
    try:
        db.session.flush()
    except IntegrityError:
        # Another request recorded the same address first: the outcome asked for is there.
        db.session.rollback()
    return addresses


def opt_outs_of(addresses) -> list[BroadcastOptOut]:
    """The opt-out rows of a person's addresses (for their own data export)."""
    wanted = {normalise(a) for a in addresses if a}
    if not wanted:
        return []
    return list(db.session.scalars(select(BroadcastOptOut)
                                   .where(BroadcastOptOut.address.in_(wanted))
                                   .order_by(BroadcastOptOut.created_at)))


def forget(addresses) -> int:
    """Delete the opt-out rows of a person's addresses (anonymisation); how many went."""
    wanted = {normalise(a) for a in addresses if a}
    if not wanted:
        return 0
    return db.session.execute(delete(BroadcastOptOut).where(BroadcastOptOut.address.in_(wanted))
                              .execution_options(synchronize_session=False)).rowcount
