"""Messaging: the outbox every message leaves through, its channels (email, WhatsApp), the worker
that sends, the admin outbox page and the WhatsApp delivery-status webhook.

Any part of the app that informs a person calls `messaging.services.enqueue` inside its own
transaction; only the worker (`flask --app app outbox work`) talks to a provider.
"""
from flask import Blueprint

bp = Blueprint("messaging", __name__)

from messaging import (
    broadcast_views,  # noqa: F401  (broadcasts and the opt-out link)
    views,  # noqa: F401  (routes register on bp)
)
